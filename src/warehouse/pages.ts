import { sql } from 'kysely';
import type { TableSpec } from './table-spec.js';
import { upsertRows, type Queryable } from './upsert.js';

// pancake.pages: one row per page ever seen, never removed (every table refers to its page).
// `status` says where the page is now: in a list of the page list (activated, inactivated,
// hidden, nopermission), `unlisted` (in none, but synced with its own token from
// PANCAKE_PAGE_TOKENS), or `deleted` (in none: its history stays, deleted_at says since when).

/** The statuses a page may be synced in when the page list cannot be read (the user token is refused). */
const SYNCED_STATUSES = ['activated', 'inactivated', 'unlisted'];

/**
 * Stores one reading of the page list: the listed rows (with their status) are upserted, the
 * pages in `keep` (synced with their own token, not listed) become `unlisted`, and every other
 * page becomes `deleted`. Returns the rows written or newly marked.
 */
export async function storePageList<Row extends { raw: unknown; status: string | null; deleted_at: Date | null; id: string }>(
  db: Queryable,
  spec: TableSpec<Row>,
  rows: readonly Row[],
  keep: readonly string[],
): Promise<number> {
  const written = await upsertRows(db, { ...spec, compare: ['raw', 'status', 'deleted_at'] }, rows.map((row) => ({ ...row, deleted_at: null })));
  const listed = rows.map((row) => row.id);
  const unlisted = await db
    .updateTable('pancake.pages')
    .set({ status: 'unlisted', deleted_at: null })
    .where('id', 'in', keep.length > 0 ? [...keep] : [''])
    .where('id', 'not in', listed.length > 0 ? listed : [''])
    .where((eb) => eb.or([eb('status', 'is', null), eb('status', '<>', 'unlisted'), eb('deleted_at', 'is not', null)]))
    .executeTakeFirst();
  const gone = await db
    .updateTable('pancake.pages')
    .set({ status: 'deleted', deleted_at: sql`coalesce(deleted_at, now())` })
    .where('id', 'not in', [...listed, ...keep, ''])
    .where((eb) => eb.or([eb('status', 'is', null), eb('status', '<>', 'deleted'), eb('deleted_at', 'is', null)]))
    .executeTakeFirst();
  return written + Number(unlisted.numUpdatedRows) + Number(gone.numUpdatedRows);
}

/**
 * Inserts a bare row (id and name) for each page that has none, and revives one marked deleted: a
 * page that is being synced is not gone. An existing row keeps what a page list once wrote into it.
 */
export async function storeBarePages(db: Queryable, pages: ReadonlyArray<{ id: string; name: string | null }>): Promise<void> {
  if (pages.length === 0) return;
  await db
    .insertInto('pancake.pages')
    .values(pages.map((p) => ({ id: p.id, name: p.name, platform: null, timezone_offset_hours: null, is_activated: null, inserted_at: null, raw: JSON.stringify({ id: p.id }), synced_at: new Date(), deleted_at: null, status: 'unlisted' })))
    .onConflict((oc) => oc.column('id').doUpdateSet({ deleted_at: null, status: 'unlisted', synced_at: sql`now()` }).where('pancake.pages.deleted_at', 'is not', null))
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

export interface StoredPage {
  id: string;
  name: string | null;
  status: string | null;
  offsetHours: number | null;
}

/** Every page with the status the page list last gave it (for status). */
export async function pagesWithStatus(db: Queryable): Promise<StoredPage[]> {
  const rows = await db.selectFrom('pancake.pages').select(['id', 'name', 'status', 'timezone_offset_hours']).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, status: r.status, offsetHours: r.timezone_offset_hours === null ? null : Number(r.timezone_offset_hours) }));
}

/** The pages earlier runs synced (activated, inactivated or unlisted, not deleted): a run's page list when the user token is refused. */
export async function lastKnownSyncedPages(db: Queryable): Promise<StoredPage[]> {
  const rows = await db
    .selectFrom('pancake.pages')
    .select(['id', 'name', 'status', 'timezone_offset_hours'])
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('status', 'is', null), eb('status', 'in', SYNCED_STATUSES)]))
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, status: r.status, offsetHours: r.timezone_offset_hours === null ? null : Number(r.timezone_offset_hours) }));
}
