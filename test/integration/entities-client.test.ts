import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPancakeClient, type PancakeClient } from '../../src/pancake/client.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';

// The client's entity endpoints and iterators against the simulator over HTTP, and the simulator's
// rules for them (page sizes, the one-month limit, shapes): both sides of docs/pancake-api.md.

const DAY = 86_400_000;

describe('entity endpoints over HTTP', () => {
  let sim: Simulator;
  let client: PancakeClient;
  let pageId: string;
  let now: Date;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, pages: 2, conversationsPerPage: 60, messagesPerConversation: { min: 1, max: 2 }, historyDays: 70 });
    client = createPancakeClient({ baseUrl: sim.baseUrl, accessToken: sim.userToken, rateLimit: 1000, retries: 0 });
    pageId = sim.data.pages[0]!.id;
    now = new Date(sim.data.now.getTime() + 1000);
    await client.generatePageAccessToken(pageId);
  });
  afterAll(async () => sim?.close());

  const collect = async <T>(iterable: AsyncIterable<T[]>): Promise<T[]> => {
    const out: T[] = [];
    for await (const batch of iterable) out.push(...batch);
    return out;
  };
  const requestsOf = (endpoint: string) => sim.requests.filter((r) => r.endpoint === endpoint);

  it('iteratePageCustomers splits 100 days into windows under a month, oldest first, each read by the split walk (never a skipping page walk)', async () => {
    sim.clearRequests();
    const customers = await collect(client.iteratePageCustomers(pageId, { since: new Date(now.getTime() - 100 * DAY), until: now, pageSize: 20, orderBy: 'updated_at' }));
    expect(customers.map((c) => c.id).sort()).toEqual(sim.data.entities.customers.get(pageId)!.map((c) => c.id).sort());
    const requests = requestsOf('list_page_customers');
    const starts = requests.map((r) => Number(r.query.since));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    for (const r of requests) {
      expect(Number(r.query.until) - Number(r.query.since)).toBeLessThan(30 * 86_400);
      expect(r.query).toMatchObject({ page_size: '20', order_by: 'updated_at' });
    }
    // Full ranges are split, not paged: every range is read in one request, and the ranges read
    // tile the 100 days without sharing a second.
    expect(requests.every((r) => r.query.page_number === '1')).toBe(true);
    // A split range is followed by its older half (same since, earlier until); the rest are leaves.
    const complete = requests.filter((r, i) => !(requests[i + 1]?.query.since === r.query.since && Number(requests[i + 1]!.query.until) < Number(r.query.until)));
    expect(complete.length).toBeLessThan(requests.length);
    for (let i = 1; i < complete.length; i++) expect(Number(complete[i]!.query.since)).toBe(Number(complete[i - 1]!.query.until) + 1);
  });

  it('listPageCustomers reports the range total; past the last page comes an empty list', async () => {
    const range = { since: new Date(now.getTime() - 29 * DAY), until: now, orderBy: 'updated_at' as const };
    const first = await client.listPageCustomers(pageId, { ...range, pageNumber: 1, pageSize: 100 });
    expect(first.success).toBe(true);
    expect(first.total).toBe(first.customers.length);
    const past = await client.listPageCustomers(pageId, { ...range, pageNumber: 50 });
    expect(past.customers).toEqual([]);
    expect(past.total).toBe(first.total);
    // Newest first by the chosen field.
    const times = first.customers.map((c) => Date.parse(`${c.updated_at}Z`));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('iterateCallLogs, iteratePosts and iterateConversations return the whole data set, 30 call logs and posts a page', async () => {
    sim.clearRequests();
    const since = new Date(now.getTime() - 130 * DAY);
    const calls = await collect(client.iterateCallLogs(pageId, { id: sim.callCenterId(pageId), since, until: now }));
    expect(calls.map((c) => c.call_id).sort()).toEqual(sim.data.entities.callLogs.get(pageId)!.map((c) => c.call_id).sort());
    const unbounded = await collect(client.iterateCallLogs(pageId, { id: sim.callCenterId(pageId) }));
    expect(unbounded).toHaveLength(calls.length);
    const posts = await collect(client.iteratePosts(pageId, { since, until: now }));
    expect(posts.map((p) => p.id).sort()).toEqual(sim.data.entities.posts.get(pageId)!.map((p) => p.id).sort());
    const conversations = await collect(client.iterateConversations(pageId, { since, until: now }));
    expect(conversations.map((c) => c.id).sort()).toEqual(sim.data.conversations.get(pageId)!.map((c) => c.id).sort());
    for (const r of [...requestsOf('list_call_logs'), ...requestsOf('list_posts')]) expect(r.query.page_size).toBe('30');
    expect(requestsOf('list_call_logs').some((r) => r.resultCount === 30)).toBe(true);
  });

  it('listTags and listUsers return the page lists in the API’s shapes', async () => {
    expect(await client.listTags(pageId)).toEqual(sim.data.tags.get(pageId));
    const users = await client.listUsers(pageId);
    expect(users.success).toBe(true);
    expect(users.users.map((u) => u.id)).toEqual(sim.data.employees.get(pageId)!.map((e) => e.id));
    expect(users.disabled_users).toHaveLength(1);
    expect(users.round_robin_users?.inbox?.length).toBeGreaterThan(0);
    expect(users.users[0]).toMatchObject({ status_in_page: 'active', page_permissions: { permissions: expect.any(Array) } });
  });

  describe('the simulator enforces the API’s rules', () => {
    const get = async (path: string, query: Record<string, string | number>) => {
      const url = new URL(`${sim.baseUrl}/api/public_api/v1/pages/${pageId}/${path}`);
      for (const [k, v] of Object.entries({ ...query, page_access_token: sim.pageToken(pageId) })) url.searchParams.set(k, String(v));
      const response = await fetch(url);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const since = () => Math.floor(now.getTime() / 1000) - 86_400;
    const until = () => Math.floor(now.getTime() / 1000);

    it.each([
      ['customers page_size 101', 'page_customers', { page_number: 1, page_size: 101 }, 400, /page_size/],
      ['customers without page_number', 'page_customers', { page_size: 10 }, 400, /page_number is required/],
      ['customers order_by name', 'page_customers', { page_number: 1, order_by: 'name' }, 400, /order_by/],
      ['call logs page_size 31', 'sip_call_logs', { page_number: 1, page_size: 31, id: 'ID' }, 400, /page_size must be 30/],
      ['call logs without page_size', 'sip_call_logs', { page_number: 1, id: 'ID' }, 400, /page_size is required/],
      ['call logs without id', 'sip_call_logs', { page_number: 1, page_size: 30 }, 400, /id .*required/],
      ['call logs of another package', 'sip_call_logs', { page_number: 1, page_size: 30, id: 'not-ours' }, 404, /SIP package/],
      ['posts page_size 100', 'posts', { page_number: 1, page_size: 100 }, 400, /page_size must be 30/],
      ['posts over a month', 'posts', { page_number: 1, page_size: 30, since: 0 }, 400, /one month/],
    ] as Array<[string, string, Record<string, string | number>, number, RegExp]>)('%s → %i naming the problem', async (_name, path, query, status, message) => {
      const ranged: Record<string, number> = path === 'sip_call_logs' ? {} : { since: since(), until: until() };
      const params: Record<string, string | number> = { ...ranged, ...query };
      if (query.id === 'ID') params.id = sim.callCenterId(pageId);
      const answer = await get(path, params);
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({ success: false, message: expect.stringMatching(message) });
    });

    it('answers the tags list without a success field', async () => {
      const answer = await get('tags', {});
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.body)).toEqual(['tags']);
    });
  });
});
