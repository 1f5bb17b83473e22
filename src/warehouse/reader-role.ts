import { createHash } from 'node:crypto';
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
 * `pancake_reader` of earlier versions. Idempotent: `migrate` runs it every time, so a role an
 * administrator created afterwards gets its grants.
 */
export async function applyReaderRole<DB>(db: Kysely<DB>): Promise<void> {
  const { rows } = await sql<{ database: string }>`select current_database() as database`.execute(db);
  const role = readerRoleName(rows[0]?.database ?? '');
  // The name is made of [a-z0-9_] only (readerRoleName), so it can be written into the statement.
  await sql.raw(`
    do $$
    begin
      begin
        create role ${role} nologin;
      exception
        when duplicate_object or unique_violation then null;
        when insufficient_privilege then null; -- reported by migrate, with the statement to run
      end;
      if exists (select from pg_roles where rolname = '${role}') then
        grant usage on schema pancake, pancake_analytics to ${role};
        grant select on all tables in schema pancake, pancake_analytics to ${role};
        alter default privileges in schema pancake grant select on tables to ${role};
        alter default privileges in schema pancake_analytics grant select on tables to ${role};
      end if;
      if exists (select from pg_roles where rolname = 'pancake_reader') then
        alter default privileges in schema pancake revoke select on tables from pancake_reader;
        alter default privileges in schema pancake_analytics revoke select on tables from pancake_reader;
        revoke all on all tables in schema pancake, pancake_analytics from pancake_reader;
        revoke usage on schema pancake, pancake_analytics from pancake_reader;
      end if;
    exception
      -- Not the owner of the tables (someone else migrated them): that owner runs migrate once.
      when insufficient_privilege then raise warning 'pancake-sync: cannot grant ${role} read access: %', sqlerrm;
    end $$`).execute(db);
}

/** This database's reader role, and whether it exists (creating it needs CREATEROLE). */
export async function readerRoleOf(db: Kysely<Database>): Promise<{ name: string; exists: boolean }> {
  const { rows } = await sql<{ database: string }>`select current_database() as database`.execute(db);
  const name = readerRoleName(rows[0]?.database ?? '');
  const found = await sql<{ n: number }>`select count(*)::int as n from pg_roles where rolname = ${name}`.execute(db);
  return { name, exists: (found.rows[0]?.n ?? 0) > 0 };
}
