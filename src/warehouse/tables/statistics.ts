import { bigint, day, integer, jsonb, numeric, smallint, syncedAt, text, textOf, timestamptz } from './columns.js';
import { table, type TableRow } from './declare.js';

// The statistics tables (migrations/0003_statistics.ts). Every table keys on (page_id, day, ...):
// `day` is the local day in the page's zone, `period_start` the instant the day or hour began, so
// both local-day and UTC queries work. Hourly rows key on period_start rather than the local clock
// hour, which repeats on the day the clocks go back.

export type Granularity = 'day' | 'hour';

export const statsEngagement = table('pancake.stats_engagement', {
  page_id: text, day, granularity: textOf<Granularity>(), period_start: timestamptz, hour: smallint.nullable,
  inbox: integer.nullable, comment: integer.nullable, total: integer.nullable, new_customer_replied: integer.nullable,
  order_count: integer.nullable, old_order_count: integer.nullable,
  /** Every series of the row by the name the answer gives it (migration 0013). */
  series: jsonb, raw: jsonb, synced_at: syncedAt,
}, { key: ['page_id', 'day', 'granularity', 'period_start'] });
export type StatsEngagementTable = TableRow<typeof statsEngagement>;

export const statsPages = table('pancake.stats_pages', {
  page_id: text, day, period_start: timestamptz, hour: smallint, new_customer_count: integer.nullable,
  customer_inbox_count: integer.nullable, customer_comment_count: integer.nullable,
  page_inbox_count: integer.nullable, page_comment_count: integer.nullable, phone_number_count: integer.nullable,
  uniq_phone_number_count: integer.nullable, new_inbox_count: integer.nullable,
  inbox_interactive_count: integer.nullable, today_uniq_website_referral: integer.nullable,
  today_website_guest_referral: integer.nullable, order_count: integer.nullable, raw: jsonb, synced_at: syncedAt,
}, { key: ['page_id', 'day', 'period_start'] });
export type StatsPagesTable = TableRow<typeof statsPages>;

export const statsTags = table('pancake.stats_tags', {
  page_id: text, day, tag_id: text, period_start: timestamptz, tag_text: text.nullable, tag_color: text.nullable,
  count: integer.nullable, raw: jsonb, synced_at: syncedAt,
}, { key: ['page_id', 'day', 'tag_id'] });
export type StatsTagsTable = TableRow<typeof statsTags>;

export const statsUsers = table('pancake.stats_users', {
  page_id: text, day, period_start: timestamptz, user_id: text, hour: smallint, user_name: text.nullable,
  user_fb_id: text.nullable, inbox_count: integer.nullable, comment_count: integer.nullable,
  unique_inbox_count: integer.nullable, unique_comment_count: integer.nullable, private_reply_count: integer.nullable,
  phone_number_count: integer.nullable, average_response_time_ms: numeric, raw: jsonb, synced_at: syncedAt,
}, { key: ['page_id', 'day', 'period_start', 'user_id'] });
export type StatsUsersTable = TableRow<typeof statsUsers>;

export const statsNewCustomers = table('pancake.stats_new_customers', {
  page_id: text, day, granularity: textOf<Granularity>(), period_start: timestamptz, hour: smallint.nullable,
  count: integer.nullable, raw: jsonb, synced_at: syncedAt,
}, { key: ['page_id', 'day', 'granularity', 'period_start'] });
export type StatsNewCustomersTable = TableRow<typeof statsNewCustomers>;

export const statsAds = table('pancake.stats_ads', {
  page_id: text, day,
  /** The key of the ad within its day: its id, else a description made unique (migration 0013). */
  ad_key: text, ad_id: text.nullable, period_start: timestamptz, ad_name: text.nullable, adset_id: text.nullable,
  campaign_id: text.nullable, status: text.nullable, currency: text.nullable, reach: bigint, impressions: bigint,
  clicks: bigint, spend: numeric, raw: jsonb, synced_at: syncedAt,
}, { key: ['page_id', 'day', 'ad_key'] });
export type StatsAdsTable = TableRow<typeof statsAds>;

/** The engagement answer's users_engagements, one row per employee and local day (migration 0013). */
export const statsUsersEngagements = table('pancake.stats_users_engagements', {
  page_id: text, day, user_id: text, period_start: timestamptz, user_name: text.nullable,
  inbox_count: integer.nullable, comment_count: integer.nullable, total_engagement: integer.nullable,
  customer_engagement_new_inbox: integer.nullable, new_customer_replied_count: integer.nullable,
  order_count: integer.nullable, old_order_count: integer.nullable, measures: jsonb, raw: jsonb, synced_at: syncedAt,
}, { key: ['page_id', 'day', 'user_id'] });
export type StatsUsersEngagementsTable = TableRow<typeof statsUsersEngagements>;

/** statistics/pages_campaigns, one row per campaign (or ad set / ad of it) and local day (migration 0013). */
export const statsCampaigns = table('pancake.stats_campaigns', {
  page_id: text, day, campaign_key: text, period_start: timestamptz, campaign_id: text.nullable,
  campaign_name: text.nullable, account_id: text.nullable, adset_id: text.nullable, ad_id: text.nullable,
  status: text.nullable, currency: text.nullable, daily_budget: numeric, lifetime_budget: numeric,
  budget_remaining: numeric, spend: numeric, ctr: numeric, cpc: numeric, cpm: numeric, purchases: numeric,
  results: numeric, impressions: bigint, reach: bigint, clicks: bigint, raw: jsonb, synced_at: syncedAt,
}, { key: ['page_id', 'day', 'campaign_key'] });
export type StatsCampaignsTable = TableRow<typeof statsCampaigns>;

/** statistics/customer_feedbacks (opt-in), one row per local day and star rating (migration 0013). */
export const statsCustomerFeedbacks = table('pancake.stats_customer_feedbacks', {
  page_id: text, day, rating: smallint, period_start: timestamptz, feedbacks: integer.nullable, raw: jsonb,
  synced_at: syncedAt,
}, { key: ['page_id', 'day', 'rating'] });
export type StatsCustomerFeedbacksTable = TableRow<typeof statsCustomerFeedbacks>;
