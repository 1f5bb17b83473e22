import { isDeepStrictEqual } from 'node:util';
import type { Kysely } from 'kysely';
import type { PancakeClient } from '../../src/pancake/client.js';
import { parseApiTimestamp } from '../../src/pancake/time.js';
import type { Simulator } from '../../src/simulator/index.js';
import type { Database } from '../../src/warehouse/schema.js';
import { readStreamState } from '../../src/warehouse/state.js';

// What "the covered range never lies" means, checked against the simulator's truth: for each
// windowed stream, every record whose time lies in [covered_from, watermark) is stored in its
// current version; every conversation whose messages are marked stored for its current version
// has exactly the simulator's messages.

export const CHECKED_STREAMS = ['conversations', 'customers', 'posts'] as const;

interface Truth {
  id: string;
  at: Date | null;
  version: unknown;
}

function truthOf(sim: Simulator, pageId: string, stream: (typeof CHECKED_STREAMS)[number]): Truth[] {
  if (stream === 'conversations') return (sim.data.conversations.get(pageId) ?? []).map((c) => ({ id: String(c.id), at: parseApiTimestamp(c.updated_at), version: c.updated_at }));
  if (stream === 'customers') return (sim.data.entities.customers.get(pageId) ?? []).map((c) => ({ id: String(c.id), at: parseApiTimestamp(c.updated_at), version: c.updated_at }));
  return (sim.data.entities.posts.get(pageId) ?? []).map((p) => ({ id: String(p.id), at: parseApiTimestamp(p.inserted_at), version: p.inserted_at }));
}

const VERSION_FIELD: Record<(typeof CHECKED_STREAMS)[number], string> = { conversations: 'updated_at', customers: 'updated_at', posts: 'inserted_at' };

export interface Coverage {
  coveredFrom: Date | null;
  watermark: Date | null;
}

/** Problems found (empty: the warehouse holds everything its coverage claims), and the coverage read. */
export async function checkCoverage(db: Kysely<Database>, sim: Simulator, now: Date): Promise<{ problems: string[]; coverage: Map<string, Coverage> }> {
  const problems: string[] = [];
  const coverage = new Map<string, Coverage>();
  for (const page of sim.data.pages) {
    for (const stream of CHECKED_STREAMS) {
      const state = await readStreamState(db, page.id, stream);
      coverage.set(`${page.id}|${stream}`, state);
      if (state.coveredFrom === null || state.watermark === null) continue;
      if (state.coveredFrom > state.watermark) problems.push(`${stream}: covered_from ${state.coveredFrom.toISOString()} after the watermark`);
      if (state.watermark > now) problems.push(`${stream}: watermark ${state.watermark.toISOString()} in the future`);
      const table = `pancake.${stream}` as const;
      const rows = await db.selectFrom(table).select(['id', 'raw']).where('page_id', '=', page.id).execute();
      const stored = new Map(rows.map((r) => [r.id, (r.raw as Record<string, unknown>)[VERSION_FIELD[stream]]]));
      for (const t of truthOf(sim, page.id, stream)) {
        if (t.at === null || t.at < state.coveredFrom || t.at >= state.watermark) continue;
        if (!stored.has(t.id)) problems.push(`${stream} ${t.id} (${t.at.toISOString()}) is in the covered range ${state.coveredFrom.toISOString()}..${state.watermark.toISOString()} but not stored`);
        else if (!isDeepStrictEqual(stored.get(t.id), t.version)) problems.push(`${stream} ${t.id} is stored in an older version inside the covered range`);
      }
    }
    problems.push(...(await checkMessages(db, sim, page.id)));
  }
  return { problems, coverage };
}

async function checkMessages(db: Kysely<Database>, sim: Simulator, pageId: string): Promise<string[]> {
  const marked = await db
    .selectFrom('pancake.conversation_message_state as s')
    .innerJoin('pancake.conversations as c', (join) => join.onRef('c.page_id', '=', 's.page_id').onRef('c.id', '=', 's.conversation_id'))
    .select(['c.id', 'c.updated_at', 's.synced_updated_at'])
    .where('s.page_id', '=', pageId)
    .execute();
  const messages = await db.selectFrom('pancake.messages').select(['id', 'conversation_id']).where('page_id', '=', pageId).execute();
  const storedBy = new Map<string, string[]>();
  for (const m of messages) storedBy.set(m.conversation_id ?? '', [...(storedBy.get(m.conversation_id ?? '') ?? []), m.id]);
  const problems: string[] = [];
  const byId = new Map((sim.data.conversations.get(pageId) ?? []).map((c) => [String(c.id), c]));
  for (const row of marked) {
    const truth = byId.get(row.id);
    // Only a conversation marked done for the version the simulator holds now can be compared.
    if (!truth || row.synced_updated_at === null || parseApiTimestamp(truth.updated_at)?.getTime() !== row.synced_updated_at.getTime()) continue;
    const expected = (sim.data.messages.get(row.id) ?? []).map((m) => String(m.id)).sort();
    const actual = (storedBy.get(row.id) ?? []).sort();
    if (!isDeepStrictEqual(actual, expected)) problems.push(`messages of ${row.id}: ${actual.length} stored, ${expected.length} in Pancake`);
  }
  return problems;
}

/**
 * A client that stops answering after `calls` API calls, as if the process died there: calls in
 * flight finish (and may commit), every later one fails, so no later checkpoint is written.
 */
export function dyingClient(client: PancakeClient, calls: number): PancakeClient {
  let made = 0;
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string' || !/^(list|get|iterate)/.test(property)) return value;
      return (...args: unknown[]) => {
        made += 1;
        if (made > calls) throw new Error(`killed after ${calls} API calls`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
