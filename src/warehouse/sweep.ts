import { sql } from 'kysely';
import type { WritePart } from './write-together.js';
import type { Queryable } from './table-spec.js';

// What a sweep (src/sync/engines/sweep.ts) asks the warehouse: where an unfinished sweep stands, which
// stored records of a window the API did not list, and the marking of those it confirmed gone.

/**
 * The tables a sweep marks, with the key column and the time their listing filters on (columns of
 * the row `t`). A conversation without updated_at (the official WhatsApp example has one) stands at
 * its inserted_at in an updated_at listing (docs/pancake-api.md, "A conversation"): compared by
 * updated_at alone, it lay in no window and was never marked deleted.
 */
const SWEPT = {
  'pancake.conversations': { id: 'id', time: ['updated_at', 'inserted_at'] },
  'pancake.customers': { id: 'id', time: ['updated_at'] },
  'pancake.posts': { id: 'id', time: ['inserted_at'] },
  'pancake.call_logs': { id: 'call_id', time: ['start_time'] },
} as const;

export type SweptTable = keyof typeof SWEPT;

/** A stream's last sweep and, while one is under way, where it stands. */
export interface SweepState<Cursor> {
  sweptAt: Date | null;
  cursor: Cursor | null;
}

export async function readSweepState<Cursor>(db: Queryable, pageId: string, stream: string): Promise<SweepState<Cursor>> {
  const row = await db.selectFrom('pancake.sync_state').select(['swept_at', 'sweep_cursor']).where('page_id', '=', pageId).where('stream', '=', stream).executeTakeFirst();
  return { sweptAt: row?.swept_at ?? null, cursor: (row?.sweep_cursor as Cursor | null | undefined) ?? null };
}

/**
 * The sweep's checkpoint, written with the rows it covers (write-together.ts). `sweptAt` ends a sweep;
 * the stream's state row exists by then (a sweep covers what the stream's walks covered).
 */
export function sweepStatePart(pageId: string, stream: string, state: { cursor: unknown; sweptAt?: Date }): WritePart {
  const cursor = state.cursor === null ? null : JSON.stringify(state.cursor);
  return {
    size: cursor?.length ?? 0,
    counts: false,
    render: (p) =>
      `update pancake.sync_state set sweep_cursor = ${p.add(cursor)}::jsonb${state.sweptAt ? `, swept_at = ${p.add(state.sweptAt)}::timestamptz` : ''}, updated_at = now() ` +
      `where page_id = ${p.add(pageId)} and stream = ${p.add(stream)}`,
  };
}

/**
 * Stored records of the page, not marked deleted, whose listing time lies in [since, until) and
 * whose id is not in `listed`: what a window's listing left out.
 */
export async function unlistedRecords(db: Queryable, table: SweptTable, pageId: string, window: { since: Date; until: Date }, listed: readonly string[]): Promise<string[]> {
  const { id, time } = SWEPT[table];
  const column = sql.ref(`t.${id}`);
  const at = sql`coalesce(${sql.join(time.map((column) => sql.ref(`t.${column}`)))})`;
  const { rows } = await sql<{ id: string }>`
    select ${column} as id from ${sql.table(table)} as t
    where t.page_id = ${pageId} and ${at} >= ${window.since} and ${at} < ${window.until} and t.deleted_at is null
      and not exists (select from unnest(${listed}::text[]) as listed(id) where listed.id = ${column})`.execute(db);
  return rows.map((r) => r.id);
}

/** Marks these records of the page deleted at `at` (those not marked already); counts the rows changed. */
export function markDeletedPart(table: SweptTable, pageId: string, ids: readonly string[], at: Date): WritePart[] {
  if (ids.length === 0) return [];
  const text = JSON.stringify(ids);
  return [
    {
      size: text.length,
      counts: true,
      render: (p) =>
        `update ${table} set deleted_at = ${p.add(at)}::timestamptz, synced_at = now() ` +
        `where page_id = ${p.add(pageId)} and ${SWEPT[table].id} = any(${p.add(ids)}::text[]) and deleted_at is null`,
    },
  ];
}
