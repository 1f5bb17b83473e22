import { sql, type Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Env } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import type { PancakeClient } from '../../src/pancake/client.js';
import { parseDeletedKey } from '../../src/simulator/live/deletions.js';
import { runSync, type RunSummary, type SyncOptions } from '../../src/sync/runner.js';
import { createDb } from '../../src/warehouse/db.js';
import type { Database } from '../../src/warehouse/schema.js';
import { createMigratedDatabase } from './db.js';
import { tableRows, type SyncHarness } from './harness.js';

// Nights in simulated time, for sweep and season tests: a run at the shop's clock (runSync with
// deps.now), and "the warehouse equals a fresh backfill of the same shop at that moment, row for
// row; records deleted in Pancake kept and marked".
//
// Simulated time must stay behind the real clock: a stored watermark is read as no later than the
// moment it was written (src/warehouse/state.ts). Start the simulator's `now` enough days in the
// past for every night the test advances, and pass `since` (SYNC_START is read against the real clock).

/** The list streams and messages: what a sweep touches, without the statistics. */
export const LIST_STREAMS = ['conversations', 'messages', 'customers', 'posts', 'tags', 'page_users', 'call_logs'];

/** Call logs need the page's call-centre id; every page of the simulator gets its own. */
export function seasonEnv(h: SyncHarness, extra: Env = {}): Env {
  return { PANCAKE_CALL_CENTER_IDS: h.sim.data.pages.map((p) => `${p.id}:${h.sim.callCenterId(p.id)}`).join(','), ...extra };
}

/** One run of the sync at the shop's clock (or `now`), in process. */
export function syncAt(h: SyncHarness, options: SyncOptions, extra: Env = {}, wrap: (client: PancakeClient) => PancakeClient = (c) => c, now = h.sim.now()): Promise<RunSummary> {
  const config = h.config(seasonEnv(h, extra));
  return runSync({ config, db: h.db, client: wrap(h.client(config)), log: silentLogger, now }, { streams: LIST_STREAMS, ...options });
}

/**
 * Tables a sweep keeps equal to a fresh backfill (bookkeeping and statistics aside), with their keys
 * and, for a conversation's rows, the column naming the conversation.
 */
export const COMPARED: Array<[table: string, key: string, conversationColumn: string | null]> = [
  ['pancake.conversations', 'page_id, id', 'id'],
  ['pancake.messages', 'page_id, id', 'conversation_id'],
  ['pancake.conversation_tags', 'page_id, conversation_id, tag_id', 'conversation_id'],
  ['pancake.conversation_assignees', 'page_id, conversation_id, user_id', 'conversation_id'],
  ['pancake.conversation_details', 'page_id, conversation_id', 'conversation_id'],
  ['pancake.ad_clicks', 'page_id, conversation_id, ad_id, clicked_at', 'conversation_id'],
  ['pancake.customers', 'page_id, id', null],
  ['pancake.posts', 'page_id, id', null],
  ['pancake.call_logs', 'page_id, call_id', null],
  ['pancake.tags', 'page_id, id', null],
  ['pancake.page_users', 'page_id, id', null],
];

export interface Comparison {
  /** Rows compared, live ones. */
  rows: number;
  /** Records marked deleted in the nightly warehouse (for a conversation's rows: conversations), by table. */
  deleted: Record<string, number>;
  /**
   * Where the warehouse differs from the fresh backfill, by table, as row keys (`page_id|id|…`):
   * rows it lacks, live rows the backfill does not have (deleted in the shop, not marked yet), rows
   * that differ, and rows marked deleted that the shop still lists. All empty after a sweep.
   */
  differences: Record<string, { missing: string[]; extra: string[]; changed: string[]; markedButListed: string[] }>;
}

/**
 * A database for fresh backfills (a copy of the migrated template), emptied before each: a season test compares
 * every night, and creating and migrating a database each time would cost more than the nights.
 */
export interface FreshWarehouse {
  url: string;
  db: Kysely<Database>;
  /** Deletes every row (the schema stays): the next backfill starts from nothing. */
  empty(): Promise<void>;
  close(): Promise<void>;
}

export async function createFreshWarehouse(name = 'fresh'): Promise<FreshWarehouse> {
  const fresh = await createMigratedDatabase(name);
  const db = createDb(fresh.url, 4);
  const { rows } = await sql<{ name: string; referenced: string[] }>`
    select format('%I.%I', t.schemaname, t.tablename) as name,
      coalesce(array_agg(distinct format('%I.%I', rn.nspname, r.relname)) filter (where r.oid is not null and r.oid <> c.oid), '{}') as referenced
    from pg_tables t
    join pg_namespace n on n.nspname = t.schemaname
    join pg_class c on c.relnamespace = n.oid and c.relname = t.tablename
    left join pg_constraint fk on fk.conrelid = c.oid and fk.contype = 'f'
    left join pg_class r on r.oid = fk.confrelid
    left join pg_namespace rn on rn.oid = r.relnamespace
    where t.schemaname in ('pancake', 'pancake_private') and t.tablename not like 'kysely_migration%'
    group by 1`.execute(db);
  // DELETE, not TRUNCATE (which costs far more on dozens of mostly empty tables), a table before
  // the ones its foreign keys reference.
  const order: string[] = [];
  const left = new Map(rows.map((r) => [r.name, r.referenced]));
  while (left.size > 0) {
    const next = [...left.keys()].filter((name) => ![...left.values()].some((referenced) => referenced.includes(name)));
    if (next.length === 0) throw new Error(`foreign keys in a cycle among ${[...left.keys()].join(', ')}`);
    for (const name of next) left.delete(name);
    order.push(...next);
  }
  return {
    url: fresh.url,
    db,
    empty: async () => void (await sql.raw(order.map((name) => `delete from ${name};`).join(' ')).execute(db)),
    async close() {
      await db.destroy();
      await fresh.drop();
    },
  };
}

/**
 * How the warehouse of `h` compares with a fresh backfill from `since` of the same shop at `now`
 * (into a database of its own, or `into` emptied first), table by table: what a night without a
 * sweep may lack (records stamped before its window) or keep (records deleted since), for a test to count.
 */
export async function compareWithFreshBackfill(h: SyncHarness, since: Date, now = h.sim.now(), extra: Env = {}, into: FreshWarehouse | null = null): Promise<Comparison & { expected: Map<string, unknown[]>; live: Map<string, unknown[]> }> {
  const fresh = into ?? (await createFreshWarehouse());
  const { db } = fresh;
  try {
    if (into !== null) await fresh.empty();
    const config = h.config(seasonEnv(h, { ...extra, DATABASE_URL: fresh.url }));
    const summary = await runSync({ config, db, client: h.client(config), log: silentLogger, now }, { streams: LIST_STREAMS, since });
    expect(summary.exitCode, JSON.stringify(summary.failures)).toBe(0);
    const deletedInShop = new Set([...h.sim.data.deleted.at.keys()].map((key) => parseDeletedKey(key)).map(({ pageId, id }) => `${pageId}|${id}`));
    const comparison = { rows: 0, deleted: {} as Comparison['deleted'], differences: {} as Comparison['differences'], expected: new Map<string, unknown[]>(), live: new Map<string, unknown[]>() };
    for (const [table, key, conversation] of COMPARED) {
      const expected = (await tableRows(db, table, key)) as Array<Record<string, unknown>>;
      const kept = await keptRows(h.db, table, key, conversation);
      const keyOf = (row: Record<string, unknown>) => key.split(', ').map((column) => String(row[column] instanceof Date ? (row[column] as Date).toISOString() : row[column])).join('|');
      const theirs = new Map(expected.map((row) => [keyOf(row), JSON.stringify(row)]));
      const ours = new Map((kept.live as Array<Record<string, unknown>>).map((row) => [keyOf(row), JSON.stringify(row)]));
      comparison.differences[table] = {
        missing: [...theirs.keys()].filter((k) => !ours.has(k)),
        extra: [...ours.keys()].filter((k) => !theirs.has(k)),
        changed: [...ours.keys()].filter((k) => theirs.has(k) && theirs.get(k) !== ours.get(k)),
        markedButListed: kept.deleted.filter((record) => !deletedInShop.has(record)),
      };
      comparison.expected.set(table, expected);
      comparison.live.set(table, kept.live);
      comparison.rows += expected.length;
      if (kept.deleted.length > 0) comparison.deleted[table] = kept.deleted.length;
    }
    return comparison;
  } finally {
    if (into === null) await fresh.close();
  }
}

/**
 * The warehouse of `h` equals a fresh backfill from `since` of the same shop at `now`, row for row:
 * every row a fresh backfill has, equal (synced_at aside); every other row of the warehouse is
 * marked deleted_at (or belongs to a conversation that is), and is one the shop deleted.
 */
export async function expectEqualsFreshBackfill(h: SyncHarness, since: Date, now = h.sim.now(), extra: Env = {}, into: FreshWarehouse | null = null): Promise<Comparison> {
  const { expected, live, ...comparison } = await compareWithFreshBackfill(h, since, now, extra, into);
  for (const [table] of COMPARED) {
    expect(live.get(table), `${table}: rows of live records`).toEqual(expected.get(table));
    expect(comparison.differences[table]!.markedButListed, `${table}: marked deleted but the shop still lists them`).toEqual([]);
  }
  return comparison;
}

/**
 * A table's rows split into those of live records (as tableRows gives them) and the deleted records
 * (or conversations), as `page_id|id`: ids are a page's own (two pages may both have a tag 87).
 */
async function keptRows(db: Kysely<Database>, table: string, key: string, conversation: string | null): Promise<{ live: unknown[]; deleted: string[] }> {
  const own = ['pancake.conversations', 'pancake.customers', 'pancake.posts', 'pancake.call_logs', 'pancake.tags', 'pancake.page_users'].includes(table);
  const idColumn = table === 'pancake.call_logs' ? 'call_id' : conversation !== null && conversation !== 'id' ? conversation : 'id';
  const deletedWhere = own
    ? sql.raw(`t.deleted_at is not null`)
    : sql.raw(`exists (select from pancake.conversations c where c.page_id = t.page_id and c.id = t.${conversation} and c.deleted_at is not null)`);
  const { rows } = await sql<{ page_id: string; id: string }>`select distinct t.page_id, ${sql.raw(`t.${idColumn}`)} as id from ${sql.raw(table)} t where ${deletedWhere}`.execute(db);
  const deleted = rows.map((r) => `${r.page_id}|${r.id}`);
  const all = (await tableRows(db, table, key)) as Array<Record<string, unknown>>;
  const gone = new Set(deleted);
  const live = all.filter((row) => !gone.has(`${String(row.page_id)}|${String(row[idColumn])}`));
  return { live, deleted };
}
