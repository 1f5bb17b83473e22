import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../src/logger.js';
import type { ApiTag } from '../../src/pancake/types.js';
import { parseApiTimestamp } from '../../src/pancake/time.js';
import { planDryRun } from '../../src/sync/dry-run.js';
import { runSync, type SyncOptions } from '../../src/sync/runner.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

const DAY = 86_400_000;
/** This streams and the conversations they ride on; statistics are tested elsewhere. */
const STREAMS = ['tags', 'page_users', 'conversations', 'messages', 'customers', 'call_logs', 'posts'];
const ENTITY_ENDPOINTS = ['list_conversations_v2', 'list_page_customers', 'list_call_logs', 'list_posts', 'list_tags', 'list_users'];

const ms = (value: unknown): number | null => parseApiTimestamp(value)?.getTime() ?? null;
const byKey = (a: { k: string }, b: { k: string }): number => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0);

/** Every row of a table without synced_at, keyed, for before/after comparisons. */
async function snapshot(h: SyncHarness, table: string): Promise<Map<string, unknown>> {
  const { rows } = await sql.raw<Record<string, unknown>>(`select * from ${table}`).execute(h.db);
  const keyColumns = ['page_id', 'id', 'call_id', 'conversation_id', 'tag_id', 'user_id'];
  return new Map(rows.map(({ synced_at: _, ...row }) => [keyColumns.filter((k) => k in row).map((k) => String(row[k])).join('|'), row]));
}

describe('entity streams against the simulator', () => {
  let h: SyncHarness;
  let since: Date;
  let callCenters: string;

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 23, pages: 2, conversationsPerPage: 40, messagesPerConversation: { min: 1, max: 4 }, historyDays: 40, clock: 'manual' }, 'entities');
    h.nextSecond(); // the history ends at `now`: a run a second later reads all of it
    since = new Date(h.sim.data.now.getTime() - 60 * DAY);
    callCenters = h.sim.data.pages.map((p) => `${p.id}:${h.sim.callCenterId(p.id)}`).join(',');
  });
  afterAll(async () => h?.close());

  const syncWith = (extra: Record<string, string>, log = silentLogger, options: SyncOptions = {}) => {
    const config = h.config(extra);
    return runSync({ config, db: h.db, client: h.client(config), log, now: h.sim.now() }, { since, streams: STREAMS, ...options });
  };
  const sync = () => syncWith({ PANCAKE_CALL_CENTER_IDS: callCenters });

  it('a full sync of 2 pages stores exactly the simulator’s customers, call logs, tags, users, posts, conversation tags and assignees', async () => {
    const summary = await sync();
    expect(summary.failures).toEqual([]);
    const data = h.sim.data;
    const pages = data.pages.map((p) => p.id);
    expect(pages).toHaveLength(2);

    // Customers: row by row, raw as sent and the typed columns analysts filter on.
    const customers = await h.db.selectFrom('pancake.customers').selectAll().execute();
    const expectedCustomers = pages.flatMap((p) => (data.entities.customers.get(p) ?? []).map((c) => ({ k: `${p}|${c.id}`, c })));
    expect(expectedCustomers.length).toBeGreaterThan(90);
    expect(customers.map((r) => `${r.page_id}|${r.id}`).sort()).toEqual(expectedCustomers.sort(byKey).map((e) => e.k));
    const customerTruth = new Map(expectedCustomers.map((e) => [e.k, e.c]));
    for (const row of customers) {
      const truth = customerTruth.get(`${row.page_id}|${row.id}`)!;
      expect(row.raw).toEqual(truth);
      expect([row.name, row.gender, row.customer_id, row.psid]).toEqual([truth.name, truth.gender, truth.customer_id, truth.psid]);
      expect(row.phone_number).toBe((truth.phone_numbers?.[0] as string | undefined) ?? null);
      expect(row.updated_at?.getTime()).toBe(ms(truth.updated_at));
      expect(row.inserted_at?.getTime()).toBe(ms(truth.inserted_at));
    }
    // Conversation people are customers: every conversation joins to its customer.
    const { rows: unjoined } = await sql<{ n: string }>`
      select count(*) as n from pancake.conversations c
      where not exists (select 1 from pancake.customers k where k.page_id = c.page_id and k.customer_id = c.customer_id)`.execute(h.db);
    expect(Number(unjoined[0]?.n)).toBe(0);

    const calls = await h.db.selectFrom('pancake.call_logs').selectAll().execute();
    const expectedCalls = pages.flatMap((p) => (data.entities.callLogs.get(p) ?? []).map((c) => ({ k: `${p}|${c.call_id}`, c, p })));
    expect(calls.map((r) => `${r.page_id}|${r.call_id}`).sort()).toEqual(expectedCalls.sort(byKey).map((e) => e.k));
    const callTruth = new Map(expectedCalls.map((e) => [e.k, e]));
    for (const row of calls) {
      const { c: truth, p } = callTruth.get(`${row.page_id}|${row.call_id}`)!;
      expect(row.raw).toEqual(truth);
      expect([row.caller, row.callee, row.status, row.duration_seconds, row.call_center_id]).toEqual([truth.caller, truth.callee, truth.status, truth.duration, h.sim.callCenterId(p)]);
      expect(row.start_time?.getTime()).toBe(ms(truth.start_time));
      expect(row.direction).toBe(/^0\d{9}$/.test(truth.caller ?? '') ? 'inbound' : 'outbound');
      expect(row.customer_phone).toMatch(/^0\d{9}$/);
    }

    const posts = await h.db.selectFrom('pancake.posts').selectAll().execute();
    const expectedPosts = pages.flatMap((p) => (data.entities.posts.get(p) ?? []).map((post) => ({ k: `${p}|${post.id}`, post })));
    expect(posts.map((r) => `${r.page_id}|${r.id}`).sort()).toEqual(expectedPosts.sort(byKey).map((e) => e.k));
    const postTruth = new Map(expectedPosts.map((e) => [e.k, e.post]));
    for (const row of posts) {
      const truth = postTruth.get(`${row.page_id}|${row.id}`)!;
      expect(row.raw).toEqual(truth);
      const reactions = truth.reactions!;
      expect([row.like_count, row.love_count, row.care_count, row.comment_count]).toEqual([reactions.like_count, reactions.love_count, reactions.care_count, truth.comment_count]);
      expect(row.reaction_count).toBe(Object.values(reactions).reduce<number>((a, b) => a + Number(b), 0));
    }
    // Comment conversations point at posts that exist.
    const { rows: orphanComments } = await sql<{ n: string }>`
      select count(*) as n from pancake.conversations c
      where c.post_id is not null and not exists (select 1 from pancake.posts p where p.page_id = c.page_id and p.id = c.post_id)`.execute(h.db);
    expect(Number(orphanComments[0]?.n)).toBe(0);

    const tags = await h.db.selectFrom('pancake.tags').selectAll().orderBy(['page_id', 'id']).execute();
    const expectedTags = pages.flatMap((p) => (data.tags.get(p) ?? []).map((t) => ({ page_id: p, id: String(t.id), text: t.text, color: t.color, raw: t, deleted_at: null })));
    expect(tags.map(({ page_id, id, text, color, raw, deleted_at }) => ({ page_id, id, text, color, raw, deleted_at }))).toEqual(
      expectedTags.sort((a, b) => (a.page_id + a.id < b.page_id + b.id ? -1 : 1)),
    );

    const users = await h.db.selectFrom('pancake.page_users').selectAll().execute();
    const expectedUsers = pages.flatMap((p) => {
      const list = data.entities.users.get(p)!;
      return [...list.users.map((u) => ({ p, u, disabled: false })), ...list.disabled_users.map((u) => ({ p, u, disabled: true }))].map((e) => ({
        k: `${e.p}|${e.u.id}`,
        ...e,
        inbox: list.round_robin_users.inbox.includes(e.u.id),
      }));
    });
    expect(users.map((r) => `${r.page_id}|${r.id}`).sort()).toEqual(expectedUsers.sort(byKey).map((e) => e.k));
    const userTruth = new Map(expectedUsers.map((e) => [e.k, e]));
    for (const row of users) {
      const truth = userTruth.get(`${row.page_id}|${row.id}`)!;
      expect(row.raw).toEqual(truth.u);
      expect([row.name, row.status, row.is_disabled, row.round_robin_inbox, row.deleted_at]).toEqual([truth.u.name, truth.u.status, truth.disabled, truth.inbox, null]);
    }
    expect(users.filter((u) => u.is_disabled)).toHaveLength(2);

    const conversationTags = await h.db.selectFrom('pancake.conversation_tags').select(['page_id', 'conversation_id', 'tag_id', 'tag_text', 'tag_color']).execute();
    const expectedConversationTags = pages.flatMap((p) =>
      (data.conversations.get(p) ?? []).flatMap((c) =>
        (c.tags ?? []).filter((t): t is ApiTag => t !== null).map((t) => ({ page_id: p, conversation_id: c.id, tag_id: String(t.id), tag_text: t.text, tag_color: t.color ?? null })),
      ),
    );
    const key = (r: { page_id: string; conversation_id: string; tag_id: string }) => `${r.page_id}|${r.conversation_id}|${r.tag_id}`;
    expect(expectedConversationTags.length).toBeGreaterThan(20);
    // The data set holds null entries in tags, which must not become rows.
    expect([...data.conversations.values()].flat().some((c) => (c.tags ?? []).includes(null))).toBe(true);
    expect(conversationTags.sort((a, b) => (key(a) < key(b) ? -1 : 1))).toEqual(expectedConversationTags.sort((a, b) => (key(a) < key(b) ? -1 : 1)));

    const assignees = await h.db.selectFrom('pancake.conversation_assignees').select(['page_id', 'conversation_id', 'user_id', 'user_name']).execute();
    const expectedAssignees = pages.flatMap((p) =>
      (data.conversations.get(p) ?? []).flatMap((c) =>
        (c.assignee_ids ?? []).map((id) => ({ k: `${p}|${c.id}|${id}`, name: data.employees.get(p)!.find((e) => e.id === id)!.name })),
      ),
    );
    expect(assignees.map((a) => ({ k: `${a.page_id}|${a.conversation_id}|${a.user_id}`, name: a.user_name })).sort(byKey)).toEqual(expectedAssignees.sort(byKey));
  });

  it('an incremental re-run with no changes makes one request per page and stream, and writes nothing', async () => {
    h.sim.clearRequests();
    const summary = await sync();
    expect(summary.failures).toEqual([]);
    expect(summary.outcomes.reduce((sum, o) => sum + o.counts.rowsWritten, 0)).toBe(0);
    const perPage = new Map<string, Record<string, number>>();
    for (const r of h.sim.requests) {
      if (!r.pageId) continue;
      const counts = perPage.get(r.pageId) ?? {};
      counts[r.endpoint] = (counts[r.endpoint] ?? 0) + 1;
      perPage.set(r.pageId, counts);
    }
    expect([...perPage.keys()].sort()).toEqual(h.sim.data.pages.map((p) => p.id).sort());
    for (const counts of perPage.values()) {
      for (const endpoint of ENTITY_ENDPOINTS) expect(counts[endpoint], endpoint).toBe(1);
      expect(counts.list_messages ?? 0).toBe(0);
      // What is left is the page token (once per run): nothing grows with the data.
      const other = Object.entries(counts).filter(([endpoint]) => !ENTITY_ENDPOINTS.includes(endpoint));
      expect(other.reduce((sum, [, n]) => sum + n, 0)).toBeLessThanOrEqual(1);
    }
    console.log(`[entities] incremental re-run requests per page: ${JSON.stringify([...perPage.values()][0])}; total ${h.sim.requests.length}`);
  });

  it('a tag removed in Pancake leaves conversation_tags and a removed user gets deleted_at on the next sync; nothing else changes', async () => {
    const data = h.sim.data;
    const pageId = data.pages[0]!.id;
    const conversation = data.conversations.get(pageId)!.find((c) => (c.tags ?? []).some((t) => t !== null))!;
    const tag = conversation.tags!.find((t): t is ApiTag => t !== null)!;
    const user = data.entities.users.get(pageId)!.users[1]!;
    const tables = ['pancake.pages', 'pancake.conversations', 'pancake.messages', 'pancake.customers', 'pancake.call_logs', 'pancake.posts', 'pancake.tags', 'pancake.page_users', 'pancake.conversation_tags', 'pancake.conversation_assignees'];
    const before = new Map(await Promise.all(tables.map(async (t) => [t, await snapshot(h, t)] as const)));

    h.sim.removeTag(conversation.id, tag.id);
    h.sim.removeUser(pageId, user.id);
    h.nextSecond(); // the changes are stamped at the shop's clock: the next second's run reads them
    const summary = await sync();
    expect(summary.failures).toEqual([]);

    const after = new Map(await Promise.all(tables.map(async (t) => [t, await snapshot(h, t)] as const)));
    const tagKey = `${pageId}|${conversation.id}|${tag.id}`;
    const userKey = `${pageId}|${user.id}`;
    const conversationKey = `${pageId}|${conversation.id}`;
    expect(before.get('pancake.conversation_tags')!.has(tagKey)).toBe(true);
    expect(after.get('pancake.conversation_tags')!.has(tagKey)).toBe(false);
    const removedUser = after.get('pancake.page_users')!.get(userKey) as { deleted_at: Date | null };
    expect(removedUser.deleted_at).toBeInstanceOf(Date);
    // Only what the two changes touch differs: the tag row, the user's deleted_at, the re-tagged conversation.
    const allowed = new Set([tagKey, userKey, conversationKey]);
    for (const table of tables) {
      const was = before.get(table)!;
      const now = after.get(table)!;
      const changed = [...new Set([...was.keys(), ...now.keys()])].filter((k) => JSON.stringify(was.get(k)) !== JSON.stringify(now.get(k)));
      for (const k of changed) expect(allowed.has(k), `${table} ${k} changed`).toBe(true);
    }
    expect({ ...(removedUser as object), deleted_at: null }).toEqual(before.get('pancake.page_users')!.get(userKey));
    expect((after.get('pancake.conversations')!.get(conversationKey) as { raw: unknown }).raw).toEqual(conversation);
  });

  it('a page without a configured call-center id has its call logs unavailable (needs setting), with one info line, not an error', async () => {
    const [first, second] = h.sim.data.pages.map((p) => p.id) as [string, string];
    const lines: Array<{ level: number; msg: string; pageId?: string }> = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    h.sim.clearRequests();
    const summary = await syncWith({ PANCAKE_CALL_CENTER_IDS: `${first}:${h.sim.callCenterId(first)}` }, log);
    expect(summary.failures).toEqual([]);
    expect(summary.exitCode).toBe(0);
    const skipped = lines.filter((l) => l.msg.includes('needs setting PANCAKE_CALL_CENTER_IDS'));
    expect(skipped).toEqual([expect.objectContaining({ level: 30, msg: expect.stringMatching(new RegExp(`^call_logs of page ${second} is unavailable: needs setting PANCAKE_CALL_CENTER_IDS`)) })]);
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    expect(h.sim.requests.filter((r) => r.endpoint === 'list_call_logs').map((r) => r.pageId)).toEqual([first]);
    expect(summary.outcomes.find((o) => o.pageId === second && o.stream === 'call_logs')).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/^needs setting PANCAKE_CALL_CENTER_IDS/) });
  });

  it('--dry-run plans every entity stream from its state without a request per stream', async () => {
    const [first, second] = h.sim.data.pages.map((p) => p.id) as [string, string];
    const config = h.config({ PANCAKE_CALL_CENTER_IDS: `${first}:${h.sim.callCenterId(first)}` });
    h.sim.clearRequests();
    const plan = await planDryRun({ config, db: h.db, client: h.client(config), log: silentLogger }, { since, streams: STREAMS });
    expect(h.sim.requests.map((r) => r.endpoint)).toEqual(['list_pages']);
    const row = (page: string, stream: string) => plan.rows.find((r) => r.page === page && r.stream === stream)!;
    for (const page of [first, second]) {
      for (const stream of ['tags', 'page_users']) expect(row(page, stream)).toMatchObject({ units: 1, requests: 1 });
      for (const stream of ['customers', 'posts']) expect(row(page, stream).plan).toMatch(/^\S+ to \S+ in 1 window/);
    }
    expect(row(first, 'call_logs').plan).toMatch(/^\S+ to \S+ in 1 window/);
    expect(row(second, 'call_logs')).toMatchObject({ units: 0, requests: 0, plan: expect.stringMatching(/^unavailable: needs setting PANCAKE_CALL_CENTER_IDS/) });
  });
});
