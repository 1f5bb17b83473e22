import type { BigNumber, Day, Json, Timestamp } from './columns.js';

// The statistics tables (migrations/0003_statistics.ts) as kysely sees them. Every table keys on
// (page_id, day, ...): `day` is the local day in the page's zone, `period_start` the instant the day
// or hour began, so both local-day and UTC queries work. Hourly rows key on period_start rather than
// the local clock hour, which repeats on the day the clocks go back.

export type Granularity = 'day' | 'hour';

export interface StatsEngagementTable {
  page_id: string;
  day: Day;
  granularity: Granularity;
  period_start: Timestamp;
  hour: number | null;
  inbox: number | null;
  comment: number | null;
  total: number | null;
  new_customer: number | null;
  new_customer_from_inbox: number | null;
  raw: Json;
  synced_at: Timestamp;
}

export interface StatsPagesTable {
  page_id: string;
  day: Day;
  period_start: Timestamp;
  hour: number;
  new_customer_count: number | null;
  customer_inbox_count: number | null;
  customer_comment_count: number | null;
  page_inbox_count: number | null;
  page_comment_count: number | null;
  phone_number_count: number | null;
  uniq_phone_number_count: number | null;
  new_inbox_count: number | null;
  inbox_interactive_count: number | null;
  today_uniq_website_referral: number | null;
  today_website_guest_referral: number | null;
  raw: Json;
  synced_at: Timestamp;
}

export interface StatsTagsTable {
  page_id: string;
  day: Day;
  tag_id: string;
  period_start: Timestamp;
  tag_text: string | null;
  tag_color: string | null;
  count: number | null;
  raw: Json;
  synced_at: Timestamp;
}

export interface StatsUsersTable {
  page_id: string;
  day: Day;
  period_start: Timestamp;
  user_id: string;
  hour: number;
  user_name: string | null;
  user_fb_id: string | null;
  inbox_count: number | null;
  comment_count: number | null;
  unique_inbox_count: number | null;
  unique_comment_count: number | null;
  private_reply_count: number | null;
  phone_number_count: number | null;
  average_response_time_ms: BigNumber;
  raw: Json;
  synced_at: Timestamp;
}

export interface StatsNewCustomersTable {
  page_id: string;
  day: Day;
  granularity: Granularity;
  period_start: Timestamp;
  hour: number | null;
  count: number | null;
  raw: Json;
  synced_at: Timestamp;
}

export interface StatsAdsTable {
  page_id: string;
  day: Day;
  ad_id: string;
  period_start: Timestamp;
  ad_name: string | null;
  adset_id: string | null;
  campaign_id: string | null;
  status: string | null;
  currency: string | null;
  reach: BigNumber;
  impressions: BigNumber;
  clicks: BigNumber;
  spend: BigNumber;
  raw: Json;
  synced_at: Timestamp;
}
