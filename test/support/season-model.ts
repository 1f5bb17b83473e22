import { sql } from 'kysely';
import { parseApiTimestamp } from '../../src/pancake/time.js';
import type { SyncHarness } from './harness.js';

// What a warehouse synced night by night should hold, predicted from the incremental windows alone,
// for a season test to check against a fresh backfill (test/support/season.ts):
//  - a nightly run reads every live record whose listing time (updated_at; a post's inserted_at)
//    lies in its window, from the last watermark minus the lookback to now, and nothing else;
//  - a sweep reads every live record, and marks deleted (at the run's time) what the warehouse held
//    that the shop no longer lists; a record read again is cleared by its upsert.
// So a night without a sweep lacks exactly the records stamped before every window that ran since
// they appeared (late-stamped ones, ones coming back as they were), and keeps the records deleted
// since the last sweep. Records are keyed `kind|page_id|id`.

export type RecordKind = 'conversation' | 'customer' | 'post';

export const TABLE_OF_KIND: Record<RecordKind, string> = { conversation: 'pancake.conversations', customer: 'pancake.customers', post: 'pancake.posts' };
export const RECORD_KINDS = Object.keys(TABLE_OF_KIND) as RecordKind[];

/** Per kind, as `page_id|id` and sorted: what the warehouse lacks, keeps unmarked, keeps marked while the shop lists it. */
export type PredictedDifferences = Record<RecordKind, { missing: string[]; extra: string[]; markedButListed: string[] }>;

export interface WindowModel {
  /** Records held live, with the listing time read. */
  held: Map<string, number>;
  /** Records marked deleted, with when. */
  marked: Map<string, number>;
  /** After a run whose windows start at `windowStart` (null: a sweep); returns the records it marked. */
  afterRun(windowStart: number | null, now: number): number;
  predicted(): PredictedDifferences;
  /** What the warehouse marked deleted, with when: to compare with `marked`. */
  markedInWarehouse(): Promise<Map<string, number>>;
}

export function windowModel(h: SyncHarness): WindowModel {
  const held = new Map<string, number>();
  const marked = new Map<string, number>();
  const split = (key: string) => key.split('|') as [RecordKind, string, string];

  /** The shop's live records now, with the time their listing filters on. */
  const shopRecords = (): Map<string, number> => {
    const live = new Map<string, number>();
    const add = (kind: RecordKind, pageId: string, id: string, at: string | null | undefined) => live.set(`${kind}|${pageId}|${id}`, parseApiTimestamp(at ?? null)!.getTime());
    for (const { id: pageId } of h.sim.data.pages) {
      for (const c of h.sim.data.conversations.get(pageId) ?? []) add('conversation', pageId, c.id, c.updated_at);
      for (const c of h.sim.data.entities.customers.get(pageId) ?? []) add('customer', pageId, c.id, c.updated_at);
      for (const p of h.sim.data.entities.posts.get(pageId) ?? []) add('post', pageId, p.id, p.inserted_at);
    }
    return live;
  };

  return {
    held,
    marked,
    afterRun(windowStart, now) {
      const live = shopRecords();
      for (const [key, at] of live) {
        if (windowStart !== null && at < windowStart) continue;
        held.set(key, at);
        marked.delete(key);
      }
      if (windowStart !== null) return 0;
      let newlyMarked = 0;
      for (const key of held.keys()) {
        if (live.has(key) || marked.has(key)) continue;
        marked.set(key, now);
        newlyMarked += 1;
      }
      return newlyMarked;
    },
    predicted() {
      const live = shopRecords();
      const result = Object.fromEntries(RECORD_KINDS.map((kind) => [kind, { missing: [] as string[], extra: [] as string[], markedButListed: [] as string[] }])) as PredictedDifferences;
      for (const key of live.keys()) {
        const [kind, pageId, id] = split(key);
        if (!held.has(key) || marked.has(key)) result[kind].missing.push(`${pageId}|${id}`);
        if (marked.has(key)) result[kind].markedButListed.push(`${pageId}|${id}`);
      }
      for (const key of held.keys()) {
        const [kind, pageId, id] = split(key);
        if (!live.has(key) && !marked.has(key)) result[kind].extra.push(`${pageId}|${id}`);
      }
      for (const kind of RECORD_KINDS) for (const list of Object.values(result[kind])) list.sort();
      return result;
    },
    async markedInWarehouse() {
      const found = new Map<string, number>();
      for (const kind of RECORD_KINDS) {
        const { rows } = await sql<{ page_id: string; id: string; deleted_at: Date }>`select page_id, id, deleted_at from ${sql.table(TABLE_OF_KIND[kind])} where deleted_at is not null`.execute(h.db);
        for (const row of rows) found.set(`${kind}|${row.page_id}|${row.id}`, row.deleted_at.getTime());
      }
      return found;
    },
  };
}
