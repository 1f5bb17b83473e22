import { sql, type Kysely } from 'kysely';

// Locks nobody but pancake-sync's owner can take or block, and holders that are known dead at once
// (docs/architecture.md, "Locks"):
//  - process_start on sync_locks and sync_runs: when the recorded process started, so that a pid
//    that another process took since is not mistaken for the holder;
//  - pancake_private.analytics_locks: one row per page whose FOR UPDATE lock keeps two analytics
//    refreshes of a page apart (an advisory key any login could compute and hold did it before);
//  - pancake_private.worker_sessions: the Postgres session each queue worker lives on; a worker whose
//    session is gone has its tasks handed back (a liveness advisory lock, which any login could take
//    over, did it before);
//  - pancake_private.page_tokens.key_check: tells a token sealed with another user token from a
//    damaged row.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table pancake.sync_locks add column process_start text`.execute(db);
  await sql`alter table pancake.sync_runs add column process_start text`.execute(db);
  await sql`create table pancake_private.analytics_locks (page_id text primary key)`.execute(db);
  await sql`
    create table pancake_private.worker_sessions (
      pool_id text primary key,
      name text,
      backend_pid integer,
      backend_start timestamptz,
      role_oid oid,
      registered_at timestamptz not null default now(),
      gone_at timestamptz
    )`.execute(db);
  await sql`alter table pancake_private.page_tokens add column key_check bytea`.execute(db);
  for (const table of ['analytics_locks', 'worker_sessions']) await sql`revoke all on table ${sql.table(`pancake_private.${table}`)} from public`.execute(db);

  const comments: Array<[string, string]> = [
    ['column pancake.sync_locks.process_start', 'When the holding process started (boot id and clock ticks): a pid that another process has taken since is not the holder.'],
    ['column pancake.sync_runs.process_start', 'When the process of the run started (boot id and clock ticks): a pid that another process has taken since does not keep the run alive.'],
    ['table pancake_private.analytics_locks', "One row per page, locked (FOR UPDATE) by the analytics refresh of that page: two refreshes of a page never run side by side. Only pancake-sync's owner can lock it."],
    ['column pancake_private.analytics_locks.page_id', 'The page whose refresh the row lock guards.'],
    ['table pancake_private.worker_sessions', 'The Postgres session each queue worker lives on: a worker whose session is gone is dead, and its tasks are handed back.'],
    ['column pancake_private.worker_sessions.pool_id', 'The graphile-worker pool id of the worker (locked_by of its jobs).'],
    ['column pancake_private.worker_sessions.name', "The worker's name (worker --name)."],
    ['column pancake_private.worker_sessions.backend_pid', "The server process of the worker's liveness session; null when the worker was found dead before it registered."],
    ['column pancake_private.worker_sessions.backend_start', 'When that session began (pg_stat_activity.backend_start): a server pid used again later is not the worker.'],
    ['column pancake_private.worker_sessions.role_oid', 'The role the session logged in as.'],
    ['column pancake_private.worker_sessions.registered_at', 'When the worker registered (or was found dead).'],
    ['column pancake_private.worker_sessions.gone_at', 'Set when the worker was found dead before it registered: its early tasks were handed back.'],
    ['column pancake_private.page_tokens.key_check', 'A check value derived from the user token the row was sealed with: tells a changed PANCAKE_ACCESS_TOKEN from a damaged row.'],
  ];
  for (const [target, text] of comments) await sql.raw(`comment on ${target} is '${text.replace(/'/g, "''")}'`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table pancake_private.page_tokens drop column key_check`.execute(db);
  await sql`drop table pancake_private.worker_sessions`.execute(db);
  await sql`drop table pancake_private.analytics_locks`.execute(db);
  await sql`alter table pancake.sync_runs drop column process_start`.execute(db);
  await sql`alter table pancake.sync_locks drop column process_start`.execute(db);
}
