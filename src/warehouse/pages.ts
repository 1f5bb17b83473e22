import { sql } from 'kysely';
import type { Queryable } from './upsert.js';

// Rows of pancake.pages for pages that are synced without being in the user token's page list
// (pages given only in PANCAKE_PAGE_TOKENS): every table refers to its page, so each needs a row.

/**
 * Inserts a bare row (id and name) for each page that has none, and revives one marked deleted: a
 * page that is being synced is not gone. An existing row keeps what a page list once wrote into it.
 */
export async function storeBarePages(db: Queryable, pages: ReadonlyArray<{ id: string; name: string | null }>): Promise<void> {
  if (pages.length === 0) return;
  await db
    .insertInto('pancake.pages')
    .values(pages.map((p) => ({ id: p.id, name: p.name, platform: null, timezone_offset_hours: null, is_activated: null, inserted_at: null, raw: JSON.stringify({ id: p.id }), synced_at: new Date(), deleted_at: null })))
    .onConflict((oc) => oc.column('id').doUpdateSet({ deleted_at: null, synced_at: sql`now()` }).where('pancake.pages.deleted_at', 'is not', null))
    .execute();
}

/** Activated pages that are not deleted, with their stored `timezone` offset (hours; null: none). */
export async function activatedPageOffsets(db: Queryable): Promise<Array<{ id: string; offsetHours: number | null }>> {
  const rows = await db.selectFrom('pancake.pages').select(['id', 'timezone_offset_hours']).where('deleted_at', 'is', null).where('is_activated', '=', true).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, offsetHours: r.timezone_offset_hours === null ? null : Number(r.timezone_offset_hours) }));
}

/** Pages not marked deleted, by id. */
export async function activePages(db: Queryable): Promise<Array<{ id: string; name: string | null }>> {
  return db.selectFrom('pancake.pages').select(['id', 'name']).where('deleted_at', 'is', null).orderBy('id').execute();
}
