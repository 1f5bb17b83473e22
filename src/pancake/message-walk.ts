// The walk of a conversation's messages: `current_count` paging, newest batch first (each batch
// oldest → newest inside, as the API sends it), until a batch shorter than 30 says the history is
// over. Never on `message_count`: the API leaves ad-click entries out of it. Used by the sync's
// messages stream (which also stops at messages it has stored, and commits each batch before it
// asks for the next) and the library's `iterateMessages`.
//
// A message arriving mid-walk shifts later batches by one: the overlap is read twice, never
// skipped. A full batch of nothing but messages this walk already read means the API ignores
// current_count: the walk ends with a step marked `stuck` instead of asking forever.

import type { ListMessagesResponse, PancakeMessage } from './types.js';

/** Messages per answer; a shorter batch is the oldest one. */
export const MESSAGES_PER_BATCH = 30;

/** The answer at `current_count` (how many of the newest messages the walk has read). */
export type FetchMessages = (currentCount: number) => Promise<ListMessagesResponse>;

export type MessageWalkStep =
  | {
      answer: ListMessagesResponse;
      messages: PancakeMessage[];
      /** The ids of the batch's messages that have one (an item without a usable id is no record). */
      ids: string[];
      /** The first (newest) batch of the walk. */
      first: boolean;
      /** The history is over: nothing older is left. */
      last: boolean;
    }
  | {
      /** The API stopped moving forward: names where, for the warning; the walk ends here. */
      stuck: string;
      /** The current_count that answered a batch already read. */
      currentCount: number;
    };

/** A message's id as a row's key holds it: a non-empty string or a finite number; null otherwise. */
function messageId(message: unknown): string | null {
  const id = (message as { id?: unknown } | null)?.id;
  if (typeof id === 'string') return id.trim() === '' ? null : id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return null;
}

/**
 * Walks from `startCount` (0: the newest batch). The next request is sent only when the caller asks
 * for the next step, so a caller that stores each batch before asking resumes safely, and one that
 * breaks out of the loop sends no further request.
 */
export async function* walkMessages(fetch: FetchMessages, startCount = 0): AsyncGenerator<MessageWalkStep> {
  let position = startCount;
  const seen = new Set<string>();
  for (;;) {
    const answer = await fetch(position);
    const messages = answer.messages;
    const ids = messages.map(messageId).filter((id): id is string => id !== null);
    if (position > startCount && messages.length >= MESSAGES_PER_BATCH && ids.every((id) => seen.has(id))) {
      yield { stuck: `current_count=${position} answered ${messages.length} messages this walk had all read already`, currentCount: position };
      return;
    }
    for (const id of ids) seen.add(id);
    const first = position === startCount;
    position += messages.length;
    const last = messages.length < MESSAGES_PER_BATCH;
    yield { answer, messages, ids, first, last };
    if (last) return;
  }
}
