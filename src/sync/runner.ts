import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import { EXIT_INCOMPLETE, EXIT_OK } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PancakeClient } from '../pancake/client.js';
import type { Database } from '../warehouse/schema.js';
import { finishRun, keepRunAlive, markAbandonedRuns, runStatus, startRun, type PageCounts, type PageHealth, type RunFailure, type RunStatus, type RunWarning } from '../warehouse/runs.js';
import { withLockSession } from '../warehouse/locks.js';
import { failRepeatedLockSkips } from './lock-skips.js';
import { isInterruption } from './shutdown.js';
import { errorKind, errorMessage } from './errors.js';
import { pageCounts, syncPage, type StreamOutcome } from './page-sync.js';
import { resolveRunPages, storeBarePages, storePages } from './pages.js';
import { expiryWarning, tokenExpiry, userTokenRefusedLine, type UserTokenStatus } from './user-token.js';
import { createProgress, type ProgressReporter } from './progress.js';
import { selectStreams } from './registry.js';
import { STREAM_SETTINGS, type PageInfo, type Stream, type SyncSettings } from './stream.js';

export type { StreamOutcome } from './page-sync.js';

export interface SyncOptions {
  streams?: string[] | null;
  pages?: string[] | null;
  since?: Date | null;
  until?: Date | null;
  /** Sweep every list stream in this run (`sync --sweep`), whenever the last sweep was. */
  sweep?: boolean;
}

export interface SyncDeps {
  /** The streams a run can select; by default every registered one (registry.ts). */
  streams?: readonly Stream[];
  config: Config;
  db: Kysely<Database>;
  client: PancakeClient;
  log: Logger;
  /** The run's clock: its windows end here, and the user token's expiry is judged against it. Default: now. */
  now?: Date;
  /** Live progress; by default a log line every 15 s. */
  progress?: ProgressReporter;
  /** SIGTERM/SIGINT (the one the client obeys too): ends any wait for a lock at once. */
  stopSignal?: AbortSignal;
}

export interface RunSummary {
  runId: string;
  status: RunStatus;
  /** EXIT_OK when the run succeeded and its end is recorded, else EXIT_INCOMPLETE. */
  exitCode: typeof EXIT_OK | typeof EXIT_INCOMPLETE;
  pages: PageInfo[];
  outcomes: StreamOutcome[];
  failures: RunFailure[];
  /** Streams skipped once because another process held them, records stored in reduced form. */
  warnings: RunWarning[];
  requests: number;
  durationMs: number;
  /** PANCAKE_ACCESS_TOKEN: when it expires (null: not a JWT) and whether Pancake accepted it; null without one. */
  userToken: UserTokenStatus | null;
  /** Rate-limited answers (HTTP 429 or error_code 429) in the run. */
  rateLimited: number;
  /** The slowest pace (requests/s) a page token of the run ended at; null when no page made a request. */
  effectiveRate: number | null;
  /** Per page: its token's source and health, its pace and rate-limited answers. */
  pageHealth: Record<string, PageHealth>;
}

/**
 * One sync run: the pages × the selected streams. Pages run concurrently (the client's per-token
 * limiter and global concurrency keep the API load in bounds); a page's streams run in order. A
 * failure ends that page's stream (or, for a refused token, the whole page) and the rest go on.
 */
export async function runSync(deps: SyncDeps, options: SyncOptions = {}): Promise<RunSummary> {
  const { config, db, client, log } = deps;
  const started = Date.now();
  const now = deps.now ?? new Date();
  const streams = selectStreams(options.streams, deps.streams);
  const settings = buildSettings(config, options, now);
  const userToken: UserTokenStatus | null = config.accessToken ? { expiresAt: tokenExpiry(config.accessToken), state: 'unchecked' } : null;
  const expiring = expiryWarning(userToken?.expiresAt ?? null, now);
  if (expiring !== null) log.warn({ expiresAt: userToken?.expiresAt }, expiring);
  const aborted = await markAbandonedRuns(db);
  if (aborted.length > 0) log.warn({ runs: aborted }, `marked run(s) ${aborted.join(', ')} aborted: still "running", but their process is gone`);
  const runId = await startRun(db, { ...options, streams: streams.map((s) => s.name) });
  const stopHeartbeat = keepRunAlive(db, runId);
  const failures: RunFailure[] = [];
  const warnings: RunWarning[] = [];
  const outcomes: StreamOutcome[] = [];
  const pageHealth: Record<string, PageHealth> = {};
  let interrupted = false;
  const requestsAtStart = client.stats.requests;
  const rateLimitedAtStart = client.stats.rateLimited;
  let pages: PageInfo[] = [];

  const progress = deps.progress ?? createProgress({ log, target: { isTTY: false, write: () => true }, requests: () => client.stats.requests - requestsAtStart, ratePerPage: config.rateLimitPerSecond });

  try {
    const resolved = await resolveRunPages({ client, config, db, log }, options.pages ?? null);
    pages = resolved.pages;
    for (const message of resolved.refused) failures.push({ pageId: null, stream: null, kind: 'invalid_page_id', message });
    for (const id of resolved.missing) {
      failures.push({ pageId: id, stream: null, kind: 'not_found', message: `page ${id} is not among the pages this token can read; check PANCAKE_PAGE_IDS / --pages` });
    }
    const refused = resolved.userTokenRefused;
    if (userToken !== null && resolved.listed !== null) userToken.state = 'accepted';
    if (refused !== null && userToken !== null) {
      // One line for the whole run: what still happened, what cannot, and what to do.
      userToken.state = 'refused';
      const message = userTokenRefusedLine(refused, { synced: pages.length, withoutToken: resolved.withoutToken, expiresAt: userToken.expiresAt, now });
      failures.push({ pageId: null, stream: null, kind: 'user_token_refused', message });
      log.error({ kind: 'user_token_refused' }, message);
    }
    if (resolved.listed) await storePages(db, resolved.listed, runId, pages);
    else await storeBarePages(db, pages);
    log.info({ pages: pages.map((p) => p.id), streams: streams.map((s) => s.name) }, 'sync started');

    await withLockSession(db, async (locks) => {
      const pageDeps = { config, db, client, log, streams, settings, locks, progress, userTokenRefused: refused !== null, stopSignal: deps.stopSignal };
      await Promise.all(pages.map((page) => syncPage(pageDeps, page, { outcomes, failures, warnings, health: pageHealth })));
    }, { runId, log });
    await failRepeatedLockSkips(db, runId, outcomes, { warnings, failures });
  } catch (error) {
    if (isInterruption(error)) interrupted = true;
    else failures.push({ pageId: null, stream: null, kind: errorKind(error), message: errorMessage(error) });
  } finally {
    progress.stop();
    stopHeartbeat();
  }

  // A stop signal that came after the streams (during the last analytics refresh) still stopped the run.
  interrupted ||= outcomes.some((o) => o.status === 'interrupted') || deps.stopSignal?.aborted === true;
  const status: RunStatus = runStatus({ interrupted, failures: failures.length, streamStatuses: outcomes.map((o) => o.status) });
  const requests = client.stats.requests - requestsAtStart;
  const rateLimited = client.stats.rateLimited - rateLimitedAtStart;
  const rates = Object.values(pageHealth).map((h) => h.rate).filter((rate): rate is number => rate !== null);
  const effectiveRate = rates.length > 0 ? Math.min(...rates) : null;
  const counts: Record<string, PageCounts> = {};
  for (const pageId of new Set(outcomes.map((o) => o.pageId))) counts[pageId] = pageCounts(outcomes.filter((o) => o.pageId === pageId));
  try {
    await finishRun(db, runId, { status, counts, errors: failures, warnings, requests, userToken, rateLimited, effectiveRate, pageHealth }, { log });
  } catch (error) {
    // The database stayed away: the summary still goes out, and the next run marks this one aborted.
    failures.push({ pageId: null, stream: null, kind: errorKind(error), message: `could not record the end of run ${runId}: ${errorMessage(error)}` });
  }
  const durationMs = Date.now() - started;
  log.info({ runId, status, requests, durationMs, failures: failures.length, warnings: warnings.length, rateLimited, effectiveRate }, 'sync finished');
  // A failure to record the run's end (after its status was decided) is a failure too.
  const exitCode = interrupted || failures.length > 0 ? EXIT_INCOMPLETE : EXIT_OK;
  return { runId, status, exitCode, pages, outcomes, failures, warnings, requests, durationMs, userToken, rateLimited, effectiveRate, pageHealth };
}

export function buildSettings(config: Config, options: SyncOptions, now: Date): SyncSettings {
  const settings = Object.fromEntries(STREAM_SETTINGS.map((name) => [name, config[name]])) as Pick<Config, (typeof STREAM_SETTINGS)[number]>;
  return { ...settings, since: options.since ?? null, until: options.until ?? null, sweep: options.sweep ?? false, now };
}
