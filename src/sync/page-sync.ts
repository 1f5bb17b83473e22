import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { PancakeClient } from '../pancake/client.js';
import { PancakeError } from '../pancake/errors.js';
import { businessHoursOf } from '../business-hours.js';
import { COVERAGE_AFTER_REFRESH } from '../warehouse/analytics/coverage.js';
import { SUMMARY_SOURCE_TABLES, keepAnalyticsCurrent } from '../warehouse/analytics/refresh-schedule.js';
import type { Database } from '../warehouse/schema.js';
import type { LockSession } from '../warehouse/locks.js';
import type { PageCounts, PageHealth, RunFailure, RunWarning } from '../warehouse/runs.js';
import { errorKind, errorMessage, failureLogFields, NoTokenRenewalError, unavailableReason } from './errors.js';
import { lockedWarning } from './lock-skips.js';
import { pageTokens } from './page-tokens/policy.js';
import { createRecentFirst } from './recent-first.js';
import { isInterruption } from './shutdown.js';
import { guardStream } from './stream-guard.js';
import type { ProgressReporter } from './progress.js';
import type { PageInfo, Stream, StreamCounts, SyncSettings } from './stream.js';

// One page's share of a run: its token, then its streams side by side. The in-process runner calls
// it for every page at once; a queue worker (src/queue/) calls it for the one page of its task.

/** How a stream's part of a run ended. */
export type StreamStatus = 'done' | 'unavailable' | 'failed' | 'skipped_locked' | 'skipped_page_failed' | 'interrupted';

export interface StreamOutcome {
  pageId: string;
  stream: string;
  status: StreamStatus;
  counts: StreamCounts;
  durationMs: number;
  error?: string;
  /** Why the API does not serve the stream for this page (status `unavailable`). */
  reason?: string;
}

/** One page's outcomes as `sync_runs.counts` keeps them: per stream, its counts, status and reason. */
export function pageCounts(outcomes: readonly StreamOutcome[]): PageCounts {
  const page: PageCounts = {};
  for (const o of outcomes) page[o.stream] = { ...o.counts, status: o.status, ...(o.reason !== undefined && { reason: o.reason }) };
  return page;
}

/** Outcomes that leave nothing to do: the stream is copied, or there is nothing the API serves. */
export function isSettled(status: string | undefined): boolean {
  return status === 'done' || status === 'unavailable';
}

export interface PageSyncDeps {
  config: Config;
  db: Kysely<Database>;
  client: PancakeClient;
  log: Logger;
  streams: readonly Stream[];
  settings: SyncSettings;
  locks: LockSession;
  progress: ProgressReporter;
  /** Pancake refused PANCAKE_ACCESS_TOKEN in this run: page tokens are used, none generated. */
  userTokenRefused?: boolean;
  /** SIGTERM/SIGINT: ends a wait for the analytics lock at once. */
  stopSignal?: AbortSignal | undefined;
}

/** Where a page's outcomes, failures and warnings go; the runner passes the run's own lists. */
export interface PageSyncSink {
  outcomes: StreamOutcome[];
  failures: RunFailure[];
  warnings?: RunWarning[];
  /** How the page's token and pace fared, by page id. */
  health?: Record<string, PageHealth>;
}

/**
 * Syncs the selected streams of one page. A failure ends that stream (or, for a refused token, the
 * whole page) and is recorded in `sink`; this function itself only throws for a bug.
 */
export async function syncPage(deps: PageSyncDeps, page: PageInfo, sink: PageSyncSink): Promise<void> {
  const { client, db, config, streams, settings, locks, progress } = deps;
  const { outcomes, failures } = sink;
  const warnings = sink.warnings ?? [];
  const pageLog = deps.log.child({ pageId: page.id });
  const tokens = pageTokens({ client, config, db, log: pageLog, userTokenRefused: deps.userTokenRefused ?? false }, page.id);
  let tokenRefused = false;
  const recordHealth = () => {
    if (!sink.health) return;
    const pace = client.pacing.byPage().get(page.id);
    const worked = outcomes.some((o) => o.pageId === page.id && o.status === 'done');
    sink.health[page.id] = { token: tokens.source(), tokenState: tokenRefused ? 'refused' : worked ? 'working' : null, rate: pace ? round2(pace.rate) : null, rateLimited: pace?.rateLimited ?? 0 };
  };
  try {
    await tokens.ensure();
  } catch (error) {
    if (isInterruption(error)) {
      for (const stream of streams) outcomes.push({ pageId: page.id, stream: stream.name, status: 'interrupted', counts: zero(), durationMs: 0 });
      return;
    }
    tokenRefused = refusesToken(error);
    const lapsed = lapsedReason(page, error);
    if (lapsed !== null) {
      pageLog.warn(`page ${page.id}: ${lapsed}`);
      for (const stream of streams) outcomes.push({ pageId: page.id, stream: stream.name, status: 'unavailable', counts: zero(), durationMs: 0, reason: lapsed });
    } else {
      failures.push({ pageId: page.id, stream: null, kind: errorKind(error), message: errorMessage(error) });
      pageLog.error(failureLogFields(error, pageLog), `page ${page.id}: ${errorMessage(error)}`);
      for (const stream of streams) outcomes.push({ pageId: page.id, stream: stream.name, status: 'skipped_page_failed', counts: zero(), durationMs: 0 });
    }
    recordHealth();
    return;
  }
  let pageFailed = false;
  /** What ended the page: later failures of the same cause are that one failure, not new lines. */
  let pageFailedBy: string | null = null;
  const finished = new Map<string, Promise<StreamStatus>>();
  // Settles when a stream holds its lock and runs (null), or ends without having run (its status).
  const started = new Map<string, { promise: Promise<StreamStatus | null>; settle(status: StreamStatus | null): void }>();
  for (const stream of streams) {
    let settle: (status: StreamStatus | null) => void = () => undefined;
    const promise = new Promise<StreamStatus | null>((resolve) => (settle = resolve));
    started.set(stream.name, { promise, settle: (status) => settle(status) });
  }
  // The newest days first (recent-first.ts): the other streams start once they are complete.
  const walk = streams.find((s) => s.newestFirst === 'walk');
  const recent = walk ? createRecentFirst(settings, streams.some((s) => s.newestFirst === 'follow')) : null;
  const runOne = async (stream: Stream): Promise<StreamStatus> => {
    const status = await runStream(stream);
    started.get(stream.name)?.settle(status);
    // Ended, for whatever reason: it no longer holds the others back.
    if (stream.newestFirst === 'walk') recent?.walkReachedHorizon();
    if (stream.newestFirst === 'follow') recent?.followerCaughtUp();
    return status;
  };
  const runStream = async (stream: Stream): Promise<StreamStatus> => {
    // A stream that reads another's rows waits for it (`after`), or for it to hold its lock and
    // run (`follows`: messages follow the conversations walk), if selected. A follower whose
    // upstream another process holds is skipped like a dependent: that process follows it.
    const upstreamStart = stream.follows ? started.get(stream.follows)?.promise : undefined;
    const before = await Promise.all([...(stream.after ?? []).map((name) => finished.get(name)), upstreamStart, stream.newestFirst ? undefined : recent?.complete]);
    const counts = zero();
    const t0 = Date.now();
    if (pageFailed) {
      outcomes.push({ pageId: page.id, stream: stream.name, status: 'skipped_page_failed', counts, durationMs: 0 });
      return 'skipped_page_failed';
    }
    if (before.includes('skipped_locked')) {
      // The other process is still writing what this stream would read; it runs this one after.
      const upstreams = [...(stream.after ?? []), ...(stream.follows ? [stream.follows] : [])].join(', ');
      pageLog.warn(`another pancake-sync process is syncing ${upstreams} of page ${page.id}; skipping ${stream.name}, which depends on it, in this run`);
      warnings.push(lockedWarning(page.id, stream.name, null, upstreams));
      outcomes.push({ pageId: page.id, stream: stream.name, status: 'skipped_locked', counts, durationMs: 0 });
      return 'skipped_locked';
    }
    const streamLog = pageLog.child({ stream: stream.name });
    progress.track(page.id, stream.name, counts);
    try {
      const upstream = stream.follows ? finished.get(stream.follows) : undefined;
      const locked = await locks.tryWith(page.id, stream.name, () =>
        guardStream({ pageId: page.id, stream: stream.name, log: streamLog, warnings }, (onStorageWarning, onWarning) => {
          // Holding its lock: a stream that follows this one may start now.
          started.get(stream.name)?.settle(null);
          return tokens.retryOnRefusal(() => stream.run({ page, client, db, settings, log: streamLog, counts, onStorageWarning, onWarning, ...(upstream && { upstream }), ...(recent && stream.newestFirst && { recentFirst: recent }) }));
        }),
      );
      if ('heldBy' in locked) {
        const warning = lockedWarning(page.id, stream.name, locked.heldBy);
        streamLog.warn(warning.message);
        warnings.push(warning);
        outcomes.push({ pageId: page.id, stream: stream.name, status: 'skipped_locked', counts, durationMs: Date.now() - t0 });
        progress.finish(page.id, stream.name, 'skipped (locked)');
        return 'skipped_locked';
      }
      progress.finish(page.id, stream.name, 'done');
      outcomes.push({ pageId: page.id, stream: stream.name, status: 'done', counts, durationMs: Date.now() - t0 });
      streamLog.info({ ...counts, durationMs: Date.now() - t0 }, `${stream.name} of page ${page.id} done`);
      return 'done';
    } catch (error) {
      if (isInterruption(error)) {
        // Stopping (SIGTERM/SIGINT): what was read is committed; the next run resumes from there.
        outcomes.push({ pageId: page.id, stream: stream.name, status: 'interrupted', counts, durationMs: Date.now() - t0 });
        progress.finish(page.id, stream.name, 'interrupted');
        return 'interrupted';
      }
      if (refusesToken(error)) tokenRefused = true;
      const unavailable = unavailableReason(error) ?? lapsedReason(page, error);
      if (unavailable !== null) {
        streamLog.info(`${stream.name} of page ${page.id} is unavailable: ${unavailable}`);
        outcomes.push({ pageId: page.id, stream: stream.name, status: 'unavailable', counts, durationMs: Date.now() - t0, reason: unavailable });
        progress.finish(page.id, stream.name, 'unavailable');
        return 'unavailable';
      }
      const message = errorMessage(error);
      if (pageFailedBy !== null && pageFailedBy === errorKind(error)) {
        // The page already failed for this reason (a spent rate-limit budget): said once.
        outcomes.push({ pageId: page.id, stream: stream.name, status: 'skipped_page_failed', counts, durationMs: Date.now() - t0 });
        progress.finish(page.id, stream.name, 'skipped (page failed)');
        return 'skipped_page_failed';
      }
      failures.push({ pageId: page.id, stream: stream.name, kind: errorKind(error), message });
      outcomes.push({ pageId: page.id, stream: stream.name, status: 'failed', counts, durationMs: Date.now() - t0, error: message });
      streamLog.error({ ...failureLogFields(error, streamLog), ...counts }, `${stream.name} of page ${page.id} failed: ${message}`);
      progress.finish(page.id, stream.name, 'failed');
      // A refused token fails every later stream of the page the same way, and so does a spent
      // rate-limit budget (every later request of the page would be given up at once).
      if (refusesToken(error)) pageFailed = true;
      if (error instanceof PancakeError && error.kind === 'wait_too_long') {
        pageFailed = true;
        pageFailedBy = error.kind;
      }
      return 'failed';
    }
  };
  // The streams of a page run side by side; the client's per-token limiter and global request
  // limit keep the load in bounds, and `after` keeps dependent streams in order.
  for (const stream of streams) finished.set(stream.name, runOne(stream));
  const analytics = { ...page, inquiryGapSeconds: config.inquiryGapMs / 1000, businessHours: businessHoursOf(config.businessHours, page.id) };
  const summarized = (stream: Stream) => SUMMARY_SOURCE_TABLES.includes(stream.table ?? '');
  const done = (selected: Stream[]) => Promise.all(selected.map((s) => finished.get(s.name)));
  const others = streams.filter((s) => !summarized(s));
  const restCovered = others.some((s) => COVERAGE_AFTER_REFRESH.includes(s.name));
  await keepAnalyticsCurrent(db, analytics, pageLog, { sources: done(streams.filter(summarized)), rest: done(others), restCovered, signal: deps.stopSignal });
  recordHealth();
}

/**
 * A refused page token, or one that could not be renewed: the user token is refused too, or
 * generating a new one was refused (what renewing after a page-token refusal does).
 */
function refusesToken(error: unknown): boolean {
  return error instanceof NoTokenRenewalError || (error instanceof PancakeError && error.kind === 'auth');
}

/**
 * A page whose subscription lapsed (in the `inactivated` list) keeps syncing while its token reads;
 * when Pancake refuses it, the page is unavailable until it comes back, not a failure of the run.
 */
function lapsedReason(page: PageInfo, error: unknown): string | null {
  if (page.status !== 'inactivated' || !refusesToken(error)) return null;
  return `its Pancake subscription has lapsed (the page list has it as inactivated) and Pancake refuses its token: its history is kept, and it syncs again once the page is renewed in Pancake`;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export function zero(): StreamCounts {
  return { records: 0, rowsWritten: 0, unitsDone: 0 };
}
