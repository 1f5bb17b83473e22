import { UnknownStreamError } from './errors.js';
import type { Stream } from './stream.js';
import { conversationsStream } from './streams/conversations.js';
import { messagesStream } from './streams/messages.js';
import { callLogsStream } from './streams/call-logs.js';
import { customersStream } from './streams/customers.js';
import { pageUsersStream } from './streams/page-users.js';
import { postsStream } from './streams/posts.js';
import { tagsStream } from './streams/tags.js';
import { statisticsStreams } from './streams/statistics/index.js';

/**
 * Every stream, in the order a page runs them: a stream that reads another's rows from the
 * warehouse (messages reads conversations) comes after it. Adding a stream: one file in streams/
 * and one line here.
 */
export const STREAMS: readonly Stream[] = [tagsStream, pageUsersStream, conversationsStream, messagesStream, customersStream, callLogsStream, postsStream, ...statisticsStreams];

/** `pages` is not a Stream: the runner refreshes the page list on every run, whatever is selected. */
export const STREAM_NAMES: readonly string[] = ['pages', ...STREAMS.map((s) => s.name)];

/** The streams a run without `--streams` syncs: all but the opt-in ones. */
export const DEFAULT_STREAMS: readonly Stream[] = STREAMS.filter((s) => s.optIn === undefined);

/**
 * `--streams` help: every name, opt-in ones marked. Every opt-in stream is opt-in because its request
 * is a guess (not in Pancake's API description), which the help says.
 */
export function describeStreamNames(): string {
  return STREAM_NAMES.map((name) => (STREAMS.find((s) => s.name === name)?.optIn ? `${name} (opt-in: its request is a guess)` : name)).join(', ');
}

/**
 * The selected streams in run order; the default set when `names` is empty. `registry` is STREAMS
 * unless a caller brings its own (a library user's extra stream, the "Adding a stream" test).
 */
export function selectStreams(names: readonly string[] | null | undefined, registry: readonly Stream[] = STREAMS): Stream[] {
  if (!names || names.length === 0) return registry.filter((s) => s.optIn === undefined);
  const known = ['pages', ...registry.map((s) => s.name)];
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new UnknownStreamError(unknown, STREAM_NAMES);
  return registry.filter((s) => names.includes(s.name));
}
