import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createPancakeClient } from '../../src/pancake/client.js';
import { parseApiTime, simulatedStatistics, startSimulator, type ShopChanges, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';

// The simulator over a season (docs/simulator.md, "Time, late records and deletions"): a clock the
// test moves, nights of changes drawn from the seed, records stamped before they appear, deletions
// and returns, as the API then answers them.

const DAY = 86_400_000;
const NOW = new Date('2026-05-01T00:00:00Z');
const sims: Simulator[] = [];
afterEach(async () => {
  for (const sim of sims.splice(0)) await sim.close();
});

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ seed: 9, now: NOW, clock: 'manual', ...options });
  sims.push(sim);
  return sim;
}

/** The shop as the API lists it, plus what it deleted and stamped late. */
function digest(sim: Simulator): string {
  const { conversations, messages, tags, entities, deleted, lateStamped } = sim.data;
  const text = JSON.stringify([[...conversations], [...messages], [...tags], [...entities.customers], [...entities.posts], [...entities.callLogs], [...deleted.conversations], [...deleted.at], lateStamped]);
  return createHash('sha256').update(text).digest('hex');
}

async function get(sim: Simulator, pageId: string, path: string, query: Record<string, string | number> = {}, version = 'v1'): Promise<{ status: number; body: Record<string, unknown> }> {
  const params = new URLSearchParams({ page_access_token: sim.pageToken(pageId), ...Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])) });
  const answer = await fetch(`${sim.baseUrl}/api/public_api/${version}/pages/${pageId}${path}?${params}`);
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

describe('the simulator over a season', () => {
  it('a manual clock starts at `now` and moves only with advanceTo; changes without an `at` take its time; it never goes back', async () => {
    const sim = await start();
    expect(sim.now().toISOString()).toBe(NOW.toISOString());
    const [page] = sim.data.pages;
    const conversation = sim.data.conversations.get(page!.id)!.find((c) => c.type === 'INBOX')!;
    sim.advanceTo(new Date(NOW.getTime() + DAY), false);
    expect(sim.now().getTime()).toBe(NOW.getTime() + DAY);
    sim.addMessages(conversation.id, 1);
    expect(parseApiTime(conversation.updated_at)).toBe(NOW.getTime() + DAY);
    expect(() => sim.advanceTo(NOW)).toThrow(/before the shop's clock/);
    const real = await startSimulator({ seed: 9, now: NOW });
    sims.push(real);
    expect(Math.abs(real.now().getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('writes through the API (a reply, a tag) are stamped at the manual clock, not the real one', async () => {
    const sim = await start();
    const [page] = sim.data.pages;
    const client = createPancakeClient({ baseUrl: sim.baseUrl, accessToken: sim.userToken, rateLimit: 1000, retryMinDelayMs: 10, timeoutMs: 30_000 });
    await client.generatePageAccessToken(page!.id);
    const [first, second] = sim.data.conversations.get(page!.id)!.filter((c) => c.type === 'INBOX');
    const at = new Date(NOW.getTime() + 3 * DAY);
    sim.advanceTo(at, false);
    const sent = await client.sendMessage(page!.id, first!.id, { action: 'reply_inbox', message: 'Dạ em gửi ạ' });
    expect(parseApiTime(sent.data!.inserted_at)).toBe(at.getTime());
    expect(parseApiTime(first!.updated_at)).toBe(at.getTime());
    const tag = sim.data.tags.get(page!.id)!.find((t) => !(second!.tags ?? []).some((own) => own !== null && String(own.id) === String(t.id)))!;
    await client.addConversationTag(page!.id, second!.id, Number(tag.id));
    expect(parseApiTime((second!.tag_histories!.at(-1) as { inserted_at: string }).inserted_at)).toBe(at.getTime());
  });

  it('nights are drawn from the seed: two shops advanced through the same nights are identical, byte for byte', async () => {
    const [a, b] = [await start(), await start()];
    for (let night = 1; night <= 5; night++) {
      const to = new Date(NOW.getTime() + night * DAY);
      expect(a.advanceTo(to)).toEqual(b.advanceTo(to));
    }
    expect(digest(a)).toBe(digest(b));
  });

  it('by default, 30 nights bring new and changed records, customers stamped 1-3 days before they appear, deletions and returns', async () => {
    const sim = await start({ pages: 2, conversationsPerPage: 120, historyDays: 120 });
    const nights: ShopChanges[] = [];
    for (let night = 1; night <= 30; night++) nights.push(sim.advanceTo(new Date(NOW.getTime() + night * DAY)));
    const all = (key: 'deleted' | 'restored') => nights.flatMap((n) => n[key]);
    expect(nights.flatMap((n) => n.created.conversations).length).toBeGreaterThanOrEqual(30);
    expect(nights.flatMap((n) => n.changed.customers).length).toBeGreaterThanOrEqual(20);
    const late = nights.flatMap((n) => n.lateStamped);
    expect(late.length).toBeGreaterThanOrEqual(10);
    for (const record of late) {
      expect(record.appearedAt - record.stampedAt).toBeGreaterThanOrEqual(DAY);
      expect(record.appearedAt - record.stampedAt).toBeLessThanOrEqual(3 * DAY);
      const customer = sim.data.entities.customers.get(record.pageId)?.find((c) => c.id === record.id) ?? sim.data.deleted.customers.get(record.pageId)?.find((c) => c.id === record.id);
      // inserted_at keeps the stamp (a later night may edit the customer and move its updated_at).
      expect(parseApiTime(customer!.inserted_at!)).toBe(record.stampedAt);
    }
    expect(sim.data.lateStamped).toEqual(late);
    const kinds = new Set(all('deleted').map((d) => d.kind));
    expect(kinds.has('conversation') && kinds.has('customer')).toBe(true);
    expect(all('restored').length).toBeGreaterThan(0);
  });

  it('a new conversation\'s customer is stamped when the conversation appears (regression: stamped days back, a late record no report listed)', async () => {
    const sim = await start({ pages: 1, conversationsPerPage: 20, historyDays: 10 });
    const pageId = sim.data.pages[0]!.id;
    const customers = sim.data.entities.customers.get(pageId)!;
    for (let hour = 1; hour <= 12; hour++) {
      const at = new Date(NOW.getTime() + hour * 3_600_000);
      sim.advanceTo(at, false);
      const conversation = sim.addConversation(pageId, at);
      const customer = customers.at(-1)!;
      expect(customer.id).toBe(conversation.page_customer?.id);
      // A run after `at` reads updated_at from its watermark minus the lookback: the customer is in its range.
      expect(parseApiTime(customer.updated_at!)).toBe(at.getTime());
    }
  });

  it('a deleted conversation leaves the listings and its messages answer 404; the statistics still count it; restored, it is listed as it was', async () => {
    const sim = await start({ pages: 1, conversationsPerPage: 30, historyDays: 10 });
    const [page] = sim.data.pages;
    const pageId = page!.id;
    const conversation = sim.data.conversations.get(pageId)!.find((c) => c.type === 'INBOX')!;
    const range = { since: Math.floor((NOW.getTime() - 11 * DAY) / 1000), until: Math.floor(NOW.getTime() / 1000) };
    const listed = async () => ((await get(sim, pageId, '/conversations', { ...range, order_by: 'updated_at' }, 'v2')).body.conversations as Array<{ id: string }>).map((c) => c.id);
    const statistics = () => JSON.stringify(simulatedStatistics.pageStatistics(sim.data, pageId, { startMs: NOW.getTime() - 11 * DAY, endMs: NOW.getTime() }));
    const before = statistics();
    expect(await listed()).toContain(conversation.id);

    expect(sim.deleteRecord('conversation', conversation.id)).toBe(true);
    expect(sim.deleteRecord('conversation', conversation.id)).toBe(false);
    expect(await listed()).not.toContain(conversation.id);
    expect((await get(sim, pageId, `/conversations/${conversation.id}/messages`)).status).toBe(404);
    expect(statistics()).toBe(before);

    expect(sim.restoreRecord('conversation', conversation.id)).toBe(true);
    expect(await listed()).toContain(conversation.id);
    expect((await get(sim, pageId, `/conversations/${conversation.id}/messages`)).status).toBe(200);
  });

  it("deletes and restores a tag on its own page: tag ids are a page's own, and two pages may both have one (regression)", async () => {
    // Two pages sharing a tag id: deleting the second page's tag took the first page's (the record was
    // looked up by id alone, first page first), and `deleted.at` keyed both as `tag:<id>`.
    const sim = await start({ seed: 2201, pages: 2, conversationsPerPage: 12, historyDays: 12 });
    const [a, b] = sim.data.pages.map((p) => p.id) as [string, string];
    const tagIds = (pageId: string) => sim.data.tags.get(pageId)!.map((t) => String(t.id));
    const shared = tagIds(b).find((id) => tagIds(a).includes(id))!;
    expect(shared).toBeDefined();
    const listed = async (pageId: string) => ((await get(sim, pageId, '/tags')).body.tags as Array<{ id: number }>).map((t) => String(t.id));

    expect(() => sim.deleteRecord('tag', shared)).toThrow(/2 pages have a tag .*: name the page/);
    expect(sim.deleteRecord('tag', shared, undefined, b)).toBe(true);
    expect(await listed(b)).not.toContain(shared);
    expect(await listed(a)).toContain(shared);
    expect([...sim.data.deleted.at.keys()]).toEqual([`tag:${b}:${shared}`]);
    expect(sim.restoreRecord('tag', shared, b)).toBe(true);
    expect(await listed(b)).toContain(shared);
    expect(sim.data.deleted.at.size).toBe(0);

    // A night's deletions name their page.
    const night = sim.advanceTo(new Date(NOW.getTime() + 20 * DAY), { deletedTags: 2, restored: 0 });
    const tags = night.deleted.filter((d) => d.kind === 'tag');
    expect(tags.length).toBeGreaterThan(0);
    for (const { pageId, id } of tags) {
      expect(await listed(pageId)).not.toContain(id);
      expect(sim.data.deleted.tags.get(pageId)!.map((t) => String(t.id))).toContain(id);
    }
  });

  it('a keyset cursor naming a conversation deleted meanwhile goes on after the place it had', async () => {
    const sim = await start({ pages: 1, conversationsPerPage: 150, historyDays: 5 });
    const pageId = sim.data.pages[0]!.id;
    const range = { since: Math.floor((NOW.getTime() - 6 * DAY) / 1000), until: Math.floor(NOW.getTime() / 1000), order_by: 'updated_at' };
    const first = (await get(sim, pageId, '/conversations', range, 'v2')).body.conversations as Array<{ id: string }>;
    const second = (await get(sim, pageId, '/conversations', { ...range, last_conversation_id: first.at(-1)!.id }, 'v2')).body.conversations as Array<{ id: string }>;
    sim.deleteRecord('conversation', first.at(-1)!.id);
    const again = await get(sim, pageId, '/conversations', { ...range, last_conversation_id: first.at(-1)!.id }, 'v2');
    expect(again.status).toBe(200);
    expect((again.body.conversations as Array<{ id: string }>).map((c) => c.id)).toEqual(second.map((c) => c.id));
  });

  it('paging faults on demand: a stuck cursor answers the first batch again, a repeating message batch the newest again', async () => {
    const sim = await start({ pages: 1, conversationsPerPage: 150, historyDays: 5, messagesPerConversation: { min: 40, max: 45 } });
    const pageId = sim.data.pages[0]!.id;
    const conversation = [...sim.data.messages].find(([, items]) => items.length > 35)![0];
    sim.setPagingFaults({ stuckCursorPages: [pageId], repeatingMessageConversations: [conversation] });
    const range = { since: Math.floor((NOW.getTime() - 6 * DAY) / 1000), until: Math.floor(NOW.getTime() / 1000), order_by: 'updated_at' };
    const first = (await get(sim, pageId, '/conversations', range, 'v2')).body.conversations as Array<{ id: string }>;
    const next = (await get(sim, pageId, '/conversations', { ...range, last_conversation_id: first.at(-1)!.id }, 'v2')).body.conversations;
    expect(next).toEqual(first);
    const newest = (await get(sim, pageId, `/conversations/${conversation}/messages`)).body.messages;
    expect((await get(sim, pageId, `/conversations/${conversation}/messages`, { current_count: 30 })).body.messages).toEqual(newest);
    sim.setPagingFaults(null);
    expect((await get(sim, pageId, '/conversations', { ...range, last_conversation_id: first.at(-1)!.id }, 'v2')).body.conversations).not.toEqual(first);
  });
});
