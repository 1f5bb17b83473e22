import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Logger } from '../logger.js';
import { isGoneHere, isGoneHereSoon, processHost, processStart } from './process-identity.js';
import type { Database } from './schema.js';

// The single-writer lock of each (page, stream): a row of pancake.sync_locks. Taking it is an
// INSERT ... ON CONFLICT DO UPDATE, which needs privileges a reader never has, so a BI login cannot
// stop the sync (any login can take any advisory lock, which is what this replaces). No connection
// is pinned for it either: a dropped connection or a restarted server loses no lock.
// A holder renews its locks every HEARTBEAT_MS; a lock is free again when its holder stopped
// renewing for LOCK_LEASE_MS, or at once when its process is gone from this host (a killed run; one
// that is still being torn down is waited for a moment, see process-identity.ts).

export const LOCK_LEASE_MS = 120_000;
const HEARTBEAT_MS = 20_000;

/** Who holds a lock, for the warning of the process that could not take it. */
export interface LockHolder {
  host: string;
  /** Null when the lock changed hands too fast to say who holds it. */
  pid: number | null;
  since: Date;
  runId: string | null;
}

export type LockAttempt<T> = { value: T } | { heldBy: LockHolder };

/** Runs work under per-(page, stream) locks, all held by one lock session. */
export interface LockSession {
  /** Runs `fn` holding the lock of (page, stream), or returns its holder at once when another session holds it. */
  tryWith<T>(pageId: string, stream: string, fn: () => Promise<T>): Promise<LockAttempt<T>>;
}

export interface LockSessionOptions {
  /** The run the locks are taken for (shown to whoever finds them held). */
  runId?: string | null;
  log?: Logger;
}

/** Opens a lock session for `fn`; every lock it still holds is released when `fn` ends. */
export async function withLockSession<T>(db: Kysely<Database>, fn: (locks: LockSession) => Promise<T>, options: LockSessionOptions = {}): Promise<T> {
  const holder = randomUUID();
  const held = new Set<string>();
  const renew = async () => {
    if (held.size === 0) return;
    const result = await db.updateTable('pancake.sync_locks').set({ heartbeat_at: sql`now()` }).where('holder', '=', holder).executeTakeFirst();
    if (Number(result.numUpdatedRows) < held.size) {
      options.log?.warn(`${held.size - Number(result.numUpdatedRows)} stream lock(s) of this process were taken over after ${LOCK_LEASE_MS / 1000} s without renewal; another process may be writing those streams too`);
    }
  };
  // A failed renewal (the database restarting) is retried at the next beat; the lease outlasts several.
  const timer = setInterval(() => void renew().catch((error: unknown) => options.log?.debug({ err: error }, 'renewing stream locks failed')), HEARTBEAT_MS);
  timer.unref();
  try {
    return await fn({
      async tryWith(pageId, stream, run) {
        const taken = await takeLock(db, { pageId, stream, holder, runId: options.runId ?? null });
        if (taken !== null) return { heldBy: taken };
        const key = `${pageId}\u0000${stream}`;
        held.add(key);
        try {
          return { value: await run() };
        } finally {
          held.delete(key);
          await releaseLocks(db, holder, { pageId, stream }).catch(() => undefined); // else it frees itself after the lease
        }
      },
    });
  } finally {
    clearInterval(timer);
    await releaseLocks(db, holder).catch(() => undefined);
  }
}

/** Attempts before a lock that keeps changing hands is reported as held. */
const TAKE_ATTEMPTS = 3;

/** Takes the lock; returns null when taken, or who holds it. */
async function takeLock(db: Kysely<Database>, lock: { pageId: string; stream: string; holder: string; runId: string | null }): Promise<LockHolder | null> {
  let holder: (LockHolder & { holder: string }) | null = null;
  for (let attempt = 0; attempt < TAKE_ATTEMPTS; attempt++) {
    const current = await readLock(db, lock.pageId, lock.stream);
    // Only the holder seen here may be replaced, and only when it is gone or expired: two processes
    // taking over the same dead lock race on this condition, and one wins.
    const gone = current !== null && (await isGoneHereSoon(current.host, current.pid, current.processStart));
    const { rows } = await sql<{ holder: string }>`
      insert into pancake.sync_locks as l (page_id, stream, holder, host, pid, process_start, run_id)
      values (${lock.pageId}, ${lock.stream}, ${lock.holder}::uuid, ${processHost()}, ${process.pid}, ${processStart()}, ${lock.runId}::bigint)
      on conflict (page_id, stream) do update
        set holder = excluded.holder, host = excluded.host, pid = excluded.pid, process_start = excluded.process_start, run_id = excluded.run_id, since = now(), heartbeat_at = now()
        where l.heartbeat_at < now() - make_interval(secs => ${LOCK_LEASE_MS / 1000})
           or (${gone} and l.holder = ${current?.holder ?? null}::uuid)
      returning holder`.execute(db);
    if (rows.length > 0) return null;
    holder = await readLock(db, lock.pageId, lock.stream);
    // Held by the holder judged above: that is the answer. Released or changed hands between the
    // two statements: judge again.
    if (holder !== null && holder.holder === current?.holder) return { host: holder.host, pid: holder.pid, since: holder.since, runId: holder.runId };
  }
  // Taken and released again on every attempt: some process is working through it right now.
  return holder ? { host: holder.host, pid: holder.pid, since: holder.since, runId: holder.runId } : { host: processHost(), pid: null, since: new Date(), runId: null };
}

async function readLock(db: Kysely<Database>, pageId: string, stream: string): Promise<(LockHolder & { holder: string; processStart: string | null }) | null> {
  const row = await db.selectFrom('pancake.sync_locks').selectAll().where('page_id', '=', pageId).where('stream', '=', stream).executeTakeFirst();
  return row ? { holder: row.holder, host: row.host, pid: row.pid, processStart: row.process_start, since: row.since, runId: row.run_id === null ? null : String(row.run_id) } : null;
}

async function releaseLocks(db: Kysely<Database>, holder: string, only?: { pageId: string; stream: string }): Promise<void> {
  let query = db.deleteFrom('pancake.sync_locks').where('holder', '=', holder);
  if (only) query = query.where('page_id', '=', only.pageId).where('stream', '=', only.stream);
  await query.execute();
}

/** Locks whose holder is alive (renewed within the lease), for `status`. */
export async function liveLocks(db: Kysely<Database>): Promise<Array<LockHolder & { pageId: string; stream: string }>> {
  const rows = await db
    .selectFrom('pancake.sync_locks')
    .selectAll()
    .where('heartbeat_at', '>=', sql<Date>`now() - make_interval(secs => ${LOCK_LEASE_MS / 1000})`)
    .execute();
  return rows
    .filter((row) => !isGoneHere(row.host, row.pid, row.process_start))
    .map((row) => ({ pageId: row.page_id, stream: row.stream, host: row.host, pid: row.pid, since: row.since, runId: row.run_id === null ? null : String(row.run_id) }));
}

/** How a holder reads in messages: `host pid 123 (run #4) since 2026-…`. */
export function describeHolder(holder: LockHolder): string {
  if (holder.pid === null) return `a process that took and released it several times just now`;
  return `${holder.host} pid ${holder.pid}${holder.runId ? ` (run #${holder.runId})` : ''} since ${holder.since.toISOString()}`;
}
