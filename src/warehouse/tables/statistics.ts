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
  new_customer_replied: number | null;
  order_count: number | null;
  old_order_count: number | null;
  /** Every series of the row by the name the answer gives it (migration 0013). */
  series: Json;
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
  order_count: number | null;
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
  /** The key of the ad within its day: its id, else a description made unique (migration 0013). */
  ad_key: string;
  ad_id: string | null;
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

/** The engagement answer's users_engagements, one row per employee and local day (migration 0013). */
export interface StatsUsersEngagementsTable {
  page_id: string;
  day: Day;
  user_id: string;
  period_start: Timestamp;
  user_name: string | null;
  inbox_count: number | null;
  comment_count: number | null;
  total_engagement: number | null;
  customer_engagement_new_inbox: number | null;
  new_customer_replied_count: number | null;
  order_count: number | null;
  old_order_count: number | null;
  measures: Json;
  raw: Json;
  synced_at: Timestamp;
}

/** statistics/pages_campaigns, one row per campaign (or ad set / ad of it) and local day (migration 0013). */
export interface StatsCampaignsTable {
  page_id: string;
  day: Day;
  campaign_key: string;
  period_start: Timestamp;
  campaign_id: string | null;
  campaign_name: string | null;
  account_id: string | null;
  adset_id: string | null;
  ad_id: string | null;
  status: string | null;
  currency: string | null;
  daily_budget: BigNumber;
  lifetime_budget: BigNumber;
  budget_remaining: BigNumber;
  spend: BigNumber;
  ctr: BigNumber;
  cpc: BigNumber;
  cpm: BigNumber;
  purchases: BigNumber;
  results: BigNumber;
  impressions: BigNumber;
  reach: BigNumber;
  clicks: BigNumber;
  raw: Json;
  synced_at: Timestamp;
}

/** statistics/customer_feedbacks (opt-in), one row per local day and star rating (migration 0013). */
export interface StatsCustomerFeedbacksTable {
  page_id: string;
  day: Day;
  rating: number;
  period_start: Timestamp;
  feedbacks: number | null;
  raw: Json;
  synced_at: Timestamp;
}
