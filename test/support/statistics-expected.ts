// The statistics a warehouse should hold after a sync, computed from the simulator's own functions
// one local day at a time (not through the sync's windows or mapping), keyed like the tables.

import { DateTime } from 'luxon';
import { sql, type Kysely } from 'kysely';
import { simulatedStatistics as sim, type SimulatorData } from '../../src/simulator/index.js';
import type { Database } from '../../src/warehouse/schema.js';

export const STATS_STREAMS = ['stats_engagement', 'stats_users_engagements', 'stats_pages', 'stats_tags', 'stats_users', 'stats_new_customers', 'stats_ads', 'stats_campaigns', 'stats_customer_feedbacks'];

/** A table's rows as `key → comparable values`. */
export type Rows = Map<string, Record<string, unknown>>;

export interface Expected {
  stats_engagement: Rows;
  stats_pages: Rows;
  stats_tags: Rows;
  stats_users: Rows;
  stats_new_customers: Rows;
  stats_ads: Rows;
  stats_users_engagements: Rows;
  stats_campaigns: Rows;
  stats_customer_feedbacks: Rows;
}

/** The engagement series with a column of their own (the rest are only in `series`). */
const ENGAGEMENT_COLUMNS = ['inbox', 'comment', 'total', 'new_customer_replied', 'order_count', 'old_order_count'];

/** An answer's entries keyed as the issue asks: by id, else by name, entries sharing a key numbered in answer order. */
function keyed<T>(entries: readonly T[], base: (entry: T) => string): Array<[string, T]> {
  const seen = new Map<string, number>();
  return entries.map((entry) => {
    const key = base(entry);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return [n === 1 ? key : `${key}#${n}`, entry];
  });
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Local days [firstDay, lastDay] of the zone, each with its own range (23, 24 or 25 hours). */
export function localDays(firstDay: string, lastDay: string, zone: string): Array<{ day: string; range: { startMs: number; endMs: number } }> {
  const out = [];
  for (let d = DateTime.fromISO(firstDay, { zone }); d.toISODate()! <= lastDay; d = d.plus({ days: 1 })) {
    out.push({ day: d.toISODate()!, range: { startMs: d.toMillis(), endMs: d.plus({ days: 1 }).toMillis() - 1000 } });
  }
  return out;
}

export function expectedStatistics(data: SimulatorData, pageIds: readonly string[], firstDay: string, lastDay: string, zone: string): Expected {
  const e: Expected = {
    stats_engagement: new Map(), stats_pages: new Map(), stats_tags: new Map(), stats_users: new Map(), stats_new_customers: new Map(), stats_ads: new Map(),
    stats_users_engagements: new Map(), stats_campaigns: new Map(), stats_customer_feedbacks: new Map(),
  };
  for (const pageId of pageIds) {
    const local = (ms: number) => DateTime.fromMillis(ms, { zone });
    for (const { day, range } of localDays(firstDay, lastDay, zone)) {
      const daily = sim.engagementStatistics(data, pageId, range, false);
      const value = (body: typeof daily, name: string, i: number) => body.data.series.find((s) => s.name === name)!.data[i];
      const engagement = (body: typeof daily, i: number) => ({
        ...Object.fromEntries(ENGAGEMENT_COLUMNS.map((n) => [n, value(body, n, i)])),
        series: Object.fromEntries(sim.ENGAGEMENT_SERIES.map((n) => [n, value(body, n, i)])),
      });
      e.stats_engagement.set(`${pageId}|${day}|day|${iso(range.startMs)}`, { hour: null, ...engagement(daily, 0) });
      const hourly = sim.engagementStatistics(data, pageId, range, true);
      sim.hoursOf(range).forEach((h, i) => {
        e.stats_engagement.set(`${pageId}|${day}|hour|${iso(h * 3_600_000)}`, { hour: local(h * 3_600_000).hour, ...engagement(hourly, i) });
      });
      for (const record of sim.pageStatistics(data, pageId, range)) {
        const start = Date.parse(`${record.hour}Z`);
        const { hour: _h, ...counts } = record;
        e.stats_pages.set(`${pageId}|${day}|${iso(start)}`, { hour: local(start).hour, ...counts });
      }
      const tags = sim.tagStatistics(data, pageId, range);
      for (const [tagId, counts] of Object.entries(tags.data.series)) {
        e.stats_tags.set(`${pageId}|${day}|${tagId}`, { count: counts[0], tag_text: tags.tags!.find((t) => String(t.id) === tagId)!.text });
      }
      const users = sim.userStatistics(data, pageId, range);
      for (const [userId, records] of Object.entries(users.statistics)) {
        for (const { hour, average_response_time, ...counts } of records) {
          const start = Date.parse(`${hour}Z`);
          e.stats_users.set(`${pageId}|${day}|${iso(start)}|${userId}`, { hour: local(start).hour, user_name: users.users[userId]!.user_name, ...counts, average_response_time_ms: String(average_response_time) });
        }
      }
      for (const { count } of sim.newCustomerStatistics(data, pageId, range, 'day')) e.stats_new_customers.set(`${pageId}|${day}|day|${iso(range.startMs)}`, { hour: null, count });
      for (const { key, count } of sim.newCustomerStatistics(data, pageId, range, 'hour')) {
        const start = Date.parse(`${key}Z`);
        e.stats_new_customers.set(`${pageId}|${day}|hour|${iso(start)}`, { hour: local(start).hour, count });
      }
      for (const [key, ad] of keyed(sim.adsStatistics(data, pageId, range, 'by_id'), (ad) => ad.ad_id ?? `name:${ad.name}`)) {
        e.stats_ads.set(`${pageId}|${day}|${key}`, { ad_id: ad.ad_id ?? null, ad_name: ad.name, reach: ad.reach, impressions: ad.impressions, clicks: ad.clicks, spend: ad.spend });
      }
      for (const { user_id, name, ...measures } of sim.usersEngagements(data, pageId, range)) {
        const typed = ['inbox_count', 'comment_count', 'total_engagement', 'new_customer_replied_count', 'order_count', 'old_order_count'];
        e.stats_users_engagements.set(`${pageId}|${day}|${user_id}`, { user_name: name, ...Object.fromEntries(typed.map((m) => [m, measures[m]])), measures });
      }
      for (const c of sim.campaignStatistics(data, pageId, range)) {
        e.stats_campaigns.set(`${pageId}|${day}|${c.id}/adset:${c.adset_id}/ad:${c.ad_id}`, { campaign_id: c.id, campaign_name: c.name, spend: c.spend, clicks: c.link_click, daily_budget: c.daily_budget, purchases: c.purchases });
      }
      const ratings = new Map<number, number>();
      for (const f of sim.feedbackStatistics(data, pageId, range).customer_feedback ?? []) ratings.set(Number(f.rate), (ratings.get(Number(f.rate)) ?? 0) + 1);
      for (const [rating, feedbacks] of ratings) e.stats_customer_feedbacks.set(`${pageId}|${day}|${rating}`, { feedbacks });
    }
  }
  return e;
}

const KEYS: Record<keyof Expected, string[]> = {
  stats_engagement: ['granularity', 'period_start'],
  stats_pages: ['period_start'],
  stats_tags: ['tag_id'],
  stats_users: ['period_start', 'user_id'],
  stats_new_customers: ['granularity', 'period_start'],
  stats_ads: ['ad_key'],
  stats_users_engagements: ['user_id'],
  stats_campaigns: ['campaign_key'],
  stats_customer_feedbacks: ['rating'],
};

/** The stored rows of a table in the same shape, with only the columns `expected` names. */
export async function storedStatistics(db: Kysely<Database>, table: keyof Expected, columns: readonly string[]): Promise<Rows> {
  const { rows } = await sql.raw<Record<string, unknown>>(`select *, to_char(day, 'YYYY-MM-DD') as day_text from pancake.${table}`).execute(db);
  const out: Rows = new Map();
  for (const row of rows) {
    const key = [row.page_id, row.day_text, ...KEYS[table].map((k) => (row[k] instanceof Date ? (row[k] as Date).toISOString() : row[k]))].join('|');
    out.set(key, Object.fromEntries(columns.map((c) => [c, row[c]])));
  }
  return out;
}
