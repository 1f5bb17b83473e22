import { sql, type Kysely } from 'kysely';
import type { Logger } from '../../logger.js';
import { isPrivilegeError } from '../privileges.js';

// The table of sealed page tokens (pancake_private.page_tokens) holds nothing that cannot be made
// again: a page token can always be generated anew. So a table that is missing (dropped by hand,
// a restore that left the private schema out) or not the shape the code writes is recreated, with
// a warning, by `migrate` and by every `sync` before it reads a token, instead of failing every page
// while `migrate` says the schema is up to date.

const TABLE = 'pancake_private.page_tokens';

/** The columns the code reads and writes, with their types as pg_catalog.format_type spells them. */
const COLUMNS: Record<string, string> = {
  page_id: 'text',
  salt: 'bytea',
  nonce: 'bytea',
  ciphertext: 'bytea',
  auth_tag: 'bytea',
  key_check: 'bytea',
  generated_at: 'timestamp with time zone',
};

export function isUndefinedTable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '42P01' || code === '3F000';
}

/** What is wrong with the table: null when it is as the code expects. */
async function problemOf<DB>(db: Kysely<DB>): Promise<string | null> {
  const { rows: found } = await sql<{ oid: number | null }>`select to_regclass(${TABLE})::oid as oid`.execute(db);
  const oid = found[0]?.oid ?? null;
  if (oid === null) return 'missing';
  const { rows } = await sql<{ name: string; type: string }>`
    select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute
    where attrelid = ${oid} and attnum > 0 and not attisdropped`.execute(db);
  const have = new Map(rows.map((r) => [r.name, r.type]));
  const wrong = Object.entries(COLUMNS).filter(([name, type]) => have.get(name) !== type).map(([name, type]) => (have.has(name) ? `${name} is ${have.get(name)}, not ${type}` : `no column ${name}`));
  const { rows: keys } = await sql<{ ok: boolean }>`
    select exists (
      select from pg_constraint where conrelid = ${oid} and contype = 'p'
        and conkey = array[(select attnum from pg_attribute where attrelid = ${oid} and attname = 'page_id')]::smallint[]) as ok`.execute(db);
  if (keys[0]?.ok !== true) wrong.push('page_id is not its primary key');
  return wrong.length > 0 ? `damaged (${wrong.join('; ')})` : null;
}

/**
 * Recreates the page-token table when it is missing or damaged, with a warning; does nothing when
 * it is sound. A user that may not touch the private schema gets a warning, not a failure: its
 * pages then fail with the reason when they need a token.
 */
export async function repairPageTokenStore<DB>(db: Kysely<DB>, log?: Logger): Promise<'sound' | 'repaired'> {
  try {
    const problem = await problemOf(db);
    if (problem === null) return 'sound';
    await db.transaction().execute(async (trx) => {
      // Checked again under a lock only the owner can take: two processes repairing together do it once.
      await sql`select set_config('lock_timeout', '30s', true)`.execute(trx);
      await sql`create schema if not exists pancake_private`.execute(trx);
      const { rows } = await sql<{ present: boolean }>`select to_regclass('pancake_private.kysely_migration_lock') is not null as present`.execute(trx);
      if (rows[0]?.present) await sql`lock table pancake_private.kysely_migration_lock in share row exclusive mode`.execute(trx);
      if ((await problemOf(trx)) === null) return;
      await sql`drop table if exists pancake_private.page_tokens`.execute(trx);
      await sql`
        create table pancake_private.page_tokens (
          page_id text primary key,
          salt bytea not null,
          nonce bytea not null,
          ciphertext bytea not null,
          auth_tag bytea not null,
          key_check bytea,
          generated_at timestamptz not null default now()
        )`.execute(trx);
      await sql`revoke all on table pancake_private.page_tokens from public`.execute(trx);
      await sql`comment on table pancake_private.page_tokens is 'One encrypted page token per page, generated with PANCAKE_ACCESS_TOKEN and reused by every run and worker until Pancake refuses it. Only the user token decrypts it.'`.execute(trx);
    });
    log?.warn(`${TABLE} was ${problem}: recreated it empty; each page's token is generated again when a sync needs it`);
    return 'repaired';
  } catch (error) {
    if (!isPrivilegeError(error)) throw error;
    log?.warn(`${TABLE} needs repair but this database user may not do it (${error instanceof Error ? error.message : String(error)}); run \`pancake-sync migrate\` as the warehouse's owner`);
    return 'sound';
  }
}
