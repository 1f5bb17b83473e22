import { describe, expect, it } from 'vitest';
import { createEndpointContext } from '../../src/pancake/endpoint-context.js';
import { statisticsEndpoints } from '../../src/pancake/endpoints/statistics.js';
import { PancakeArgumentError } from '../../src/pancake/errors.js';
import type { ApiRequest, HttpClient } from '../../src/pancake/http.js';

const PAGE = '1234567890123456';

/** The statistics endpoints over a fake HTTP client that records each request and answers `reply`. */
function client(reply: unknown, options: { timezone?: string; accessToken?: string } = {}) {
  const requests: ApiRequest[] = [];
  const http: HttpClient = {
    stats: { requests: 0, retries: 0, rateLimited: 0 },
    pacing: { byPage: () => new Map(), user: () => null, startRun: () => undefined },
    request: async <T>(request: ApiRequest) => {
      requests.push(request);
      return reply as T;
    },
  };
  const ctx = createEndpointContext(http, { accessToken: options.accessToken, pageTokens: new Map([[PAGE, 'page-token-abcdefgh']]), timezone: options.timezone ?? 'Asia/Ho_Chi_Minh' });
  return { api: statisticsEndpoints(ctx), requests };
}

const columnar = { success: true, data: { categories: [], series: [] } };
const users = { success: true, data: { statistics: {}, users: {} } };
// 2026-03-01 00:00:00 and 2026-03-30 23:59:59 in Ho Chi Minh (UTC+7).
const since = new Date('2026-02-28T17:00:00Z');
const until = new Date('2026-03-30T16:59:59Z');

describe('date_range strings, per endpoint', () => {
  it('engagement: DD/MM/YYYY HH:mm:ss - DD/MM/YYYY HH:mm:ss in the client zone, by_hour and user_ids as sent', async () => {
    const { api, requests } = client(columnar);
    await api.getEngagementStatistics(PAGE, { dateRange: { since, until } });
    await api.getEngagementStatistics(PAGE, { dateRange: { since, until }, byHour: true, userIds: ['u1', 'u2'] });
    expect(requests[0]).toMatchObject({ method: 'GET', base: 'page', path: `/pages/${PAGE}/statistics/customer_engagements`, query: { date_range: '01/03/2026 00:00:00 - 30/03/2026 23:59:59' } });
    expect(requests[0]!.query?.by_hour).toBeUndefined();
    expect(requests[1]!.query).toMatchObject({ date_range: '01/03/2026 00:00:00 - 30/03/2026 23:59:59', by_hour: 'true', user_ids: 'u1,u2' });
  });

  it('users: the per-call zone wins over the client zone (pages differ), unix seconds accepted', async () => {
    const { api, requests } = client(users);
    await api.getUserStatistics(PAGE, { dateRange: { since: since.getTime() / 1000, until: until.getTime() / 1000 }, timezone: 'Europe/Berlin' });
    expect(requests[0]).toMatchObject({ path: `/pages/${PAGE}/statistics/users`, query: { date_range: '28/02/2026 18:00:00 - 30/03/2026 18:59:59' } });
  });

  it('users of many pages: the user API, the user token, page_ids comma-separated', async () => {
    const { api, requests } = client({ success: true, data: { [PAGE]: users.data } }, { accessToken: 'user-token-abcdefgh' });
    await api.getUserStatisticsMultiplePages({ pageIds: [PAGE, '6543210987654321'], dateRange: { since, until }, timezone: 'UTC+7' });
    expect(requests[0]).toMatchObject({
      base: 'user',
      path: '/statistics/users',
      auth: { param: 'access_token', token: 'user-token-abcdefgh' },
      query: { page_ids: `${PAGE},6543210987654321`, date_range: '01/03/2026 00:00:00 - 30/03/2026 23:59:59' },
    });
  });

  it('new customers: day-only DD/MM/YYYY - DD/MM/YYYY on page_customers, with group_by', async () => {
    const { api, requests } = client({ success: true, data: [] });
    await api.getNewCustomerStatistics(PAGE, { dateRange: { since, until }, groupBy: 'hour' });
    expect(requests[0]).toMatchObject({ path: `/pages/${PAGE}/page_customers`, query: { date_range: '01/03/2026 - 30/03/2026', group_by: 'hour' } });
  });

  it('ads, pages and tags take since/until as unix seconds, not date_range', async () => {
    const { api, requests } = client([]);
    await api.getAdsStatistics(PAGE, { since, until, type: 'by_time' });
    expect(requests[0]).toMatchObject({ path: `/pages/${PAGE}/statistics/ads`, query: { since: 1772298000, until: 1774889999, type: 'by_time' } });
    const pages = client({ success: true, data: [] });
    await pages.api.getPageStatistics(PAGE, { since, until });
    expect(pages.requests[0]).toMatchObject({ path: `/pages/${PAGE}/statistics/pages`, query: { since: 1772298000, until: 1774889999 } });
    const tags = client({ success: true, data: { categories: [], series: {} }, tags: [] });
    await tags.api.getTagStatistics(PAGE, { since, until });
    expect(tags.requests[0]).toMatchObject({ path: `/pages/${PAGE}/statistics/tags`, query: { since: 1772298000, until: 1774889999 } });
  });

  it('formats the wall clock of a DST zone on both sides of a change', async () => {
    const { api, requests } = client(columnar, { timezone: 'Europe/Berlin' });
    // 2026-03-29 00:00 CET (UTC+1) to 2026-03-29 23:59:59 CEST (UTC+2): a 23-hour day.
    await api.getEngagementStatistics(PAGE, { dateRange: { since: new Date('2026-03-28T23:00:00Z'), until: new Date('2026-03-29T21:59:59Z') } });
    expect(requests[0]!.query?.date_range).toBe('29/03/2026 00:00:00 - 29/03/2026 23:59:59');
  });
});

describe('validation before sending', () => {
  const refuses = async (call: Promise<unknown>, parameter: string) => {
    const error = await call.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PancakeArgumentError);
    expect((error as Error).message.startsWith(`${parameter}:`)).toBe(true);
  };

  it('refuses ranges over one month, reversed ranges and missing ranges, naming the parameter', async () => {
    const { api, requests } = client(columnar);
    await refuses(api.getEngagementStatistics(PAGE, { dateRange: { since, until: new Date(since.getTime() + 30 * 86_400_000 + 1000) } }), 'dateRange.until');
    await refuses(api.getEngagementStatistics(PAGE, { dateRange: { since: until, until: since } }), 'dateRange.until');
    await refuses(api.getUserStatistics(PAGE, {} as never), 'dateRange');
    await refuses(api.getPageStatistics(PAGE, { since } as never), 'until');
    await refuses(api.getTagStatistics(PAGE, { since, until: new Date(since.getTime() + 31 * 86_400_000) }), 'until');
    expect(requests).toHaveLength(0);
  });

  it('a day-only range counts whole days: 30 days pass, 31 do not', async () => {
    const { api, requests } = client({ success: true, data: [] });
    await api.getNewCustomerStatistics(PAGE, { dateRange: { since: new Date('2026-03-01T05:00:00Z'), until: new Date('2026-03-30T05:00:00Z') } });
    await refuses(api.getNewCustomerStatistics(PAGE, { dateRange: { since: new Date('2026-03-01T05:00:00Z'), until: new Date('2026-03-31T01:00:00Z') } }), 'dateRange.until');
    expect(requests).toHaveLength(1);
  });

  it('refuses bad enum values, zones, id lists and a missing user token', async () => {
    const { api } = client([]);
    await refuses(api.getAdsStatistics(PAGE, { since, until, type: 'by_day' as never }), 'type');
    await refuses(api.getAdsStatistics(PAGE, { since, until } as never), 'type');
    await refuses(api.getNewCustomerStatistics(PAGE, { dateRange: { since, until }, groupBy: 'week' as never }), 'groupBy');
    await refuses(api.getUserStatistics(PAGE, { dateRange: { since, until }, timezone: 'Mars/Olympus' }), 'timezone');
    await refuses(api.getEngagementStatistics(PAGE, { dateRange: { since, until }, userIds: [] }), 'userIds');
    await refuses(api.getUserStatisticsMultiplePages({ pageIds: [], dateRange: { since, until } }), 'pageIds');
    await refuses(api.getUserStatisticsMultiplePages({ pageIds: [PAGE], dateRange: { since, until } }), 'accessToken');
    await refuses(api.getPageStatistics('12/34', { since, until }), 'pageId');
    expect(api.hasUserToken()).toBe(false);
  });

  it('refuses an answer without the documented shape', async () => {
    const { api } = client({ success: true, data: { categories: ['1/3'] } });
    await expect(api.getEngagementStatistics(PAGE, { dateRange: { since, until } })).rejects.toMatchObject({ kind: 'invalid_response' });
  });
});
