import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/warehouse/schema.js';

// "The warehouse equals a fresh backfill" for the benchmarks (bench/sweep.ts, bench/season.ts): the
// rows of every record Pancake still lists, table by table, synced_at aside. Rows of records marked
// deleted (and of conversations marked deleted) are left out on both sides: a sweep keeps them,
// marked; a fresh backfill never saw them.

const OF_LIVE_CONVERSATION = (column: string) => `not exists (select from pancake.conversations c where c.page_id = t.page_id and c.id = t.${column} and c.deleted_at is not null)`;
const LIVE = 't.deleted_at is null';

const TABLES: Array<[table: string, key: string, live: string]> = [
  ['pancake.conversations', 'page_id, id', LIVE],
  ['pancake.messages', 'page_id, id', OF_LIVE_CONVERSATION('conversation_id')],
  ['pancake.conversation_tags', 'page_id, conversation_id, tag_id', OF_LIVE_CONVERSATION('conversation_id')],
  ['pancake.conversation_assignees', 'page_id, conversation_id, user_id', OF_LIVE_CONVERSATION('conversation_id')],
  ['pancake.conversation_details', 'page_id, conversation_id', OF_LIVE_CONVERSATION('conversation_id')],
  ['pancake.ad_clicks', 'page_id, conversation_id, ad_id, clicked_at', OF_LIVE_CONVERSATION('conversation_id')],
  ['pancake.customers', 'page_id, id', LIVE],
  ['pancake.posts', 'page_id, id', LIVE],
  ['pancake.call_logs', 'page_id, call_id', LIVE],
  ['pancake.tags', 'page_id, id', LIVE],
  ['pancake.page_users', 'page_id, id', LIVE],
];

/** How a differing table differs: rows only in `a`, only in `b`, in both but not equal; the first keys of each. */
export interface TableDifference {
  table: string;
  onlyInWarehouse: number;
  onlyInFresh: number;
  changed: number;
  examples: string[];
}

/** Whether both warehouses hold the same rows of live records; the tables that differ (and how), and the rows compared. */
export async function compareLiveRows(a: Kysely<Database>, b: Kysely<Database>): Promise<{ equal: boolean; differing: string[]; differences: TableDifference[]; rows: number }> {
  const differences: TableDifference[] = [];
  let rows = 0;
  for (const [table, key, live] of TABLES) {
    const columns = key.split(', ');
    const read = async (db: Kysely<Database>) => {
      const { rows: found } = await sql.raw<Record<string, unknown>>(`select * from ${table} t where ${live} order by ${key}`).execute(db);
      return new Map(found.map(({ synced_at: _synced, ...rest }) => [columns.map((c) => String(rest[c] instanceof Date ? (rest[c] as Date).toISOString() : rest[c])).join('|'), JSON.stringify(rest)]));
    };
    const [ours, theirs] = [await read(a), await read(b)];
    rows += theirs.size;
    const onlyOurs = [...ours.keys()].filter((k) => !theirs.has(k));
    const onlyTheirs = [...theirs.keys()].filter((k) => !ours.has(k));
    const changed = [...ours.keys()].filter((k) => theirs.has(k) && theirs.get(k) !== ours.get(k));
    if (onlyOurs.length + onlyTheirs.length + changed.length > 0) {
      const examples = [...onlyOurs.slice(0, 2).map((k) => `only in the warehouse: ${k}`), ...onlyTheirs.slice(0, 2).map((k) => `only in the fresh backfill: ${k}`), ...changed.slice(0, 2).map((k) => `changed: ${k}`)];
      differences.push({ table, onlyInWarehouse: onlyOurs.length, onlyInFresh: onlyTheirs.length, changed: changed.length, examples });
    }
  }
  return { equal: differences.length === 0, differing: differences.map((d) => d.table), differences, rows };
}
