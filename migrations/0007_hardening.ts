import { sql, type Kysely } from 'kysely';
import { applyReaderRole, readerRoleName } from '../src/warehouse/reader-role.js';

// Robustness bookkeeping and a reader that can only read:
//  - sync_locks: the single-writer lock of each (page, stream), as rows. Taking one needs INSERT
//    and UPDATE on the table, which a reader never has (an advisory lock any login could take).
//    A holder renews heartbeat_at while it runs; a lock whose holder stopped renewing, or whose
//    process is gone, is taken over.
//  - sync_runs: warnings, a heartbeat (a `running` run whose process is gone becomes `aborted`)
//    and how many pages the page list returned (an empty list is an error unless the run before
//    also saw none).
//  - a reader role per database (see src/warehouse/reader-role.ts); the shared pancake_reader of
//    0004 no longer reads this database.

async function readerRole(db: Kysely<unknown>): Promise<string> {
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
  return readerRoleName(rows[0]?.name ?? '');
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table pancake.sync_locks (
      page_id text not null,
      stream text not null,
      holder uuid not null,
      host text not null,
      pid integer not null,
      run_id bigint,
      since timestamptz not null default now(),
      heartbeat_at timestamptz not null default now(),
      primary key (page_id, stream)
    )`.execute(db);
  await sql`
    alter table pancake.sync_runs
      add column warnings jsonb not null default '[]',
      add column heartbeat_at timestamptz,
      add column pages_listed integer`.execute(db);

  const comments: Array<[string, string]> = [
    ['table pancake.sync_locks', 'Bookkeeping: which pancake-sync process is writing each page and stream right now (one writer at a time).'],
    ['column pancake.sync_locks.holder', 'The lock session of the process that holds it.'],
    ['column pancake.sync_locks.host', 'Host name of that process.'],
    ['column pancake.sync_locks.pid', 'Process id of that process on its host.'],
    ['column pancake.sync_locks.run_id', 'The run (pancake.sync_runs.id) it belongs to, when it has one.'],
    ['column pancake.sync_locks.since', 'When the lock was taken.'],
    ['column pancake.sync_locks.heartbeat_at', 'Renewed while the holder runs; a lock not renewed for 2 minutes is free.'],
    ['column pancake.sync_runs.status', 'running, succeeded, partial (some page/stream failed), failed, interrupted (SIGTERM/SIGINT), aborted (the process died).'],
    ['column pancake.sync_runs.warnings', 'Warnings: streams skipped because another process held them, records stored in reduced form.'],
    ['column pancake.sync_runs.heartbeat_at', 'Renewed while the run is alive.'],
    ['column pancake.sync_runs.pages_listed', 'How many pages the page list returned (null when the run did not list pages).'],
  ];
  for (const [target, text] of comments) await sql.raw(`comment on ${target} is '${text.replace(/'/g, "''")}'`).execute(db);

  await applyReaderRole(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const role = await readerRole(db);
  await sql.raw(`
    do $$ begin
      if exists (select from pg_roles where rolname = '${role}') then
        alter default privileges in schema pancake revoke select on tables from ${role};
        alter default privileges in schema pancake_analytics revoke select on tables from ${role};
        revoke all on all tables in schema pancake, pancake_analytics from ${role};
        revoke usage on schema pancake, pancake_analytics from ${role};
      end if;
    end $$`).execute(db);
  await sql`drop table pancake.sync_locks`.execute(db);
  await sql`alter table pancake.sync_runs drop column warnings, drop column heartbeat_at, drop column pages_listed`.execute(db);
}
