import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { PancakeClient } from '../pancake/client.js';
import { PancakeError } from '../pancake/errors.js';
import { redact } from '../redact.js';
import type { Database } from '../warehouse/schema.js';
import { finishRun, startRun, withLockSession, type LockSession, type RunFailure, type RunStatus } from '../warehouse/state.js';
import { resolvePages, storeBarePages, storePages } from './pages.js';
import { createProgress, type ProgressReporter } from './progress.js';
import { selectStreams } from './registry.js';
import type { PageInfo, Stream, StreamCounts, SyncSettings } from './stream.js';

export interface SyncOptions {
  streams?: string[] | null;
  pages?: string[] | null;
  since?: Date | null;
  until?: Date | null;
}

export interface SyncDeps {
  config: Config;
  db: Kysely<Database>;
  client: PancakeClient;
  log: Logger;
  now?: Date;
  /** Live progress; by default a log line every 15 s. */
  progress?: ProgressReporter;
}

export interface StreamOutcome {
  pageId: string;
  stream: string;
  status: 'done' | 'failed' | 'skipped_locked' | 'skipped_page_failed';
  counts: StreamCounts;
  durationMs: number;
  error?: string;
}

export interface RunSummary {
  runId: string;
  status: RunStatus;
  exitCode: 0 | 1;
  pages: PageInfo[];
  outcomes: StreamOutcome[];
  failures: RunFailure[];
  requests: number;
  durationMs: number;
}

/**
 * One sync run: the pages × the selected streams. Pages run concurrently (the client's per-token
 * limiter and global concurrency keep the API load in bounds); a page's streams run in order. A
 * failure ends that page's stream (or, for a refused token, the whole page) and the rest go on.
 */
export async function runSync(deps: SyncDeps, options: SyncOptions = {}): Promise<RunSummary> {
  const { config, db, client, log } = deps;
  const started = Date.now();
  const streams = selectStreams(options.streams);
  const settings = buildSettings(config, options, deps.now ?? new Date());
  const runId = await startRun(db, { ...options, streams: streams.map((s) => s.name) });
  const failures: RunFailure[] = [];
  const outcomes: StreamOutcome[] = [];
  const requestsAtStart = client.stats.requests;
  let pages: PageInfo[] = [];

  const progress = deps.progress ?? createProgress({ log, target: { isTTY: false, write: () => true }, requests: () => client.stats.requests - requestsAtStart });

  try {
    const resolved = await resolvePages(client, config, options.pages ?? null);
    pages = resolved.pages;
    for (const id of resolved.missing) {
      failures.push({ pageId: id, stream: null, kind: 'not_found', message: `page ${id} is not among the pages this token can read; check PANCAKE_PAGE_IDS / --pages` });
    }
    if (resolved.listed) await storePages(db, resolved.listed);
    else await storeBarePages(db, pages);
    log.info({ pages: pages.map((p) => p.id), streams: streams.map((s) => s.name) }, 'sync started');

    await withLockSession(db, async (locks) => {
      await Promise.all(pages.map((page) => syncPage(page, locks)));
    });
  } catch (error) {
    failures.push({ pageId: null, stream: null, kind: errorKind(error), message: errorMessage(error) });
  } finally {
    progress.stop();
  }

  async function syncPage(page: PageInfo, locks: LockSession): Promise<void> {
    const pageLog = log.child({ pageId: page.id });
    try {
      await ensurePageToken(client, config, page.id);
    } catch (error) {
      failures.push({ pageId: page.id, stream: null, kind: errorKind(error), message: errorMessage(error) });
      pageLog.error({ err: error }, `page ${page.id}: ${errorMessage(error)}`);
      for (const stream of streams) outcomes.push({ pageId: page.id, stream: stream.name, status: 'skipped_page_failed', counts: zero(), durationMs: 0 });
      return;
    }
    let pageFailed = false;
    const finished = new Map<string, Promise<StreamOutcome['status']>>();
    const runOne = async (stream: Stream): Promise<StreamOutcome['status']> => {
      // A stream that reads another's rows (messages reads conversations) waits for it, if selected.
      const before = await Promise.all((stream.after ?? []).map((name) => finished.get(name)));
      const counts = zero();
      const t0 = Date.now();
      if (pageFailed) {
        outcomes.push({ pageId: page.id, stream: stream.name, status: 'skipped_page_failed', counts, durationMs: 0 });
        return 'skipped_page_failed';
      }
      if (before.includes('skipped_locked')) {
        // The other process is still writing what this stream would read; it runs this one after.
        pageLog.warn(`another pancake-sync process is syncing ${(stream.after ?? []).join(', ')} of page ${page.id}; skipping ${stream.name}, which depends on it, in this run`);
        outcomes.push({ pageId: page.id, stream: stream.name, status: 'skipped_locked', counts, durationMs: 0 });
        return 'skipped_locked';
      }
      const streamLog = pageLog.child({ stream: stream.name });
      progress.track(page.id, stream.name, counts);
      try {
        const locked = await locks.tryWith(page.id, stream.name, () => stream.run({ page, client, db, settings, log: streamLog, counts }));
        if (locked === null) {
          streamLog.warn(`another pancake-sync process is syncing ${stream.name} of page ${page.id}; skipping it in this run`);
          outcomes.push({ pageId: page.id, stream: stream.name, status: 'skipped_locked', counts, durationMs: Date.now() - t0 });
          progress.finish(page.id, stream.name, 'skipped (locked)');
          return 'skipped_locked';
        }
        progress.finish(page.id, stream.name, 'done');
        outcomes.push({ pageId: page.id, stream: stream.name, status: 'done', counts, durationMs: Date.now() - t0 });
        streamLog.info({ ...counts, durationMs: Date.now() - t0 }, `${stream.name} of page ${page.id} done`);
        return 'done';
      } catch (error) {
        const message = errorMessage(error);
        failures.push({ pageId: page.id, stream: stream.name, kind: errorKind(error), message });
        outcomes.push({ pageId: page.id, stream: stream.name, status: 'failed', counts, durationMs: Date.now() - t0, error: message });
        streamLog.error({ err: error, ...counts }, `${stream.name} of page ${page.id} failed: ${message}`);
        progress.finish(page.id, stream.name, 'failed');
        // A refused token fails every later stream of the page the same way.
        if (error instanceof PancakeError && error.kind === 'auth') pageFailed = true;
        return 'failed';
      }
    };
    // The streams of a page run side by side; the client's per-token limiter and global request
    // limit keep the load in bounds, and `after` keeps dependent streams in order.
    for (const stream of streams) finished.set(stream.name, runOne(stream));
    await Promise.all(finished.values());
  }

  const status: RunStatus = failures.length === 0 ? 'succeeded' : outcomes.some((o) => o.status === 'done') ? 'partial' : 'failed';
  const requests = client.stats.requests - requestsAtStart;
  const counts: Record<string, Record<string, StreamCounts & { status: string }>> = {};
  for (const o of outcomes) (counts[o.pageId] ??= {})[o.stream] = { ...o.counts, status: o.status };
  await finishRun(db, runId, { status, counts, errors: failures, requests });
  const durationMs = Date.now() - started;
  log.info({ runId, status, requests, durationMs, failures: failures.length }, 'sync finished');
  return { runId, status, exitCode: failures.length === 0 ? 0 : 1, pages, outcomes, failures, requests, durationMs };
}

export function buildSettings(config: Config, options: SyncOptions, now: Date): SyncSettings {
  return {
    since: options.since ?? null,
    until: options.until ?? null,
    syncStart: config.syncStart,
    lookbackMs: config.lookbackMs,
    safetyLagMs: config.safetyLagMs,
    windowDays: config.windowDays,
    concurrency: config.concurrency,
    conversationPaging: config.conversationPaging,
    callCenterIds: config.callCenterIds,
    statsLookbackDays: config.statsLookbackDays,
    now,
  };
}

/** A page token from PANCAKE_PAGE_TOKENS, or one generated once per run with the user token. */
async function ensurePageToken(client: PancakeClient, config: Config, pageId: string): Promise<void> {
  const configured = config.pageTokens.get(pageId);
  if (configured) {
    client.setPageToken(pageId, configured);
    return;
  }
  if (client.hasPageToken(pageId)) return;
  if (!config.accessToken) throw new Error(`no token for page ${pageId}: add it to PANCAKE_PAGE_TOKENS or set PANCAKE_ACCESS_TOKEN`);
  await client.generatePageAccessToken(pageId);
}

function zero(): StreamCounts {
  return { records: 0, rowsWritten: 0, unitsDone: 0 };
}

function errorKind(error: unknown): string {
  return error instanceof PancakeError ? error.kind : error instanceof Error ? error.name : 'error';
}

function errorMessage(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error));
}
