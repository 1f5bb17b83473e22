import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

// Storage of the encrypted page tokens (migration 0006_page_tokens). The warehouse sees only
// ciphertext: sealing and opening happen in src/sync/page-token-crypto.ts.

export interface SealedToken {
  salt: Buffer;
  nonce: Buffer;
  ciphertext: Buffer;
  authTag: Buffer;
}

interface PageTokensTable {
  page_id: string;
  salt: Buffer;
  nonce: Buffer;
  ciphertext: Buffer;
  auth_tag: Buffer;
  generated_at: Date;
}

type PrivateTables = { 'pancake_private.page_tokens': PageTokensTable };

export async function loadSealedToken(db: Kysely<Database>, pageId: string): Promise<SealedToken | null> {
  const row = await db
    .withTables<PrivateTables>()
    .selectFrom('pancake_private.page_tokens')
    .select(['salt', 'nonce', 'ciphertext', 'auth_tag'])
    .where('page_id', '=', pageId)
    .executeTakeFirst();
  return row ? { salt: row.salt, nonce: row.nonce, ciphertext: row.ciphertext, authTag: row.auth_tag } : null;
}

export async function saveSealedToken(db: Kysely<Database>, pageId: string, sealed: SealedToken): Promise<void> {
  const values = { salt: sealed.salt, nonce: sealed.nonce, ciphertext: sealed.ciphertext, auth_tag: sealed.authTag, generated_at: new Date() };
  await db
    .withTables<PrivateTables>()
    .insertInto('pancake_private.page_tokens')
    .values({ page_id: pageId, ...values })
    .onConflict((oc) => oc.column('page_id').doUpdateSet(values))
    .execute();
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
