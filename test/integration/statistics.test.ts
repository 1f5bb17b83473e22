import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { MAX_RANGE_SECONDS } from '../../src/pancake/defaults.js';
import { simulatedStatistics } from '../../src/simulator/index.js';
import type { PancakeClient } from '../../src/pancake/client.js';
import { PancakeError } from '../../src/pancake/errors.js';
import { buildSettings, type SyncOptions } from '../../src/sync/runner.js';
import type { StreamContext } from '../../src/sync/stream.js';
import { dayWindow } from '../../src/sync/engines/days.js';
import { statisticsStreams } from '../../src/sync/streams/statistics/index.js';
import { fetchUserStatistics, peerPages } from '../../src/sync/streams/statistics/users-batch.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';
import { STATS_STREAMS, expectedStatistics, storedStatistics, type Expected } from '../support/statistics-expected.js';

const DAY = 86_400_000;
// A fixed "now" whose last 31 days (two windows: 30 days and one) include the night Berlin's clocks
// go back (2026-10-25, 25 hours). Each day is several requests of every page: more days than two
// windows need would prove nothing more.
const NOW = new Date('2026-11-20T05:00:00Z');
const SINCE = new Date(NOW.getTime() - 31 * DAY);
const TABLES = Object.keys(expectedStatisticsShape()) as Array<keyof Expected>;

function expectedStatisticsShape(): Record<keyof Expected, true> {
  return {
    stats_engagement: true, stats_pages: true, stats_tags: true, stats_users: true, stats_new_customers: true, stats_ads: true,
    stats_users_engagements: true, stats_campaigns: true, stats_customer_feedbacks: true,
  };
}

async function expectWarehouseEquals(h: SyncHarness, expected: Expected): Promise<void> {
  for (const table of TABLES) {
    const want = expected[table];
    const columns = Object.keys(want.values().next().value ?? {});
    const stored = await storedStatistics(h.db, table, columns);
    expect([...stored.keys()].sort(), `${table} keys`).toEqual([...want.keys()].sort());
    // Tens of thousands of rows: compare them all, report the first few that differ.
    const differing = [...want].filter(([key, values]) => !isDeepStrictEqual(stored.get(key), values)).slice(0, 5);
    expect(differing.map(([key]) => ({ key, stored: stored.get(key) })), table).toEqual(differing.map(([key, values]) => ({ key, stored: values })));
  }
}

function streamContext(h: SyncHarness, pageId: string, timezone: string, options: SyncOptions): StreamContext {
  const config = h.config();
  const settings = buildSettings(config, options, NOW);
  return { page: { id: pageId, name: null, timezone }, client: h.client(config), db: h.db, settings, log: silentLogger, counts: { records: 0, rowsWritten: 0, unitsDone: 0 } };
}

/** `day` is a date column; compare it with a YYYY-MM-DD string on the server, not a JS Date. */
const onDay = (day: string) => sql<boolean>`day = ${day}::date`;

const DATE_RANGE = /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} - \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/;
const DAY_RANGE = /^\d{2}\/\d{2}\/\d{4} - \d{2}\/\d{2}\/\d{4}$/;

function expectRequestsWithinLimits(h: SyncHarness): void {
  for (const r of h.sim.requests) {
    if (r.query.date_range !== undefined) expect(r.query.date_range).toMatch(r.endpoint === 'get_new_customer_statistics' ? DAY_RANGE : DATE_RANGE);
    if (r.query.since !== undefined) expect(Number(r.query.until) - Number(r.query.since)).toBeLessThanOrEqual(MAX_RANGE_SECONDS);
    expect(r.status, `${r.endpoint} ${JSON.stringify(r.query)}`).toBe(200);
  }
}

describe('statistics streams in a zone without DST (pages at UTC+7, Ho Chi Minh time)', () => {
  let h: SyncHarness;
  let pageIds: string[];
  const zone = 'UTC+7';
  const firstDay = DateTime.fromJSDate(SINCE, { zone }).toISODate()!;
  const lastDay = DateTime.fromJSDate(NOW, { zone }).minus({ days: 1 }).toISODate()!;

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 21, pages: 2, conversationsPerPage: 80, historyDays: 120, now: NOW }, 'stats_hcm');
    pageIds = h.sim.data.pages.map((p) => p.id);
  });
  afterAll(async () => h?.close());

  it('every statistics table and column carries a COMMENT (Metabase descriptions)', async () => {
    const { rows } = await sql<{ target: string }>`
      select c.relname || coalesce('.' || a.attname, '') as target
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where n.nspname = 'pancake' and c.relkind = 'r' and c.relname like 'stats\\_%'
        and (col_description(c.oid, a.attnum) is null and a.attnum is not null or obj_description(c.oid, 'pg_class') is null)
    `.execute(h.db);
    expect(rows.map((r) => r.target)).toEqual([]);
    const { rows: tables } = await sql<{ n: number }>`select count(*)::int as n from pg_tables where schemaname = 'pancake' and tablename like 'stats\\_%'`.execute(h.db);
    expect(tables[0]!.n).toBe(9);
  });

  it('a 31-day backfill equals the simulator statistics row by row, in windows of ≤ 30 whole days', async () => {
    const summary = await h.sync({ streams: STATS_STREAMS, since: SINCE, until: NOW });
    expect(summary.failures).toEqual([]);
    expect(lastDay).toBe('2026-11-19');
    await expectWarehouseEquals(h, expectedStatistics(h.sim.data, pageIds, firstDay, lastDay, zone));
    expectRequestsWithinLimits(h);
    // 31 days = 2 windows (30 days and 1); the users' hourly statistics go a week at a time
    // (users.ts: 5 windows), the multi-page endpoint serving both pages with one request each.
    // Per-employee engagement, ads and campaigns sum over their range: one request per day.
    const count = (endpoint: string) => h.sim.requests.filter((r) => r.endpoint === endpoint).length;
    expect(count('get_engagement_statistics')).toBe(2 * 2 * 2 + 31 * 2);
    expect(count('get_campaign_statistics')).toBe(31 * 2);
    expect(count('get_customer_feedback_statistics')).toBe(31 * 2);
    expect(count('get_user_statistics_multi')).toBe(5);
    expect(count('get_user_statistics')).toBe(0);
    expect(count('get_ads_statistics')).toBe(31 * 2);
    const state = await h.db.selectFrom('pancake.sync_state').select(['stream', 'cursor']).where('stream', '=', 'stats_tags').execute();
    expect(state.map((s) => s.cursor)).toEqual([{ zone, lastDay }, { zone, lastDay }]);
  });

  it("after the simulator changes yesterday's numbers, the next run replaces them and adds no row", async () => {
    const counts = async () => Promise.all(TABLES.map(async (t) => Number((await h.db.selectFrom(`pancake.${t}` as 'pancake.stats_tags').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)));
    const before = await counts();
    const yesterday = await h.db.selectFrom('pancake.stats_engagement').select(['inbox']).where('page_id', '=', pageIds[0]!).where('granularity', '=', 'day').where(onDay(lastDay)).executeTakeFirstOrThrow();
    h.sim.bumpStatistics(pageIds[0]!, lastDay);
    h.sim.clearRequests();

    const summary = await h.sync({ streams: STATS_STREAMS, until: NOW });
    expect(summary.failures).toEqual([]);
    expect(await counts()).toEqual(before);
    await expectWarehouseEquals(h, expectedStatistics(h.sim.data, pageIds, firstDay, lastDay, zone));
    const after = await h.db.selectFrom('pancake.stats_engagement').select(['inbox']).where('page_id', '=', pageIds[0]!).where('granularity', '=', 'day').where(onDay(lastDay)).executeTakeFirstOrThrow();
    expect(after.inbox).toBe((yesterday.inbox ?? 0) + 1);
    // Only the STATS_LOOKBACK_DAYS (3) last days were re-read.
    const firstReread = DateTime.fromISO(lastDay, { zone }).minus({ days: 2 });
    const ads = h.sim.requests.filter((r) => r.endpoint === 'get_ads_statistics' && r.pageId === pageIds[0]);
    expect(ads.map((r) => Number(r.query.since))).toEqual([0, 1, 2].map((d) => firstReread.plus({ days: d }).toSeconds()));
    expect(h.sim.requests.filter((r) => r.endpoint === 'get_engagement_statistics').map((r) => r.query.date_range)).toContain(`${firstReread.toFormat('dd/MM/yyyy')} 00:00:00 - 19/11/2026 23:59:59`);
  });

  it('a run with nothing new to read re-reads the lookback days and writes nothing; --dry-run plans just those', async () => {
    const summary = await h.sync({ streams: STATS_STREAMS, until: NOW });
    expect(summary.failures).toEqual([]);
    expect(summary.outcomes.reduce((sum, o) => sum + o.counts.rowsWritten, 0)).toBe(0);
    const ctx = streamContext(h, pageIds[0]!, zone, { until: NOW });
    const ads = statisticsStreams.find((s) => s.name === 'stats_ads')!;
    expect(await ads.plan(ctx)).toMatchObject({ units: 3, estimatedRequests: 3, detail: expect.stringMatching(/^2026-11-17 to 2026-11-19 \(UTC\+7\)/) });
    const engagement = statisticsStreams.find((s) => s.name === 'stats_engagement')!;
    expect(await engagement.plan(ctx)).toMatchObject({ units: 1, estimatedRequests: 2 });
  });

  it('rows the API no longer reports for the re-read days are removed; older days keep theirs', async () => {
    const tags = h.sim.data.tags.get(pageIds[0]!)!;
    const gone = String(tags.pop()!.id); // the shop deletes a tag
    h.sim.data.revision++;
    const before = await h.db.selectFrom('pancake.stats_tags').select((eb) => eb.fn.countAll().as('n')).where('page_id', '=', pageIds[0]!).where('tag_id', '=', gone).executeTakeFirstOrThrow();
    const summary = await h.sync({ streams: ['stats_tags'], until: NOW });
    expect(summary.failures).toEqual([]);
    const left = await h.db.selectFrom('pancake.stats_tags').select(sql<string>`to_char(max(day), 'YYYY-MM-DD')`.as('last')).select((eb) => eb.fn.countAll().as('n')).where('page_id', '=', pageIds[0]!).where('tag_id', '=', gone).executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(Number(before.n) - 3);
    expect(left.last).toBe('2026-11-16');
  });

  it('falls back to the single-page users endpoint when the (inferred) multi-page one is refused, and stops trying', async () => {
    const calls: string[] = [];
    const data = { statistics: {}, users: {} };
    const client = {
      hasUserToken: () => true,
      async getUserStatisticsMultiplePages(params: { pageIds: string[] }) {
        calls.push(`multi ${params.pageIds.length}`);
        throw new PancakeError('Pancake has no such resource (HTTP 404)', { kind: 'not_found', status: 404 });
      },
      async getUserStatistics(pageId: string) {
        calls.push(`single ${pageId}`);
        return { success: true, data };
      },
    } as unknown as PancakeClient;
    const settings = streamContext(h, pageIds[0]!, zone, { until: NOW }).settings;
    const window = dayWindow('2026-11-01', '2026-11-02', zone);
    for (const id of pageIds) await fetchUserStatistics({ ...streamContext(h, id, zone, { until: NOW }), client, settings }, window);
    await fetchUserStatistics({ ...streamContext(h, pageIds[0]!, zone, { until: NOW }), client, settings }, dayWindow('2026-11-03', '2026-11-03', zone));
    expect(calls).toEqual(['multi 2', `single ${pageIds[0]}`, `single ${pageIds[1]}`, `single ${pageIds[0]}`]);
    // Peers share the zone: every page when PANCAKE_TIMEZONE overrides the pages' own offsets.
    expect(await peerPages(streamContext(h, pageIds[1]!, zone, {}))).toEqual([...pageIds].sort());
    expect(await peerPages(streamContext(h, pageIds[1]!, 'Europe/Berlin', {}))).toEqual([...pageIds].sort());
  });

  it('a multi-page request stopped by SIGTERM stops every page waiting for it: no fallback, no warning (regression)', async () => {
    const calls: string[] = [];
    const warnings: string[] = [];
    const log = { ...silentLogger, warn: (...args: unknown[]) => void warnings.push(String(args.at(-1))) } as unknown as typeof silentLogger;
    const stopped = new PancakeError('stopped by SIGTERM before this request was sent', { kind: 'interrupted' });
    const client = {
      hasUserToken: () => true,
      async getUserStatisticsMultiplePages() {
        calls.push('multi');
        throw stopped;
      },
      async getUserStatistics(pageId: string) {
        calls.push(`single ${pageId}`);
        throw stopped;
      },
    } as unknown as PancakeClient;
    const settings = streamContext(h, pageIds[0]!, zone, { until: NOW }).settings;
    const window = dayWindow('2026-11-01', '2026-11-02', zone);
    const results = await Promise.allSettled(pageIds.map((id) => fetchUserStatistics({ ...streamContext(h, id, zone, { until: NOW }), client, settings, log }, window)));
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as PancakeError).kind : 'fulfilled'))).toEqual(pageIds.map(() => 'interrupted'));
    expect(calls).toEqual(['multi']);
    expect(warnings).toEqual([]);
  });

  it('a new zone (PANCAKE_TIMEZONE) removes the old zone\'s rows and reads every day they covered again: no table mixes zones', async () => {
    // Ads only: they are asked for by instants, whereas the simulator's other statistics keep the pages' own days.
    const summary = await h.sync({ streams: ['stats_ads'], until: NOW }, { PANCAKE_TIMEZONE: 'UTC' });
    expect(summary.failures).toEqual([]);
    for (const table of ['stats_ads']) {
      // A UTC day starts at 00:00 UTC; a UTC+7 day at 17:00 UTC the day before.
      const { rows } = await sql<{ other_zone: number; first: string; last: string }>`
        select (count(*) filter (where period_start <> day::timestamp at time zone 'UTC'))::int as other_zone, min(day)::text as first, max(day)::text as last
        from ${sql.table(`pancake.${table}`)} where page_id = ${pageIds[0]!}`.execute(h.db);
      // The old first day (Oct 20th, from 17:00 UTC on Oct 19th) is read again from the UTC day holding its start;
      // SYNC_START (30 days before the real clock) alone would have stopped at Nov 7th.
      expect(rows, table).toEqual([{ other_zone: 0, first: '2026-10-19', last: '2026-11-19' }]);
    }
    const state = await h.db.selectFrom('pancake.sync_state').select(['cursor']).where('stream', '=', 'stats_ads').execute();
    expect(state.map((s) => s.cursor)).toEqual([{ zone: 'UTC', lastDay: '2026-11-19' }, { zone: 'UTC', lastDay: '2026-11-19' }]);
  });
});

describe('statistics streams in a zone with DST (PANCAKE_TIMEZONE=Europe/Berlin)', () => {
  let h: SyncHarness;
  let pageIds: string[];
  const zone = 'Europe/Berlin';
  const env = { PANCAKE_TIMEZONE: zone };
  const firstDay = DateTime.fromJSDate(SINCE, { zone }).toISODate()!;
  const lastDay = DateTime.fromJSDate(NOW, { zone }).minus({ days: 1 }).toISODate()!;

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 22, pages: 2, conversationsPerPage: 80, historyDays: 120, now: NOW, statisticsZone: zone }, 'stats_berlin');
    pageIds = h.sim.data.pages.map((p) => p.id);
  });
  afterAll(async () => h?.close());

  it('a 31-day backfill across the 25-hour day equals the simulator statistics row by row', async () => {
    const summary = await h.sync({ streams: STATS_STREAMS, since: SINCE, until: NOW }, env);
    expect(summary.failures).toEqual([]);
    await expectWarehouseEquals(h, expectedStatistics(h.sim.data, pageIds, firstDay, lastDay, zone));
    expectRequestsWithinLimits(h);

    // The night the clocks go back has 25 hourly rows; hour 2 comes twice, an hour apart.
    const hours = await h.db
      .selectFrom('pancake.stats_engagement')
      .select(['hour', 'period_start'])
      .where('page_id', '=', pageIds[0]!)
      .where('granularity', '=', 'hour')
      .where(onDay('2026-10-25'))
      .orderBy('period_start')
      .execute();
    expect(hours.map((r) => r.hour)).toEqual([0, 1, 2, 2, ...Array.from({ length: 21 }, (_, i) => i + 3)]);
    expect(hours[3]!.period_start.getTime() - hours[2]!.period_start.getTime()).toBe(3_600_000);
    const day = await h.db.selectFrom('pancake.stats_engagement').select(['period_start']).where('granularity', '=', 'day').where(onDay('2026-10-25')).where('page_id', '=', pageIds[0]!).executeTakeFirstOrThrow();
    expect(day.period_start.toISOString()).toBe('2026-10-24T22:00:00.000Z');

    // Thirty days holding a 25-hour day are over the API's limit: that window has 29.
    const windows = h.sim.requests.filter((r) => r.endpoint === 'get_tag_statistics' && r.pageId === pageIds[0]);
    const lengths = windows.map((r) => Math.round((Number(r.query.until) + 1 - Number(r.query.since)) / 3600));
    // Newest days first; the window holding the 25-hour day is one day shorter, the next one the
    // two days left (Oct 20th and 21st).
    expect(lengths).toEqual([29 * 24 + 1, 2 * 24]);
    expect(h.sim.requests.filter((r) => r.endpoint === 'get_user_statistics_multi')).toHaveLength(5); // weeks
  });

  it('bumps land on the Berlin day and are re-read by the next run', async () => {
    const day = DateTime.fromISO(lastDay, { zone }).minus({ days: 1 }).toISODate()!;
    h.sim.bumpStatistics(pageIds[1]!, day);
    const summary = await h.sync({ streams: STATS_STREAMS, until: NOW }, env);
    expect(summary.failures).toEqual([]);
    await expectWarehouseEquals(h, expectedStatistics(h.sim.data, pageIds, firstDay, lastDay, zone));
    expect(simulatedStatistics.statisticsZone(h.sim.data, pageIds[1]!)).toBe(zone);
  });
});
