import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiTime, simulatedStatistics as stats, startSimulator, type Simulator } from '../../src/simulator/index.js';

// The simulator's statistics endpoints over HTTP: the API's rules (400 naming the parameter) and
// the real shapes (bare arrays, columnar, keyed by user id).

let sim: Simulator;
let page: string;
const NOW = new Date('2026-11-20T05:00:00Z');

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, pages: 2, conversationsPerPage: 60, now: NOW });
  page = sim.data.pages[0]!.id;
});
afterAll(async () => sim?.close());

async function get(path: string, query: Record<string, string>, token = sim.pageToken(page)): Promise<{ status: number; body: any }> {
  const url = new URL(`${sim.baseUrl}${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  url.searchParams.set(path.startsWith('/api/v1/') ? 'access_token' : 'page_access_token', token);
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}
const statsPath = (name: string) => `/api/public_api/v1/pages/${page}/statistics/${name}`;
// 11/11/2026 00:00:00 to 12/11/2026 23:59:59 at UTC+7.
const since = String(Date.parse('2026-11-10T17:00:00Z') / 1000);
const until = String(Date.parse('2026-11-12T16:59:59Z') / 1000);

describe('statistics rules', () => {
  it('answers 400 naming a missing required parameter', async () => {
    expect(await get(statsPath('ads'), { since, until })).toMatchObject({ status: 400, body: { success: false, message: expect.stringContaining('type') } });
    expect(await get(statsPath('pages'), { since })).toMatchObject({ status: 400, body: { message: expect.stringContaining('until') } });
    expect(await get(statsPath('customer_engagements'), {})).toMatchObject({ status: 400, body: { message: expect.stringContaining('date_range') } });
    expect(await get('/api/v1/statistics/users', { date_range: '11/11/2026 00:00:00 - 12/11/2026 23:59:59' }, sim.userToken)).toMatchObject({ status: 400, body: { message: expect.stringContaining('page_ids') } });
    expect(await get(statsPath('ads'), { since, until, type: 'by_day' })).toMatchObject({ status: 400, body: { message: expect.stringContaining('type must be one of') } });
  });

  it('refuses ranges over one month and date_range strings in any other format', async () => {
    const tooLong = String(Number(since) + 30 * 86_400 + 1);
    expect((await get(statsPath('tags'), { since, until: tooLong })).status).toBe(400);
    expect((await get(statsPath('users'), { date_range: '01/10/2026 00:00:00 - 31/10/2026 00:00:01' })).body.message).toMatch(/one month/);
    for (const bad of ['2026-11-11 - 2026-11-12', '11/11/2026 - 12/11/2026', '1/11/2026 00:00:00 - 12/11/2026 23:59:59', '31/02/2026 00:00:00 - 01/03/2026 00:00:00', '12/11/2026 00:00:00 - 11/11/2026 00:00:00']) {
      expect((await get(statsPath('customer_engagements'), { date_range: bad })).status, bad).toBe(400);
    }
    // New customers take the day-only format and nothing else.
    expect((await get(`/api/public_api/v1/pages/${page}/page_customers`, { date_range: '11/11/2026 00:00:00 - 12/11/2026 23:59:59' })).status).toBe(400);
    expect((await get(`/api/public_api/v1/pages/${page}/page_customers`, { date_range: '01/10/2026 - 31/10/2026' })).status).toBe(400);
    expect((await get(`/api/public_api/v1/pages/${page}/page_customers`, { date_range: '01/10/2026 - 30/10/2026' })).status).toBe(200);
  });

  it('serves the real shapes: bare array with string numbers, columnar with day labels, keyed by user', async () => {
    const ads = await get(statsPath('ads'), { since, until, type: 'by_id' });
    expect(Array.isArray(ads.body)).toBe(true);
    for (const ad of ads.body) expect(ad).toMatchObject({ ad_id: expect.any(String), impressions: expect.stringMatching(/^\d+$/), spend: expect.stringMatching(/^\d+$/) });
    const engagement = await get(statsPath('customer_engagements'), { date_range: '11/11/2026 00:00:00 - 12/11/2026 23:59:59' });
    expect(engagement.body.data.categories).toEqual(['11/11', '12/11']);
    expect(engagement.body.data.series.map((s: { name: string }) => s.name)).toEqual([...stats.ENGAGEMENT_SERIES]);
    expect(engagement.body.statistics).toHaveLength(24);
    const hourly = await get(statsPath('customer_engagements'), { date_range: '11/11/2026 00:00:00 - 12/11/2026 23:59:59', by_hour: 'true' });
    expect(hourly.body.data.categories).toHaveLength(48);
    const users = await get(statsPath('users'), { date_range: '11/11/2026 00:00:00 - 12/11/2026 23:59:59' });
    const employees = sim.data.employees.get(page)!;
    expect(Object.keys(users.body.data.statistics).sort()).toEqual(employees.map((e) => e.id).sort());
    expect(users.body.data.users[employees[0]!.id]).toMatchObject({ user_name: employees[0]!.name });
    const customers = await get(`/api/public_api/v1/pages/${page}/page_customers`, { date_range: '11/11/2026 - 12/11/2026', group_by: 'day' });
    expect(customers.body.data.map((r: { key: string }) => r.key)).toEqual(['2026-11-11', '2026-11-12']);
    // Without date_range the same path is still the customer list.
    const list = sim.requests.filter((r) => r.path.endsWith('/page_customers')).map((r) => r.endpoint);
    expect(new Set(list)).toEqual(new Set(['get_new_customer_statistics']));
  });

  it('engagement agrees with the messages: inbox counts the customer messages of inbox threads', () => {
    const range = { startMs: Date.parse('2026-10-19T17:00:00Z'), endMs: Date.parse('2026-11-18T16:59:59Z') };
    let inbox = 0;
    for (const c of sim.data.conversations.get(page)!) {
      if (c.type === 'COMMENT') continue;
      for (const m of sim.data.messages.get(c.id)!) {
        const at = parseApiTime(m.inserted_at);
        if (m.from?.id !== page && at >= range.startMs && at < range.endMs + 1000) inbox++;
      }
    }
    const body = stats.engagementStatistics(sim.data, page, range, false);
    expect(inbox).toBeGreaterThan(20);
    expect(body.data.categories).toHaveLength(30);
    expect(body.data.series[0]!.data.reduce((a, b) => a + b, 0)).toBe(inbox);
  });

  it('bumpStatistics changes one day, and bumps the data revision', async () => {
    const range = { startMs: Date.parse('2026-11-10T17:00:00Z'), endMs: Date.parse('2026-11-11T16:59:59Z') };
    const before = stats.engagementStatistics(sim.data, page, range, false).data.series[0]!.data[0]!;
    const revision = sim.data.revision;
    sim.bumpStatistics(page, '2026-11-11');
    expect(sim.data.revision).toBe(revision + 1);
    expect(stats.engagementStatistics(sim.data, page, range, false).data.series[0]!.data[0]).toBe(before + 1);
    expect(() => sim.bumpStatistics(page, '11/11/2026')).toThrow(/YYYY-MM-DD/);
  });
});
