// The simulator over real HTTP: shapes, token rules, parameter rules and paging, as a client sees them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PancakeConversation, PancakeMessage } from '../../src/pancake/types.js';
import { type Simulator, type SimulatorData, parseApiTime, startSimulator } from '../../src/simulator/index.js';
import { snippetOf } from '../../src/simulator/shop/conversation-summary.js';

const NOW = new Date('2026-04-10T00:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const DAY = 86_400;

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- checked field by field
}

async function call(sim: Simulator, path: string, params: Record<string, string | number> = {}, method = 'GET'): Promise<Reply> {
  const url = new URL(path, sim.baseUrl);
  for (const [key, value] of Object.entries(params)) url.searchParams.append(key, String(value));
  const res = await fetch(url, { method });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

const v1 = (pageId: string) => `/api/public_api/v1/pages/${pageId}/conversations`;
const v2 = (pageId: string) => `/api/public_api/v2/pages/${pageId}/conversations`;
const messagesPath = (pageId: string, id: string) => `/api/public_api/v1/pages/${pageId}/conversations/${id}/messages`;

/** The API's order: field descending, ties by id descending. */
function apiOrder(data: SimulatorData, pageId: string, field: 'inserted_at' | 'updated_at'): string[] {
  return [...(data.conversations.get(pageId) ?? [])]
    .sort((a, b) => parseApiTime(b[field]) - parseApiTime(a[field]) || (a.id < b.id ? 1 : -1))
    .map((c) => c.id);
}

async function walkV2(sim: Simulator, pageId: string, params: Record<string, string | number> = {}, between?: (page: number) => void): Promise<string[]> {
  const ids: string[] = [];
  let last: string | null = null;
  for (let page = 1; ; page++) {
    const r = await call(sim, v2(pageId), { page_access_token: sim.pageToken(pageId), ...params, ...(last ? { last_conversation_id: last } : {}) });
    expect(r.status).toBe(200);
    const batch = r.body.conversations as PancakeConversation[];
    expect(batch.length).toBeLessThanOrEqual(60);
    ids.push(...batch.map((c) => c.id));
    if (batch.length < 60) return ids;
    last = batch[batch.length - 1]?.id ?? null;
    between?.(page);
  }
}

async function walkV1(sim: Simulator, pageId: string, since: number, until: number, order: string, between?: (page: number) => void): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const r = await call(sim, v1(pageId), { page_access_token: sim.pageToken(pageId), since, until, page_number: page, order_by: order });
    expect(r.status).toBe(200);
    const batch = r.body.conversations as PancakeConversation[];
    ids.push(...batch.map((c) => c.id));
    if (batch.length < 60) {
      const after = await call(sim, v1(pageId), { page_access_token: sim.pageToken(pageId), since, until, page_number: page + 1, order_by: order });
      expect(after.body).toEqual({ success: true, conversations: [] });
      return ids;
    }
    between?.(page);
  }
}

describe('simulator over HTTP', () => {
  let sim: Simulator;
  let pageId: string;
  let otherPageId: string;
  let token: string;

  beforeAll(async () => {
    sim = await startSimulator({ now: NOW });
    pageId = sim.data.pages[0]?.id ?? '';
    otherPageId = sim.data.pages[1]?.id ?? '';
    token = sim.pageToken(pageId);
  });
  afterAll(() => sim.close());

  it('serves pages in categorized.activated and stable page tokens', async () => {
    const r = await call(sim, '/api/v1/pages', { access_token: sim.userToken });
    expect(r.status).toBe(200);
    expect(r.body.success).toBe(true);
    expect(r.body.categorized.activated.map((p: { id: string }) => p.id)).toEqual(sim.data.pages.map((p) => p.id));
    expect(r.body.categorized.activated_page_ids).toEqual(sim.data.pages.map((p) => p.id));
    expect(r.body.categorized).toMatchObject({ hidden: [], inactivated: [], nopermission: [] });
    expect(r.body.categorized.activated[0]).toMatchObject({ platform: 'facebook', timezone: 7, is_activated: true });

    const generate = () => call(sim, `/api/v1/pages/${pageId}/generate_page_access_token`, { access_token: sim.userToken, page_id: pageId }, 'POST');
    const [a, b] = await Promise.all([generate(), generate()]);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ success: true, page_access_token: token });
    expect(b.body.page_access_token).toBe(token);
    expect(token.length).toBeGreaterThan(100);
  });

  it('serves the real shapes: tag objects with nulls and all three timestamp forms', async () => {
    const r = await call(sim, v2(pageId), { page_access_token: token });
    const r2 = await call(sim, v2(otherPageId), { page_access_token: sim.pageToken(otherPageId) });
    const conversations = [...r.body.conversations, ...r2.body.conversations] as PancakeConversation[];
    expect(conversations.some((c) => c.tags?.includes(null))).toBe(true);
    const tag = conversations.flatMap((c) => c.tags ?? []).find((t) => t !== null);
    expect(tag).toMatchObject({ id: expect.any(Number), text: expect.any(String), color: expect.stringMatching(/^#/) });
    const stamps = conversations.flatMap((c) => [c.inserted_at, c.updated_at]);
    expect(stamps.some((s) => /T\d\d:\d\d:\d\d$/.test(s))).toBe(true);
    expect(stamps.some((s) => /\.\d{3}$/.test(s))).toBe(true);
    expect(stamps.some((s) => /\.\d{6}$/.test(s))).toBe(true);
    for (const s of stamps) expect(s).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6})?$/);
    for (const c of conversations) {
      expect(c).toMatchObject({ customers: [expect.objectContaining({ fb_id: c.page_customer?.psid, id: c.page_customer?.id })] });
      // Inbox threads carry ads[] and ad_ids[] (maybe empty); comment threads and reviews have neither.
      expect([Array.isArray(c.ads), Array.isArray(c.ad_ids)]).toEqual(c.type === 'INBOX' ? [true, true] : [false, false]);
    }
  });

  it('enforces tokens: 401 missing/invalid, 403 another page, 404 unknown page/route/conversation', async () => {
    expect((await call(sim, '/api/v1/pages')).status).toBe(401);
    const bad = await call(sim, '/api/v1/pages', { access_token: 'nope' });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ success: false, message: 'Invalid access_token' });
    const params = { since: NOW_S - DAY, until: NOW_S, page_number: 1 };
    const missing = await call(sim, v1(pageId), params);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ success: false, message: 'Invalid page_access_token' });
    expect((await call(sim, v1(pageId), { ...params, page_access_token: sim.userToken })).status).toBe(401);
    expect((await call(sim, v1(pageId), { ...params, page_access_token: sim.pageToken(otherPageId) })).status).toBe(403);
    expect((await call(sim, v1('1111111111111111'), { ...params, page_access_token: token })).status).toBe(404);
    expect((await call(sim, `/api/v1/pages/1111111111111111/generate_page_access_token`, { access_token: sim.userToken }, 'POST')).status).toBe(404);
    expect((await call(sim, '/api/public_api/v1/nothing', { page_access_token: token })).status).toBe(404);
    const unknown = await call(sim, messagesPath(pageId, `${pageId}_123`), { page_access_token: token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.success).toBe(false);
  });

  it('enforces the one-month rule and required parameters', async () => {
    const base = { page_access_token: token, page_number: 1 };
    const ok = await call(sim, v1(pageId), { ...base, since: NOW_S - 30 * DAY, until: NOW_S });
    expect(ok.status).toBe(200);
    const tooLong = await call(sim, v1(pageId), { ...base, since: NOW_S - 30 * DAY - 1, until: NOW_S });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toEqual({ success: false, message: 'Time range must be less than or equal to one month' });
    expect((await call(sim, v2(pageId), { page_access_token: token, since: NOW_S - 31 * DAY, until: NOW_S })).status).toBe(400);
    expect((await call(sim, v2(pageId), { page_access_token: token, since: NOW_S - 30 * DAY, until: NOW_S })).status).toBe(200);

    const noSince = await call(sim, v1(pageId), { ...base, until: NOW_S });
    expect(noSince.status).toBe(400);
    expect(noSince.body.message).toContain('since');
    const badUntil = await call(sim, v1(pageId), { ...base, since: NOW_S - DAY, until: 'yesterday' });
    expect(badUntil.body.message).toContain('until');
    const page0 = await call(sim, v1(pageId), { page_access_token: token, since: NOW_S - DAY, until: NOW_S, page_number: 0 });
    expect(page0.status).toBe(400);
    expect(page0.body.message).toContain('page_number');
    const order = await call(sim, v1(pageId), { ...base, since: NOW_S - DAY, until: NOW_S, order_by: 'id' });
    expect(order.body.message).toContain('order_by');
    expect((await call(sim, v1(pageId), { ...base, since: NOW_S - DAY, until: NOW_S, 'type[]': 'INBOX' })).status).toBe(500);
  });

  it.each(['inserted_at', 'updated_at'] as const)('v1 pages by %s: 60 per page, newest first, empty past the end', async (field) => {
    const ids: string[] = [];
    // Month windows from now back past the oldest record; each is walked page by page.
    for (let until = NOW_S + DAY; until > NOW_S - 200 * DAY; until -= 30 * DAY) {
      ids.push(...(await walkV1(sim, pageId, until - 30 * DAY + 1, until, field)));
    }
    expect(ids).toEqual(apiOrder(sim.data, pageId, field));
    const full = await call(sim, v1(pageId), { page_access_token: token, since: NOW_S - 30 * DAY, until: NOW_S, page_number: 1, order_by: field });
    const inWindow = sim.data.conversations.get(pageId)?.filter((c) => Math.floor(parseApiTime(c[field]) / 1000) >= NOW_S - 30 * DAY) ?? [];
    expect(full.body.conversations).toHaveLength(Math.min(60, inWindow.length));
  });

  it('v2 walks every conversation with the cursor, by updated_at or inserted_at', async () => {
    expect(await walkV2(sim, pageId)).toEqual(apiOrder(sim.data, pageId, 'updated_at'));
    expect(await walkV2(sim, pageId, { order_by: 'inserted_at' })).toEqual(apiOrder(sim.data, pageId, 'inserted_at'));
    const unknown = await call(sim, v2(pageId), { page_access_token: token, last_conversation_id: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('last_conversation_id');
  });

  it('pages messages by current_count: 30 per batch, oldest → newest, the walk gives them all, ad clicks included', async () => {
    const conversation = [...(sim.data.conversations.get(pageId) ?? [])].find((c) => (sim.data.messages.get(c.id)?.length ?? 0) > 60 && (c.ads ?? []).length > 0);
    if (!conversation) throw new Error('default data must have a conversation from an ad with > 60 items');
    const all = sim.data.messages.get(conversation.id) ?? [];
    const batches: PancakeMessage[][] = [];
    let have = 0;
    for (;;) {
      const params: Record<string, string | number> = { page_access_token: token, customer_id: conversation.customer_id ?? '' };
      if (batches.length > 0) params.current_count = have;
      const r = await call(sim, messagesPath(pageId, conversation.id), params);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ success: true, conversation_id: conversation.id, activities: [expect.objectContaining({ type: 'OPEN_THREAD', source: 'ADS' })] });
      const batch = r.body.messages as PancakeMessage[];
      const times = batch.map((m) => parseApiTime(m.inserted_at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      batches.push(batch);
      have += batch.length;
      if (batch.length < 30) break;
      expect(batch).toHaveLength(30);
    }
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect(batches.reverse().flat().map((m) => m.id)).toEqual(all.map((m) => m.id));
    expect(all.length).toBe((conversation.message_count ?? 0) + (conversation.ads ?? []).length);
    const beyond = await call(sim, messagesPath(pageId, conversation.id), { page_access_token: token, current_count: all.length + 5 });
    expect(beyond.body.messages).toEqual([]);
  });

  it('logs every request with tokens redacted', async () => {
    sim.clearRequests();
    await call(sim, '/api/v1/pages', { access_token: sim.userToken });
    await call(sim, v1(pageId), { page_access_token: token, since: NOW_S - DAY, until: NOW_S, page_number: 1 });
    await call(sim, v1(pageId), { page_access_token: 'wrong', since: NOW_S - DAY, until: NOW_S, page_number: 1 });
    const id = sim.data.conversations.get(pageId)?.[0]?.id ?? '';
    await call(sim, messagesPath(pageId, id), { page_access_token: token, current_count: 0 });
    const log = sim.requests;
    expect(log.map((e) => [e.seq - (log[0]?.seq ?? 0), e.endpoint, e.status, e.tokenId])).toEqual([
      [0, 'list_pages', 200, 'user'],
      [1, 'list_conversations', 200, pageId],
      [2, 'list_conversations', 401, null],
      [3, 'list_messages', 200, pageId],
    ]);
    expect(log[0]).toMatchObject({ method: 'GET', path: '/api/v1/pages', query: { access_token: '***' }, resultCount: 3, fault: null });
    expect(log[1]?.query).toEqual({ page_access_token: '***', since: String(NOW_S - DAY), until: String(NOW_S), page_number: '1' });
    expect(log[2]?.resultCount).toBeNull();
    expect(log[3]).toMatchObject({ pageId, conversationId: id, resultCount: Math.min(30, sim.data.messages.get(id)?.length ?? 0) });
    for (const e of log) expect(e.finishedAt).toBeGreaterThanOrEqual(e.startedAt);
    const text = JSON.stringify(log);
    expect(text).not.toContain(sim.userToken);
    expect(text).not.toContain(token);
    expect(text).not.toContain('wrong');
  });
});

describe('simulator under a live shop', () => {
  it('addMessages / touchConversation / addConversation show up in the API', async () => {
    const sim = await startSimulator({ now: NOW, pages: 1, conversationsPerPage: 30 });
    try {
      const pageId = sim.data.pages[0]?.id ?? '';
      const token = sim.pageToken(pageId);
      const target = sim.data.conversations.get(pageId)?.[5] as PancakeConversation;
      const before = target.message_count ?? 0;
      const at = new Date(NOW.getTime() + 3_600_000);
      const added = sim.addMessages(target.id, 2, at);
      const first = await call(sim, v2(pageId), { page_access_token: token });
      const top = first.body.conversations[0] as PancakeConversation;
      expect(top.id).toBe(target.id);
      expect(parseApiTime(top.updated_at)).toBe(at.getTime());
      expect(top.message_count).toBe(before + 2);
      expect(top.snippet).toBe(snippetOf(added.at(-1)!, pageId));
      expect(top.last_sent_by?.id).toBe(added.at(-1)?.from?.id);
      const newest = await call(sim, messagesPath(pageId, target.id), { page_access_token: token });
      expect((newest.body.messages as PancakeMessage[]).slice(-added.length).map((m) => m.id)).toEqual(added.map((m) => m.id));

      const touched = sim.data.conversations.get(pageId)?.[7] as PancakeConversation;
      sim.touchConversation(touched.id, new Date(at.getTime() + 1000));
      const created = sim.addConversation(pageId, new Date(at.getTime() + 2000));
      const after = await call(sim, v2(pageId), { page_access_token: token });
      expect(after.body.conversations.slice(0, 3).map((c: PancakeConversation) => c.id)).toEqual([created.id, touched.id, target.id]);
      expect(after.body.conversations).toHaveLength(31);
    } finally {
      await sim.close();
    }
  });

  // Walk a past month of a busy page; after the first page, a seen row and an unseen row are updated
  // (both leave the window, as a row does when the shop keeps chatting).
  async function walkWhileChatting(walk: (sim: Simulator, pageId: string, between: (page: number) => void) => Promise<string[]>) {
    const sim = await startSimulator({ now: NOW, pages: 1, conversationsPerPage: 300, historyDays: 30, messagesPerConversation: { min: 1, max: 3 } });
    const pageId = sim.data.pages[0]?.id ?? '';
    const before = apiOrder(sim.data, pageId, 'updated_at').filter((id) => {
      const s = Math.floor(parseApiTime(sim.data.conversationById.get(id)?.updated_at ?? '') / 1000);
      return s >= NOW_S - 30 * DAY + 1 && s <= NOW_S - DAY;
    });
    expect(before.length).toBeGreaterThan(200);
    const seen = before[10] as string;
    const unseen = before[150] as string;
    const ids = await walk(sim, pageId, (page) => {
      if (page !== 1) return;
      sim.touchConversation(seen, new Date(NOW.getTime() + 60_000));
      sim.addMessages(unseen, 1, new Date(NOW.getTime() + 120_000));
    });
    await sim.close();
    return { before, ids, seen, unseen };
  }

  it('v2 cursor: rows updated mid-walk make no other row disappear', async () => {
    const { before, ids, unseen } = await walkWhileChatting((sim, pageId, between) =>
      walkV2(sim, pageId, { since: NOW_S - 30 * DAY + 1, until: NOW_S - DAY }, between),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(before.filter((id) => id !== unseen));
  });

  it('v1 page numbers over updated_at skip a row when one leaves the window (the documented hazard)', async () => {
    const { before, ids, seen, unseen } = await walkWhileChatting((sim, pageId, between) =>
      walkV1(sim, pageId, NOW_S - 30 * DAY + 1, NOW_S - DAY, 'updated_at', between),
    );
    const missing = before.filter((id) => !ids.includes(id) && id !== unseen);
    expect(missing).toEqual([before[60]]);
    expect(ids).toContain(seen);
  });
});
