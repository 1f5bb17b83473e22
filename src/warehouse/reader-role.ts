import { createHash } from 'node:crypto';
import { sleep } from '../sleep.js';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

// Roles are cluster-wide, databases are not: one shared reader role granted in every warehouse of a
// cluster would let a BI login of one shop read every other. Each warehouse database therefore gets
// its own reader role, named after it.

/**
 * Migration 0007 creates the role under this name: changing the rule would orphan existing roles.
 * `pancake_reader_<database>`: lower-case letters, digits and `_`, within Postgres' 63 characters.
 */
export function readerRoleName(database: string): string {
  const safe = database.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const name = `pancake_reader_${safe}`;
  if (safe === database && name.length <= 63) return name;
  // Changed or shortened: a hash of the real name keeps two databases from sharing one role.
  return `${name.slice(0, 54)}_${createHash('sha256').update(database).digest('hex').slice(0, 8)}`;
}

/**
 * Creates this database's reader role when the user may (CREATEROLE), grants it read access to both
 * schemas, including tables created later, and takes that access from the cluster-wide
 * `pancake_reader` of earlier versions. Idempotent: `migrate` runs it every time, and so does any
 * run that applied a migration, so a role an administrator created afterwards gets its grants.
 *
 * Several database users may migrate one warehouse (a DBA, then the sync's own user). Default
 * privileges only cover tables their setter creates, so each migrating user sets its own, and the
 * existing tables are granted one by one: a table this user does not own (and may not grant on) is
 * a warning naming it, not a reason to leave every other table unreadable.
 */
export async function applyReaderRole<DB>(db: Kysely<DB>): Promise<void> {
  const { rows } = await sql<{ database: string }>`select current_database() as database`.execute(db);
  const role = readerRoleName(rows[0]?.database ?? '');
  // Two processes upgrading together both come here, and concurrent GRANTs on one object fail with
  // "tuple concurrently updated" (or a duplicate default-privileges row): the loser runs it again.
  // No lock keeps them apart: any lock every migrating user could take, a BI login could take too.
  // Inside a migration (a transaction), the migration lock already does.
  if (db.isTransaction) return grantReader(db, role);
  for (let attempt = 1; ; attempt++) {
    try {
      return await grantReader(db, role);
    } catch (error) {
      if (attempt >= GRANT_ATTEMPTS || !isConcurrentUpdate(error)) throw error;
      await sleep(20 + Math.random() * 100 * attempt);
    }
  }
}

const GRANT_ATTEMPTS = 20;

/** What two sessions granting on the same objects at once get. */
function isConcurrentUpdate(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === '40001' || code === '40P01' || code === '23505' || (code === 'XX000' && /tuple concurrently (updated|deleted)/.test(message ?? ''));
}

async function grantReader<DB>(db: Kysely<DB>, role: string): Promise<void> {
  // The name is made of [a-z0-9_] only (readerRoleName), so it can be written into the statement.
  await sql.raw(`
    do $$
    declare
      item record;
    begin
      begin
        create role ${role} nologin;
      exception
        when duplicate_object or unique_violation then null;
        when insufficient_privilege then null; -- reported by migrate, with the statement to run
      end;
      if exists (select from pg_roles where rolname = '${role}') then
        begin
          grant usage on schema pancake, pancake_analytics to ${role};
        exception when insufficient_privilege then
          raise warning 'pancake-sync: cannot grant ${role} usage of the schemas: %', sqlerrm;
        end;
        for item in
          select n.nspname as schema_name, c.relname as table_name
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname in ('pancake', 'pancake_analytics') and c.relkind in ('r', 'p', 'v', 'm', 'f')
            and not has_table_privilege('${role}', c.oid, 'select')
        loop
          begin
            execute format('grant select on %I.%I to ${role}', item.schema_name, item.table_name);
          exception when insufficient_privilege then
            -- Owned by another user: that user's next migrate grants it.
            raise warning 'pancake-sync: cannot grant ${role} read access to %.% (owned by another user, who runs migrate once): %', item.schema_name, item.table_name, sqlerrm;
          end;
        end loop;
        alter default privileges in schema pancake grant select on tables to ${role};
        alter default privileges in schema pancake_analytics grant select on tables to ${role};
      end if;
      if exists (select from pg_roles where rolname = 'pancake_reader') then
        begin
          alter default privileges in schema pancake revoke select on tables from pancake_reader;
          alter default privileges in schema pancake_analytics revoke select on tables from pancake_reader;
          revoke all on all tables in schema pancake, pancake_analytics from pancake_reader;
          revoke usage on schema pancake, pancake_analytics from pancake_reader;
        exception when insufficient_privilege then
          raise warning 'pancake-sync: cannot take read access from the old role pancake_reader: %', sqlerrm;
        end;
      end if;
    end $$`).execute(db);
}

/** This database's reader role, and whether it exists (creating it needs CREATEROLE). */
export async function readerRoleOf(db: Kysely<Database>): Promise<{ name: string; exists: boolean }> {
  const { rows } = await sql<{ database: string }>`select current_database() as database`.execute(db);
  const name = readerRoleName(rows[0]?.database ?? '');
  const found = await sql<{ n: number }>`select count(*)::int as n from pg_roles where rolname = ${name}`.execute(db);
  return { name, exists: (found.rows[0]?.n ?? 0) > 0 };
}
