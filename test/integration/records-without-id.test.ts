import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiTag, PancakeUser } from '../../src/pancake/types.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

// Issue 23, records without an id: a conversation with no `id` or `id: null` was stored as
// 'undefined' / 'null'; messages without ids collapsed into one row 'undefined'; a conversation
// with `id: ""` failed the page's whole messages stream on every run. A record without a usable id
// (missing, null, empty, not a string or number) is now skipped with one warning per stream and
// page (the count and one example), stored nowhere, and never fails the stream; the rest is stored.

const DAY = 86_400_000;
const UNUSABLE: unknown[] = [undefined, null, '', '   ', { nested: 1 }, [], true];

function withId<T extends object>(record: T, id: unknown): T {
  const copy = structuredClone(record) as Record<string, unknown>;
  if (id === undefined) delete copy.id;
  else copy.id = id;
  return copy as T;
}

describe('records without a usable id', () => {
  let h: SyncHarness;
  let page: string;
  let expected: { conversations: number; messages: number; customers: number; posts: number; callLogs: number; tags: number; users: number };

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 47, pages: 1, conversationsPerPage: 8, historyDays: 5 }, 'no_id');
    const data = h.sim.data;
    page = data.pages[0]!.id;
    const conversations = data.conversations.get(page)!;
    const withMessages = conversations.find((c) => (data.messages.get(c.id)?.length ?? 0) > 1)!;
    const messages = data.messages.get(withMessages.id)!;
    expected = {
      conversations: conversations.length,
      messages: [...data.messages.entries()].filter(([id]) => conversations.some((c) => c.id === id)).reduce((n, [, list]) => n + list.length, 0),
      customers: data.entities.customers.get(page)!.length,
      posts: data.entities.posts.get(page)!.length,
      callLogs: data.entities.callLogs.get(page)!.length,
      tags: data.tags.get(page)!.length,
      users: data.entities.users.get(page)!.users.length + data.entities.users.get(page)!.disabled_users.length,
    };
    // Every unusable id, on every kind of record the streams store.
    for (const id of UNUSABLE) {
      conversations.push(withId(conversations[0]!, id));
      data.entities.customers.get(page)!.push(withId(data.entities.customers.get(page)![0]!, id));
      data.entities.posts.get(page)!.push(withId(data.entities.posts.get(page)![0]!, id));
      const call = structuredClone(data.entities.callLogs.get(page)![0]!) as unknown as Record<string, unknown>;
      if (id === undefined) delete call.call_id;
      else call.call_id = id;
      data.entities.callLogs.get(page)!.push(call as never);
      data.tags.get(page)!.push({ ...(id === undefined ? {} : { id }), text: 'ghost tag', color: '#000000' } as unknown as ApiTag);
      data.entities.users.get(page)!.users.push(withId(data.entities.users.get(page)!.users[0]!, id) as PancakeUser);
    }
    // Messages without ids in a conversation that has real ones: they must not become one row 'undefined'.
    messages.splice(1, 0, withId(messages[0]!, undefined), withId(messages[0]!, null), withId(messages[0]!, ''));
    data.revision++;
  });
  afterAll(async () => h?.close());

  it('are skipped with one warning per stream and page (count and example), stored nowhere, and the rest is stored, twice', async () => {
    const extra = { PANCAKE_CALL_CENTER_IDS: `${page}:${h.sim.callCenterId(page)}` };
    const since = new Date(h.sim.data.now.getTime() - 6 * DAY);
    for (const run of [1, 2]) {
      const summary = await h.sync({ since, streams: ['tags', 'page_users', 'conversations', 'messages', 'customers', 'call_logs', 'posts'] }, extra);
      expect(summary.failures, `run ${run}`).toEqual([]);
      expect(summary.exitCode).toBe(0);
      const skips = summary.warnings.filter((w) => w.kind === 'record_without_id');
      // One per stream of the page. The second run re-reads the snapshots whole and warns again for
      // them; the windowed streams read only their lookback again, which may or may not hold these.
      const all = ['conversations', 'customers', 'posts', 'call_logs', 'tags', 'page_users', 'messages'];
      const streams = skips.map((w) => w.stream ?? '');
      expect(new Set(streams).size, `run ${run}: one warning per stream`).toBe(streams.length);
      if (run === 1) expect([...streams].sort()).toEqual([...all].sort());
      else expect(streams.filter((s) => !all.includes(s))).toEqual([]);
      expect(streams).toEqual(expect.arrayContaining(['tags', 'page_users']));
      for (const w of skips) {
        const count = w.stream === 'messages' ? 3 : UNUSABLE.length;
        expect(w.message).toMatch(new RegExp(`^${w.stream} of page ${page}: skipped ${count} record\\(s\\) without a usable (id|call_id) .*, stored nowhere; e\\.g\\. \\{`));
        expect(w.pageId).toBe(page);
      }
    }
    const count = async (table: string, key = 'id') => {
      const { rows } = await sql<{ n: number; bad: number }>`
        select count(*)::int as n, count(*) filter (where ${sql.ref(key)} in ('undefined', 'null', '', '[object Object]', 'true') or trim(${sql.ref(key)}) = '')::int as bad
        from ${sql.table(table)} where page_id = ${page}`.execute(h.db);
      return rows[0]!;
    };
    expect(await count('pancake.conversations')).toEqual({ n: expected.conversations, bad: 0 });
    expect(await count('pancake.messages')).toEqual({ n: expected.messages, bad: 0 });
    expect(await count('pancake.customers')).toEqual({ n: expected.customers, bad: 0 });
    expect(await count('pancake.posts')).toEqual({ n: expected.posts, bad: 0 });
    expect(await count('pancake.call_logs', 'call_id')).toEqual({ n: expected.callLogs, bad: 0 });
    expect(await count('pancake.tags')).toEqual({ n: expected.tags, bad: 0 });
    expect(await count('pancake.page_users')).toEqual({ n: expected.users, bad: 0 });
  }, 120_000);
});
