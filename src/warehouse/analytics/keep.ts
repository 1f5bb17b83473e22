import type { Kysely } from 'kysely';
import type { Logger } from '../../logger.js';
import { refreshAnalytics, type AnalyticsPage, type RefreshOptions } from './refresh.js';
import type { Database } from '../schema.js';

// When the summaries are refreshed during a page's sync: every REFRESH_INTERVAL_MS while its streams
// run (the conversations changed so far, the totals left for later), and once when they are done
// (the rest, and the totals of every day touched). A long backfill is thereby summarized as it
// arrives, while the sync waits on the API, instead of in one long step at the end, and each day's
// totals are computed once; an incremental run ends with one small refresh.

export const REFRESH_INTERVAL_MS = 15_000;

/**
 * Runs `work` (the page's streams) with the page's analytics kept current alongside and after it.
 * A refresh during the work skips its turn when another process is refreshing the page; the last
 * one waits for it, within a bound, and not beyond a stop signal.
 */
export async function keepAnalyticsCurrent<T>(db: Kysely<Database>, page: AnalyticsPage, log: Logger, work: Promise<T>, options: { intervalMs?: number; signal?: AbortSignal | undefined } = {}): Promise<T> {
  const intervalMs = options.intervalMs ?? REFRESH_INTERVAL_MS;
  let done = false;
  let wake: () => void = () => {};
  const periodic = (async () => {
    while (!done) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (!done) await refreshQuietly(db, page, log, { totals: false, lockWaitMs: 0 });
    }
  })();
  try {
    return await work;
  } finally {
    done = true;
    wake();
    await periodic;
    await refreshQuietly(db, page, log, { totals: true, signal: options.signal });
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
