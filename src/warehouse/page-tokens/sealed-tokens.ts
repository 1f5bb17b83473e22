import type { Kysely } from 'kysely';
import type { Logger } from '../../logger.js';
import { isUndefinedTable, repairPageTokenStore } from './store-repair.js';
import type { Database } from '../schema.js';

// Storage of the encrypted page tokens (migrations 0006_page_tokens, 0012). The warehouse sees
// only ciphertext: sealing and opening happen in src/sync/page-tokens/sealing.ts.

export interface SealedToken {
  salt: Buffer;
  nonce: Buffer;
  ciphertext: Buffer;
  authTag: Buffer;
  /** Tells another user token from a damaged row; null on rows sealed before it existed. */
  keyCheck: Buffer | null;
}

interface PageTokensTable {
  page_id: string;
  salt: Buffer;
  nonce: Buffer;
  ciphertext: Buffer;
  auth_tag: Buffer;
  key_check: Buffer | null;
  generated_at: Date;
}

type PrivateTables = { 'pancake_private.page_tokens': PageTokensTable };

/** Runs `fn`; when the table is gone (dropped by hand), recreates it once, with a warning, and runs `fn` again. */
async function withStore<T>(db: Kysely<Database>, log: Logger | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!isUndefinedTable(error) || db.isTransaction) throw error;
    await repairPageTokenStore(db, log);
    return fn();
  }
}

export async function loadSealedToken(db: Kysely<Database>, pageId: string, log?: Logger): Promise<SealedToken | null> {
  // Every column, so that a warehouse not yet migrated to key checks is read too (doctor does not migrate).
  const row = await withStore(db, log, () => db.withTables<PrivateTables>().selectFrom('pancake_private.page_tokens').selectAll().where('page_id', '=', pageId).executeTakeFirst());
  return row ? { salt: row.salt, nonce: row.nonce, ciphertext: row.ciphertext, authTag: row.auth_tag, keyCheck: row.key_check ?? null } : null;
}

export async function saveSealedToken(db: Kysely<Database>, pageId: string, sealed: SealedToken, log?: Logger): Promise<void> {
  const values = { salt: sealed.salt, nonce: sealed.nonce, ciphertext: sealed.ciphertext, auth_tag: sealed.authTag, key_check: sealed.keyCheck, generated_at: new Date() };
  await withStore(db, log, () =>
    db
      .withTables<PrivateTables>()
      .insertInto('pancake_private.page_tokens')
      .values({ page_id: pageId, ...values })
      .onConflict((oc) => oc.column('page_id').doUpdateSet(values))
      .execute(),
  );
}

/** `loadSealedToken` in a read-only transaction, for commands that must write nothing (doctor); null when the schema has no token table yet. */
export async function peekSealedToken(db: Kysely<Database>, pageId: string): Promise<SealedToken | null> {
  try {
    return await db.transaction().setAccessMode('read only').execute((trx) => loadSealedToken(trx, pageId));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '42P01' || code === '3F000') return null; // undefined table / schema: never migrated
    throw error;
  }
}

/** The pages with a stored (sealed) token; null when this login may not read the private schema (a reader) or it does not exist yet. */
export async function pagesWithStoredTokens(db: Kysely<Database>): Promise<Set<string> | null> {
  try {
    const rows = await db.withTables<PrivateTables>().selectFrom('pancake_private.page_tokens').select('page_id').execute();
    return new Set(rows.map((r) => r.page_id));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '42501' || code === '42P01' || code === '3F000') return null; // no privilege / never migrated
    throw error;
  }
}
