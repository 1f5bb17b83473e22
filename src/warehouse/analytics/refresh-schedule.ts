import type { Kysely } from 'kysely';
import type { Logger } from '../../logger.js';
import { sleep } from '../../sleep.js';
import { recordCoverage } from './coverage.js';
import { refreshAnalytics, type AnalyticsPage, type RefreshOptions } from './refresh.js';
import type { Database } from '../schema.js';

// When the summaries are refreshed during a page's sync: every REFRESH_INTERVAL_MS while the
// streams they summarize run (the conversations changed so far, the totals left for later), and
// once when those streams are done (the rest, and the totals of every day touched), while the
// page's other streams (statistics, posts, tags, users) may still run: the summaries do not read
// their tables. A long backfill is thereby summarized as it arrives, while the sync waits on the
// API, instead of in one long step at the end, and each day's totals are computed once; an
// incremental run ends with one small refresh, mostly while the statistics are still being read.
// (Every second instead of every 15 s made the benchmark's incremental runs no cheaper: the extra
// refreshes competed with the run for the same cores.)

export const REFRESH_INTERVAL_MS = 15_000;

/** The tables the summaries are computed from (change-noting triggers, migrations/parts/analytics-marts.ts), by the streams that write them. */
export const SUMMARY_SOURCE_TABLES: readonly string[] = ['pancake.conversations', 'pancake.messages', 'pancake.customers', 'pancake.call_logs'];

/** A page's streams, as the analytics wait for them. */
export interface PageStreams<T> {
  /** Settles when the streams writing SUMMARY_SOURCE_TABLES are done. */
  sources: Promise<T>;
  /** Settles when the page's other streams are done. */
  rest?: Promise<unknown>;
  /** Among those others is one whose covered days the views read (COVERAGE_AFTER_REFRESH): recorded again after them. */
  restCovered?: boolean;
  /** Ends the last refresh's wait for another process refreshing the page. */
  signal?: AbortSignal | undefined;
}

/**
 * Runs the page's streams with its analytics kept current alongside; returns what `sources` gave.
 * A refresh during the streams skips its turn when another process is refreshing the page; the
 * last one waits for it, within a bound, and not beyond a stop signal.
 */
export async function keepAnalyticsCurrent<T>(db: Kysely<Database>, page: AnalyticsPage, log: Logger, streams: PageStreams<T>, intervalMs = REFRESH_INTERVAL_MS): Promise<T> {
  // Aborted when the streams are done: it cuts the wait for the next periodic refresh short.
  const sourcesDone = new AbortController();
  const periodic = (async () => {
    while (!sourcesDone.signal.aborted) {
      await sleep(intervalMs, sourcesDone.signal).catch(() => undefined);
      if (!sourcesDone.signal.aborted) await refreshQuietly(db, page, log, { totals: false, lockWaitMs: 0 });
    }
  })();
  try {
    return await streams.sources;
  } finally {
    sourcesDone.abort();
    await periodic;
    await refreshQuietly(db, page, log, { totals: true, signal: streams.signal });
    await streams.rest;
    if (streams.restCovered) {
      // The refresh recorded the days each stream covers; the ads statistics ended after it.
      await recordCoverage(db, page.id).catch((error: unknown) => log.warn(`the days the streams of page ${page.id} cover were not recorded (${error instanceof Error ? error.message : String(error)}); the next sync records them`));
    }
  }
}

/**
 * A failed refresh does not fail the sync: the data is stored, the change notes stay, and the next
 * refresh (this run's next tick, or the next run) catches up.
 */
async function refreshQuietly(db: Kysely<Database>, page: AnalyticsPage, log: Logger, options: RefreshOptions): Promise<void> {
  try {
    const result = await refreshAnalytics(db, page, { ...options, log });
    if (result === null) log.debug(`analytics of page ${page.id}: another process is refreshing them; this turn is skipped`);
    else log.debug({ ...result, durationMs: Math.round(result.durationMs * 10) / 10 }, `analytics of page ${page.id} refreshed`);
  } catch (error) {
    log.warn(`analytics summaries of page ${page.id} were not refreshed (${error instanceof Error ? error.message : String(error)}); the next sync catches up`);
  }
}
