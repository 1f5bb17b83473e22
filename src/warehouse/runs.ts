import { sql, type Kysely, type Selectable } from 'kysely';
import type { Logger } from '../logger.js';
import { redactValue } from '../redact.js';
import { retryOnConnectionLoss } from './connection.js';
import { LOCK_LEASE_MS } from './locks.js';
import { isGoneHereSoon, processHost, processStart } from './process-identity.js';
import type { Database, SyncRunsTable } from './schema.js';
import type { Queryable } from './upsert.js';

// The run log, pancake.sync_runs: one row per run, `running` until the run settles it. A run row
// never stays `running` after its process is gone: the process renews heartbeat_at while it runs,
// and the next run (or `status`) marks a silent one `aborted`.

export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'interrupted' | 'aborted';

export interface RunFailure {
  pageId: string | null;
  stream: string | null;
  kind: string;
  message: string;
}

/** Something the operator should know that did not fail the run (a stream skipped once, a record stored reduced). */
export interface RunWarning {
  pageId: string | null;
  stream: string | null;
  kind: string;
  message: string;
}

const HEARTBEAT_MS = 30_000;

export async function startRun(db: Kysely<Database>, options: unknown): Promise<string> {
  const row = await db
    .insertInto('pancake.sync_runs')
    .values({ status: 'running', options: JSON.stringify(redactValue(options)), counts: '{}', errors: '[]', requests: 0, host: processHost(), pid: process.pid, process_start: processStart(), finished_at: null, heartbeat_at: sql<Date>`now()` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(row.id);
}

/** Renews the run's heartbeat until the returned function is called. */
export function keepRunAlive(db: Kysely<Database>, runId: string): () => void {
  const timer = setInterval(() => {
    void db.updateTable('pancake.sync_runs').set({ heartbeat_at: sql<Date>`now()` }).where('id', '=', runId).where('status', '=', 'running').execute().catch(() => undefined);
  }, HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** How a page's token and pace fared in a run (sync_runs.page_health, shown by status). */
export interface PageHealth {
  /** Where the page's token came from: PANCAKE_PAGE_TOKENS, stored, generated; null when it had none. */
  token: string | null;
  /** Whether Pancake accepted it in this run; null when no request told. */
  tokenState: 'working' | 'refused' | null;
  /** The page token's pace at the end of the run (requests/s); null when it sent nothing. */
  rate: number | null;
  /** Its rate-limited answers in the run. */
  rateLimited: number;
}

export interface RunOutcome {
  status: RunStatus;
  counts: unknown;
  errors: RunFailure[];
  requests: number;
  warnings?: RunWarning[];
  /** PANCAKE_ACCESS_TOKEN as the run found it (state `unchecked`: Pancake did not say); absent when the run had no user token. */
  userToken?: { expiresAt: Date | null; state: string } | null;
  /** Rate-limited answers of the run. */
  rateLimited?: number;
  /** The slowest pace any page token ended the run at. */
  effectiveRate?: number | null;
  pageHealth?: Record<string, PageHealth>;
}

/**
 * Settles the run row. The database may be restarting at this very moment (the reason the run
 * failed, perhaps): the update is retried while the connection comes back.
 */
export async function finishRun(db: Kysely<Database>, runId: string, outcome: RunOutcome, options: { log?: Logger; delaysMs?: readonly number[] } = {}): Promise<void> {
  const update = () =>
    db
      .updateTable('pancake.sync_runs')
      .set({
        status: outcome.status,
        // The server's clock, never before the start it also stamped.
        finished_at: sql<Date>`greatest(now(), started_at)`,
        counts: JSON.stringify(redactValue(outcome.counts)),
        errors: JSON.stringify(redactValue(outcome.errors)),
        warnings: JSON.stringify(redactValue(outcome.warnings ?? [])),
        requests: outcome.requests,
        ...(outcome.userToken && { user_token_expires_at: outcome.userToken.expiresAt, user_token_state: outcome.userToken.state === 'unchecked' ? null : outcome.userToken.state }),
        ...(outcome.rateLimited !== undefined && { rate_limited: outcome.rateLimited }),
        ...(outcome.effectiveRate !== undefined && { effective_rate: outcome.effectiveRate }),
        ...(outcome.pageHealth !== undefined && { page_health: JSON.stringify(outcome.pageHealth) }),
      })
      .where('id', '=', runId)
      .execute();
  await retryOnConnectionLoss(update, { what: `recording the end of run ${runId}`, ...options });
}

/**
 * Marks `aborted` the runs still `running` whose process is gone: known dead on this host, or
 * silent (no heartbeat) for longer than a lease. Queued runs are settled by their workers, not here.
 * Returns the ids marked.
 */
export async function markAbandonedRuns(db: Kysely<Database>): Promise<string[]> {
  const running = await db
    .selectFrom('pancake.sync_runs')
    .select(['id', 'host', 'pid', 'process_start', 'heartbeat_at', 'started_at', sql<boolean>`coalesce(heartbeat_at, started_at) < now() - make_interval(secs => ${LOCK_LEASE_MS / 1000})`.as('silent')])
    .where('status', '=', 'running')
    .where(sql<boolean>`coalesce(options->>'mode', '') <> 'queue'`)
    .execute();
  const abandoned: string[] = [];
  for (const run of running) if (run.silent || (await isGoneHereSoon(run.host, run.pid, run.process_start))) abandoned.push(String(run.id));
  if (abandoned.length === 0) return [];
  await db
    .updateTable('pancake.sync_runs')
    // Its last sign of life, never before its start (the first heartbeat may be stamped earlier).
    .set({ status: 'aborted', finished_at: sql`greatest(coalesce(heartbeat_at, started_at), started_at)` })
    .where('id', 'in', abandoned)
    .where('status', '=', 'running')
    .execute();
  return abandoned;
}

/** Records how many pages the page list returned in this run. */
export async function recordPagesListed(db: Queryable, runId: string, count: number): Promise<void> {
  await db.updateTable('pancake.sync_runs').set({ pages_listed: count }).where('id', '=', runId).execute();
}

/** How many pages the page list returned in the latest earlier run that listed them; null if none did. */
export async function previousPagesListed(db: Queryable, beforeRunId: string | null): Promise<number | null> {
  let query = db.selectFrom('pancake.sync_runs').select('pages_listed').where('pages_listed', 'is not', null).orderBy('id', 'desc').limit(1);
  if (beforeRunId !== null) query = query.where('id', '<', beforeRunId);
  return (await query.executeTakeFirst())?.pages_listed ?? null;
}

/**
 * How each (page, stream) ended in the latest earlier run that included it, for the pairs given
 * (keys `page\u0000stream`). Looks back over the last 50 runs.
 */
export async function previousStreamResults(db: Kysely<Database>, beforeRunId: string, pairs: ReadonlyArray<{ pageId: string; stream: string }>): Promise<Map<string, string>> {
  const runs = await db.selectFrom('pancake.sync_runs').select('counts').where('id', '<', beforeRunId).orderBy('id', 'desc').limit(50).execute();
  const found = new Map<string, string>();
  for (const { pageId, stream } of pairs) {
    for (const run of runs) {
      const status = (run.counts as Record<string, Record<string, { status?: unknown }> | undefined> | null)?.[pageId]?.[stream]?.status;
      if (typeof status === 'string') {
        found.set(`${pageId}\u0000${stream}`, status);
        break;
      }
    }
  }
  return found;
}

/** The latest runs, newest first (for status). */
export async function recentRuns(db: Kysely<Database>, limit: number): Promise<Array<Selectable<SyncRunsTable>>> {
  return db.selectFrom('pancake.sync_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

/** Records what a run (or a queued run's enqueue) learned about PANCAKE_ACCESS_TOKEN. */
export async function recordUserToken(db: Queryable, runId: string, userToken: { expiresAt: Date | null; state: string }): Promise<void> {
  await db.updateTable('pancake.sync_runs').set({ user_token_expires_at: userToken.expiresAt, user_token_state: userToken.state }).where('id', '=', runId).execute();
}

/** The latest run that used PANCAKE_ACCESS_TOKEN: whether Pancake accepted it, and when it expires. */
export async function lastUserTokenReport(db: Queryable): Promise<{ runId: string; at: Date; state: string; expiresAt: Date | null } | null> {
  const row = await db
    .selectFrom('pancake.sync_runs')
    .select(['id', 'started_at', 'user_token_state', 'user_token_expires_at'])
    .where('user_token_state', 'is not', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { runId: String(row.id), at: row.started_at, state: row.user_token_state ?? '', expiresAt: row.user_token_expires_at } : null;
}

/** Merges one page's health into its run (a queue worker's task). */
export async function recordPageHealth(db: Queryable, runId: string, pageId: string, health: PageHealth): Promise<void> {
  await db
    .updateTable('pancake.sync_runs')
    .set({ page_health: sql`page_health || ${JSON.stringify({ [pageId]: health })}::jsonb` })
    .where('id', '=', runId)
    .execute();
}
