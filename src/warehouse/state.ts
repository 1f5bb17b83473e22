import { hostname } from 'node:os';
import { sql } from 'kysely';
import { redactValue } from '../redact.js';
import type { Queryable } from './upsert.js';
import type { Database } from './schema.js';
import type { Kysely } from 'kysely';

// Watermarks, cursors and the run log. A stream's state is written only inside the transaction that
// commits the rows it covers (docs/architecture.md, "Correctness rules"), which is why every writer here takes a Queryable that
// may be a transaction.

export interface StreamState<Cursor = unknown> {
  coveredFrom: Date | null;
  watermark: Date | null;
  cursor: Cursor | null;
}

export async function readStreamState<Cursor>(db: Queryable, pageId: string, stream: string): Promise<StreamState<Cursor>> {
  const row = await db
    .selectFrom('pancake.sync_state')
    .select(['covered_from', 'watermark', 'cursor'])
    .where('page_id', '=', pageId)
    .where('stream', '=', stream)
    .executeTakeFirst();
  return {
    coveredFrom: row?.covered_from ?? null,
    watermark: row?.watermark ?? null,
    cursor: (row?.cursor as Cursor | null | undefined) ?? null,
  };
}

export async function writeStreamState(db: Queryable, pageId: string, stream: string, state: StreamState): Promise<void> {
  const values = {
    covered_from: state.coveredFrom,
    watermark: state.watermark,
    cursor: state.cursor === null ? null : JSON.stringify(state.cursor),
  };
  await db
    .insertInto('pancake.sync_state')
    .values({ page_id: pageId, stream, ...values })
    .onConflict((oc) => oc.columns(['page_id', 'stream']).doUpdateSet({ ...values, updated_at: sql`now()` }))
    .execute();
}

/** Runs work under per-(page, stream) advisory locks, all held by one database session. */
export interface LockSession {
  /** Runs `fn` holding the lock of (page, stream), or returns null at once when another process holds it. */
  tryWith<T>(pageId: string, stream: string, fn: () => Promise<T>): Promise<{ value: T } | null>;
}

/**
 * Opens one session for the advisory locks of a whole run. One connection holds every lock: a
 * connection per stream would pin a pool slot for the stream's whole life, and a run with more
 * concurrent streams than pool slots would then wait forever for a slot to write with.
 * Lock keys are hashed from the names, not magic numbers.
 */
export async function withLockSession<T>(db: Kysely<Database>, fn: (locks: LockSession) => Promise<T>): Promise<T> {
  return db.connection().execute((conn) =>
    fn({
      async tryWith(pageId, stream, run) {
        const key = `pancake-sync:${pageId}:${stream}`;
        const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtextextended(${key}, 0)) as locked`.execute(conn);
        if (!rows[0]?.locked) return null;
        try {
          return { value: await run() };
        } finally {
          await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(conn).catch(() => undefined);
        }
      },
    }),
  );
}

export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed';

export interface RunFailure {
  pageId: string | null;
  stream: string | null;
  kind: string;
  message: string;
}

export async function startRun(db: Kysely<Database>, options: unknown): Promise<string> {
  const row = await db
    .insertInto('pancake.sync_runs')
    .values({ status: 'running', options: JSON.stringify(redactValue(options)), counts: '{}', errors: '[]', requests: 0, host: hostname(), pid: process.pid, finished_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(row.id);
}

export async function finishRun(
  db: Kysely<Database>,
  runId: string,
  outcome: { status: RunStatus; counts: unknown; errors: RunFailure[]; requests: number },
): Promise<void> {
  await db
    .updateTable('pancake.sync_runs')
    .set({
      status: outcome.status,
      finished_at: new Date(),
      counts: JSON.stringify(redactValue(outcome.counts)),
      errors: JSON.stringify(redactValue(outcome.errors)),
      requests: outcome.requests,
    })
    .where('id', '=', runId)
    .execute();
}
