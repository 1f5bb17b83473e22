import { describe, expect, it } from 'vitest';
import { mapAds } from '../../src/sync/streams/statistics/ads.js';
import { mapCampaigns } from '../../src/sync/streams/statistics/campaigns.js';
import { mapCustomerFeedbacks } from '../../src/sync/streams/statistics/customer-feedbacks.js';
import { dayWindow } from '../../src/sync/engines/days.js';
import { mapEngagement } from '../../src/sync/streams/statistics/engagement.js';
import { mapNewCustomers, parseDayKey } from '../../src/sync/streams/statistics/new-customers.js';
import { mapPageStatistics } from '../../src/sync/streams/statistics/pages.js';
import { mapTagStatistics } from '../../src/sync/streams/statistics/tags.js';
import { mapUserStatistics } from '../../src/sync/streams/statistics/users.js';

const PAGE = '1234567890123456';
const hcm = dayWindow('2026-08-26', '2026-08-27', 'Asia/Ho_Chi_Minh');

describe('columnar engagement → one row per category', () => {
  it('daily: category i of every series is row i, dated from the request, every series kept by its own name', () => {
    const rows = mapEngagement(
      {
        success: true,
        data: {
          categories: ['26/8', '27/8'],
          series: [
            { name: 'inbox', data: [3, 4] },
            { name: 'comment', data: [1, 0] },
            { name: 'total', data: [4, 4] },
            { name: 'new_customer_replied', data: [2, 1] },
            { name: 'order_count', data: [1, 0] },
            { name: 'old_order_count', data: [0, 1] },
            { name: 'customer_engagement_new_inbox', data: [9, 8] },
          ],
        },
      },
      hcm,
      PAGE,
      'day',
    );
    const first = { inbox: 3, comment: 1, total: 4, new_customer_replied: 2, order_count: 1, old_order_count: 0 };
    const second = { inbox: 4, comment: 0, total: 4, new_customer_replied: 1, order_count: 0, old_order_count: 1 };
    expect(rows).toEqual([
      { page_id: PAGE, day: '2026-08-26', granularity: 'day', period_start: new Date('2026-08-25T17:00:00Z'), hour: null, ...first, series: { ...first, customer_engagement_new_inbox: 9 }, raw: { category: '26/8', ...first, customer_engagement_new_inbox: 9 } },
      { page_id: PAGE, day: '2026-08-27', granularity: 'day', period_start: new Date('2026-08-26T17:00:00Z'), hour: null, ...second, series: { ...second, customer_engagement_new_inbox: 8 }, raw: { category: '27/8', ...second, customer_engagement_new_inbox: 8 } },
    ]);
  });

  it('hourly on the 25-hour day: 25 rows, the repeated 02:00 told apart by period_start', () => {
    const window = dayWindow('2026-10-25', '2026-10-25', 'Europe/Berlin');
    const categories = Array.from({ length: 25 }, (_, i) => `25/10 ${String(i).padStart(2, '0')}:00`);
    const rows = mapEngagement({ success: true, data: { categories, series: [{ name: 'inbox', data: categories.map((_, i) => i) }] } }, window, PAGE, 'hour');
    expect(rows).toHaveLength(25);
    expect(rows.map((r) => r.hour)).toEqual([0, 1, 2, 2, ...Array.from({ length: 21 }, (_, i) => i + 3)]);
    expect(rows[2]!.period_start.toISOString()).toBe('2026-10-25T00:00:00.000Z');
    expect(rows[3]!.period_start.toISOString()).toBe('2026-10-25T01:00:00.000Z');
    expect(new Set(rows.map((r) => r.period_start.getTime())).size).toBe(25);
    expect(rows.every((r) => r.day === '2026-10-25')).toBe(true);
  });

  it('refuses categories that do not line up with the requested days instead of shifting them', () => {
    const body = (categories: string[]) => ({ success: true, data: { categories, series: [{ name: 'inbox', data: categories.map(() => 1) }] } });
    expect(() => mapEngagement(body(['26/8']), hcm, PAGE, 'day')).toThrow(/expected 2 daily categories, got 1/);
    expect(() => mapEngagement(body(['27/8', '28/8']), hcm, PAGE, 'day')).toThrow(/category 0 is "27\/8"/);
    // Labels we cannot read do not contradict the position.
    expect(mapEngagement(body(['Tue', 'Wed']), hcm, PAGE, 'day').map((r) => r.day)).toEqual(['2026-08-26', '2026-08-27']);
  });
});

describe('keyed answers → rows', () => {
  it('tags: series keyed by id or by text land on the tag id, with text and colour from the tag list', () => {
    const rows = mapTagStatistics(
      {
        success: true,
        data: { categories: ['26/8', '27/8'], series: { '61': [2, 0], 'Khách quen': [1, 5], 'Gone tag': [7, 7] } },
        tags: [
          { id: '61', text: 'Chốt đơn', color: '#e71115' },
          { id: 6, text: 'Khách quen', color: '#ee11e2' },
        ],
      },
      hcm,
      PAGE,
    );
    expect(rows.map((r) => [r.day, r.tag_id, r.tag_text, r.tag_color, r.count])).toEqual([
      ['2026-08-26', '61', 'Chốt đơn', '#e71115', 2],
      ['2026-08-27', '61', 'Chốt đơn', '#e71115', 0],
      ['2026-08-26', '6', 'Khách quen', '#ee11e2', 1],
      ['2026-08-27', '6', 'Khách quen', '#ee11e2', 5],
      ['2026-08-26', 'Gone tag', 'Gone tag', null, 7],
      ['2026-08-27', 'Gone tag', 'Gone tag', null, 7],
    ]);
    expect(rows[0]!.raw).toEqual({ category: '26/8', series: '61', count: 2 });
  });

  it('users: keyed by user id, one row per user and hour, the name from `users`', () => {
    const rows = mapUserStatistics(
      {
        statistics: {
          'u-1': [
            { hour: '2026-08-25T17:00:00', inbox_count: 3, comment_count: 1, unique_inbox_count: 2, unique_comment_count: 1, private_reply_count: 0, phone_number_count: 1, average_response_time: 61000.5 },
            { hour: 'not a time', inbox_count: 9 },
          ],
          'u-2': [{ hour: '2026-08-27T16:00:00.000000', inbox_count: 1 }],
        },
        users: { 'u-1': { user_name: 'Lan', user_fb_id: '1001' } },
      },
      hcm,
      PAGE,
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ user_id: 'u-1', day: '2026-08-26', hour: 0, user_name: 'Lan', user_fb_id: '1001', inbox_count: 3, phone_number_count: 1, average_response_time_ms: 61000.5 });
    expect(rows[0]!.period_start.toISOString()).toBe('2026-08-25T17:00:00.000Z');
    expect(rows[1]).toMatchObject({ user_id: 'u-2', day: '2026-08-27', hour: 23, user_name: null, inbox_count: 1, comment_count: null });
  });

  it('pages: one row per hour, placed on the local day of its start', () => {
    const rows = mapPageStatistics([{ hour: '2026-08-26T16:00:00', new_customer_count: 2, customer_inbox_count: 5, today_uniq_website_referral: 1 }], hcm, PAGE);
    expect(rows).toEqual([
      expect.objectContaining({ day: '2026-08-26', hour: 23, period_start: new Date('2026-08-26T16:00:00Z'), new_customer_count: 2, customer_inbox_count: 5, page_inbox_count: null, today_uniq_website_referral: 1 }),
    ]);
  });

  it('new customers: day keys in either format, hour keys as timestamps', () => {
    expect(parseDayKey('2026-08-26')).toBe('2026-08-26');
    expect(parseDayKey('6/8/2026')).toBe('2026-08-06');
    expect(parseDayKey('26/8')).toBeNull();
    const days = mapNewCustomers([{ key: '26/08/2026', count: 4 }, { key: '2026-08-27', count: 0 }], hcm, PAGE, 'day');
    expect(days.map((r) => [r.day, r.granularity, r.period_start.toISOString(), r.hour, r.count])).toEqual([
      ['2026-08-26', 'day', '2026-08-25T17:00:00.000Z', null, 4],
      ['2026-08-27', 'day', '2026-08-26T17:00:00.000Z', null, 0],
    ]);
    const hours = mapNewCustomers([{ key: '2026-08-26T02:00:00', count: 1 }], hcm, PAGE, 'hour');
    expect(hours.map((r) => [r.day, r.hour, r.count])).toEqual([['2026-08-26', 9, 1]]);
  });

  it('ads: numbers as strings stay exact, rows keyed by ad id, else by what the entry has, never folding two ads of one name', () => {
    const window = dayWindow('2026-08-26', '2026-08-26', 'Asia/Ho_Chi_Minh');
    const rows = mapAds(
      [
        { ad_id: '23851', name: 'Freeship', status: 'ACTIVE', currency: 'VND', reach: '1200', impressions: '2,500', clicks: '31', spend: '125000.50' },
        { name: 'No id', spend: 'n/a' },
        { name: 'Sale', spend: '100', link_click: '7' },
        { name: 'Sale', spend: '250', clicks: '3', link_click: '9' },
        { id: '777', name: 'Sale', spend: '5' },
        { campaign_id: 'c1', name: 'Sale', spend: '1' },
      ],
      window,
      PAGE,
    );
    expect(rows.map((r) => [r.ad_key, r.ad_id, r.day, r.reach, r.impressions, r.clicks, r.spend])).toEqual([
      ['23851', '23851', '2026-08-26', '1200', '2500', '31', '125000.50'],
      ['name:No id', null, '2026-08-26', null, null, null, null],
      ['name:Sale', null, '2026-08-26', null, null, '7', '100'],
      ['name:Sale#2', null, '2026-08-26', null, null, '3', '250'],
      ['777', '777', '2026-08-26', null, null, null, '5'],
      ['campaign:c1/name:Sale', null, '2026-08-26', null, null, null, '1'],
    ]);
    expect(rows[0]!.period_start.toISOString()).toBe('2026-08-25T17:00:00.000Z');
  });
});

describe('campaigns and customer feedback → rows', () => {
  const day = dayWindow('2026-08-26', '2026-08-26', 'Asia/Ho_Chi_Minh');

  it('campaigns: one row per entry, keyed by campaign (and ad set and ad when split), clicks from link_click', () => {
    const rows = mapCampaigns(
      [
        { id: 'c1', name: 'Tết', ad_id: 'a1', adset_id: 's1', spend: '100', link_click: '7', clicks: '9', daily_budget: 500000, purchases: '2' },
        { id: 'c1', name: 'Tết', ad_id: 'a2', adset_id: 's1', spend: '50', clicks: '3' },
        { id: 'c2', name: 'Hè', spend: '10' },
        { name: 'Không id', spend: '1' },
        { name: 'Không id', spend: '2' },
      ],
      day,
      PAGE,
    );
    expect(rows.map((r) => [r.campaign_key, r.campaign_id, r.spend, r.clicks, r.daily_budget, r.purchases])).toEqual([
      ['c1/adset:s1/ad:a1', 'c1', '100', '7', '500000', '2'],
      ['c1/adset:s1/ad:a2', 'c1', '50', '3', null, null],
      ['c2', 'c2', '10', null, null, null],
      ['name:Không id', null, '1', null, null, null],
      ['name:Không id#2', null, '2', null, null, null],
    ]);
    expect(rows.every((r) => r.day === '2026-08-26')).toBe(true);
  });

  it('customer feedback: a row per star, from a list of ratings or from counts per star (both forms are guesses)', () => {
    const fromList = mapCustomerFeedbacks({ customer_feedback: [{ rate: 5 }, { rate: '5' }, { rate: 3 }, { rate: 9 }, { rate: null } as unknown as { rate: number }] }, day, PAGE);
    expect(fromList.map((r) => [r.rating, r.feedbacks])).toEqual([[5, 2], [3, 1]]);
    expect(fromList[0]!.raw).toEqual({ rate: 5, customer_feedback: [{ rate: 5 }, { rate: '5' }] });
    const fromCounts = mapCustomerFeedbacks({ feedback_count: 4, feedback_rating_counts: { '5': 3, '1': '1', x: 2 } }, day, PAGE);
    expect(fromCounts.map((r) => [r.rating, r.feedbacks]).sort()).toEqual([[1, 1], [5, 3]]);
    expect(mapCustomerFeedbacks({ success: true }, day, PAGE)).toEqual([]);
  });
});
