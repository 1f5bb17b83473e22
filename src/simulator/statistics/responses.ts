// The statistics endpoints' answers, in the real shapes of docs/pancake-api.md: columnar (`categories` +
// `series`), keyed by user id, or `{ key, count }` rows. Pure functions of the data and a range, so
// tests can compute the expected warehouse rows without a server.

import { DateTime } from 'luxon';
import type {
  EngagementStatisticsResponse,
  NewCustomerStatisticsRecord,
  PageStatisticsRecord,
  TagStatisticsResponse,
  UserHourRecord,
  UserStatisticsData,
} from '../../pancake/types.js';
import type { SimulatorData } from '../shop/model.js';
import { everyTag } from '../shop/records-ever.js';
import { type Bucket, type Range, dayBuckets, hourBuckets, hourStamp, hoursOf } from './buckets.js';
import { type HourCounters, drawCount, hourCounters } from './hourly.js';
import { bumpCount, statisticsZone } from './state.js';
import { usersEngagements } from './users-engagements.js';

/**
 * The series of customer_engagements by Pancake's own names (docs/pancake-api.md, "Statistics"), and
 * one more that a client has no column for (customer_engagement_new_inbox), which must be kept too.
 */
export const ENGAGEMENT_SERIES = ['inbox', 'comment', 'total', 'new_customer_replied', 'order_count', 'old_order_count', 'customer_engagement_new_inbox'] as const;
type Engagement = Record<(typeof ENGAGEMENT_SERIES)[number], number>;

const zeroEngagement = (): Engagement => ({ inbox: 0, comment: 0, total: 0, new_customer_replied: 0, order_count: 0, old_order_count: 0, customer_engagement_new_inbox: 0 });

function engagementAt(data: SimulatorData, pageId: string, h: number, hour: HourCounters | undefined, bump: number): Engagement {
  const inbox = (hour?.customerInbox ?? 0) + bump;
  const comment = hour?.customerComment ?? 0;
  return {
    inbox,
    comment,
    total: inbox + comment,
    new_customer_replied: (hour?.newReplied ?? 0) + bump,
    // Orders are not in the shop's records: drawn per hour, stable for a seed.
    order_count: drawCount(data.seed, 4, 2, 'orders', pageId, h),
    old_order_count: drawCount(data.seed, 2, 1, 'old-orders', pageId, h),
    customer_engagement_new_inbox: (hour?.newInbox ?? 0) + bump,
  };
}

export function engagementStatistics(data: SimulatorData, pageId: string, range: Range, byHour: boolean, userIds: string[] | null = null): EngagementStatisticsResponse {
  const zone = statisticsZone(data, pageId);
  const counters = hourCounters(data, pageId, userIds);
  // Bumps are page-level corrections; a per-employee view does not see them.
  const bumpOf = (h: number) => (userIds ? 0 : bumpCount(data, pageId, h));
  const buckets = byHour ? hourBuckets(range, zone) : dayBuckets(range, zone);
  const series = ENGAGEMENT_SERIES.map((name) => ({ name, data: [] as number[] }));
  const profile = Array.from({ length: 24 }, (_, hour) => ({ hour, ...zeroEngagement() }));
  for (const bucket of buckets) {
    const sums = zeroEngagement();
    for (const h of bucket.hours) {
      const values = engagementAt(data, pageId, h, counters.get(h), bumpOf(h));
      const slot = profile[DateTime.fromMillis(h * 3_600_000, { zone }).hour]!;
      for (const name of ENGAGEMENT_SERIES) {
        sums[name] += values[name];
        slot[name] += values[name];
      }
    }
    series.forEach((s, i) => s.data.push(sums[ENGAGEMENT_SERIES[i]!]));
  }
  return { success: true, data: { categories: buckets.map((b) => b.label), series }, statistics: profile, users_engagements: usersEngagements(data, pageId, range, userIds) };
}

export function pageStatistics(data: SimulatorData, pageId: string, range: Range): PageStatisticsRecord[] {
  const counters = hourCounters(data, pageId);
  return hoursOf(range).map((h) => {
    const c = counters.get(h);
    const bump = bumpCount(data, pageId, h);
    return {
      hour: hourStamp(h),
      new_customer_count: (c?.newCustomers ?? 0) + bump,
      customer_inbox_count: (c?.customerInbox ?? 0) + bump,
      customer_comment_count: c?.customerComment ?? 0,
      page_inbox_count: c?.pageInbox ?? 0,
      page_comment_count: c?.pageComment ?? 0,
      phone_number_count: c?.phoneMessages ?? 0,
      uniq_phone_number_count: c?.phones.size ?? 0,
      new_inbox_count: (c?.newInbox ?? 0) + bump,
      inbox_interactive_count: (c?.interactiveInbox.size ?? 0) + bump,
      today_uniq_website_referral: drawCount(data.seed, 8, 3, 'web-uniq', pageId, h),
      today_website_guest_referral: drawCount(data.seed, 5, 2, 'web-guest', pageId, h),
    };
  });
}

function tagCount(data: SimulatorData, pageId: string, tagId: string, first: boolean, hours: readonly number[]): number {
  let total = 0;
  for (const h of hours) total += drawCount(data.seed, 3, 2, 'tag', pageId, tagId, h) + (first ? bumpCount(data, pageId, h) : 0);
  return total;
}

function tagColumns(data: SimulatorData, pageId: string, buckets: readonly Bucket[]): TagStatisticsResponse['data'] {
  const tags = everyTag(data, pageId);
  const series: Record<string, number[]> = {};
  tags.forEach((tag, i) => {
    series[String(tag.id)] = buckets.map((b) => tagCount(data, pageId, String(tag.id), i === 0, b.hours));
  });
  return { categories: buckets.map((b) => b.label), series };
}

export function tagStatistics(data: SimulatorData, pageId: string, range: Range): TagStatisticsResponse {
  const zone = statisticsZone(data, pageId);
  const now = DateTime.fromJSDate(data.now, { zone });
  const today = dayBuckets({ startMs: now.startOf('day').toMillis(), endMs: now.toMillis() }, zone);
  return {
    success: true,
    data: tagColumns(data, pageId, dayBuckets(range, zone)),
    data_today: tagColumns(data, pageId, today),
    tags: everyTag(data, pageId).map((tag) => ({ id: String(tag.id), text: tag.text, color: tag.color ?? null, lighten_color: tag.lighten_color ?? null, description: null })),
  };
}

/** Every employee, every hour of the range (zeros included), keyed by user id. */
export function userStatistics(data: SimulatorData, pageId: string, range: Range): UserStatisticsData {
  const counters = hourCounters(data, pageId);
  const employees = data.employees.get(pageId) ?? [];
  const result: UserStatisticsData = { statistics: {}, users: {} };
  employees.forEach((employee, index) => {
    const rows: UserHourRecord[] = hoursOf(range).map((h) => {
      const u = counters.get(h)?.users.get(employee.id);
      return {
        hour: hourStamp(h),
        inbox_count: (u?.inbox ?? 0) + (index === 0 ? bumpCount(data, pageId, h) : 0),
        comment_count: u?.comment ?? 0,
        unique_inbox_count: u?.inboxConversations.size ?? 0,
        unique_comment_count: u?.commentConversations.size ?? 0,
        private_reply_count: u?.privateReplies ?? 0,
        phone_number_count: u?.phones ?? 0,
        average_response_time: u && u.responses > 0 ? Math.round(u.responseMs / u.responses) : 0,
      };
    });
    result.statistics[employee.id] = rows;
    const total = (field: keyof UserHourRecord) => rows.reduce((s, r) => s + Number(r[field] ?? 0), 0);
    result.users[employee.id] = {
      user_name: employee.name,
      user_fb_id: employee.fb_id,
      inbox_count: total('inbox_count'),
      comment_count: total('comment_count'),
      private_reply_count: total('private_reply_count'),
      phone_number_count: total('phone_number_count'),
    };
  });
  return result;
}

export function newCustomerStatistics(data: SimulatorData, pageId: string, range: Range, groupBy: 'day' | 'hour' | 'page_id'): NewCustomerStatisticsRecord[] {
  const counters = hourCounters(data, pageId);
  const count = (hours: readonly number[]) => hours.reduce((s, h) => s + (counters.get(h)?.newCustomers ?? 0) + bumpCount(data, pageId, h), 0);
  if (groupBy === 'page_id') return [{ key: pageId, count: count(hoursOf(range)) }];
  if (groupBy === 'hour') return hoursOf(range).map((h) => ({ key: hourStamp(h), count: count([h]) }));
  return dayBuckets(range, statisticsZone(data, pageId)).map((b) => ({ key: b.day, count: count(b.hours) }));
}
