import { sleep } from '../sleep.js';
import { sql, type Kysely } from 'kysely';
import { EXIT_INCOMPLETE, UserError } from '../errors.js';
import type { Logger } from '../logger.js';

// Every lock pancake-sync waits for is one only its owner can take (a row of a table readers cannot
// write; docs/architecture.md, "Locks"), so whoever holds it is another pancake-sync process, or a
// session of the owner's own login. The wait is still bounded, says once who holds the lock, and
// ends at once on a stop signal: a stuck holder costs a line and a bounded delay, never a night.

/** A lock that stayed held for the whole bound: the work was not done, and the message names the holder. */
export class LockWaitTimeoutError extends UserError {
  override readonly exitCode = EXIT_INCOMPLETE;
}

export interface LockWaitOptions {
  /** What is being waited for, as a message reads it: "the migration lock". */
  what: string;
  /** The longest wait. */
  timeoutMs: number;
  /** Who holds it, in words (see describeSessions); null when nobody can tell. */
  holders(): Promise<string | null>;
  log?: Logger | undefined;
  /** Ends the wait at once, with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Pause between attempts; grows to 1 s. */
  firstPauseMs?: number;
}

/**
 * Calls `attempt` until it takes the lock (returns true), within `timeoutMs`. The first miss is
 * logged once, naming the holder; the last one throws LockWaitTimeoutError, naming it again.
 */
export async function waitForLock(attempt: () => Promise<boolean>, options: LockWaitOptions): Promise<void> {
  const started = Date.now();
  let pause = options.firstPauseMs ?? 50;
  for (let tries = 0; ; tries++) {
    options.signal?.throwIfAborted();
    if (await attempt()) return;
    const waited = Date.now() - started;
    if (tries === 0) {
      const who = await options.holders().catch(() => null);
      options.log?.warn(`waiting for ${options.what}, held by ${who ?? 'another session'}; giving up after ${Math.round(options.timeoutMs / 1000)} s`);
    }
    if (waited >= options.timeoutMs) {
      const who = await options.holders().catch(() => null);
      throw new LockWaitTimeoutError(
        `gave up waiting for ${options.what} after ${Math.round(waited / 1000)} s: it is held by ${who ?? 'another session'}. ` +
          'If that process is stuck, stop it (or end its session with pg_terminate_backend(pid)) and run again.',
      );
    }
    await sleep(Math.min(pause, options.timeoutMs - waited), options.signal);
    pause = Math.min(pause * 2, 1_000);
  }
}

/** Postgres' lock_not_available: a NOWAIT lock or lock_timeout refused. */
export function isLockNotAvailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === '55P03') return true;
  }
  return false;
}

/**
 * Server sessions in words, for "held by …": `pid 123 (user bi, application Metabase, from
 * 10.0.0.5, connected since …)`. What the current user may not see of another role's session is
 * left out; null when none of the pids is connected any more.
 */
export async function describeSessions<DB>(db: Kysely<DB>, pids: readonly number[]): Promise<string | null> {
  if (pids.length === 0) return null;
  const { rows } = await sql<{ pid: number; usename: string | null; application_name: string | null; client_addr: string | null; backend_start: Date | null }>`
    select pid, usename, application_name, client_addr::text as client_addr, backend_start
    from pg_stat_activity where pid = any(${[...pids]}::int[]) order by pid`.execute(db);
  if (rows.length === 0) return null;
  return rows
    .map((r) => {
      const parts = [r.usename && `user ${r.usename}`, r.application_name && `application ${r.application_name}`, r.client_addr && `from ${r.client_addr}`, r.backend_start && `connected since ${r.backend_start.toISOString()}`];
      const known = parts.filter(Boolean);
      return `server process ${r.pid}${known.length > 0 ? ` (${known.join(', ')})` : ''}`;
    })
    .join(', ');
}

/** The sessions holding a lock on any of `relations` (schema-qualified names), other than this one. */
export async function sessionsLocking<DB>(db: Kysely<DB>, relations: readonly string[]): Promise<number[]> {
  const { rows } = await sql<{ pid: number }>`
    select distinct l.pid from pg_locks l
    where l.granted and l.pid <> pg_backend_pid() and l.relation = any(
      select to_regclass(name)::oid from unnest(${[...relations]}::text[]) name where to_regclass(name) is not null)
    order by l.pid`.execute(db);
  return rows.map((r) => r.pid);
}

/**
 * The sessions holding a row lock (FOR UPDATE) on the row of `table` whose `column` is `value`:
 * the transaction in the row's xmax, found in pg_locks.
 */
export async function rowLockHolders<DB>(db: Kysely<DB>, table: string, column: string, value: string): Promise<number[]> {
  const { rows } = await sql<{ pid: number }>`
    select l.pid from pg_locks l
    where l.locktype = 'transactionid' and l.granted and l.mode = 'ExclusiveLock'
      and l.transactionid = (select xmax from ${sql.table(table)} where ${sql.ref(column)} = ${value})
    order by l.pid`.execute(db);
  return rows.map((r) => r.pid);
}
