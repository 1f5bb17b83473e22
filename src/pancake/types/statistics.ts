// Statistics responses as the API sends them (docs/pancake-api.md, "Statistics"). Most are columnar
// (`categories` + `series`) or keyed by user id; the streams turn them into rows. Fields marked
// "inferred" are our best guess where the reference is silent: keep them in `raw`, do not depend on
// them more than the mapping does.

import type { ApiSuccess, ApiTag } from './common.js';

/**
 * One entry of the ads statistics, a bare array. Numbers arrive as strings (official). `by_id` gives
 * one entry per ad; the official description lists `name, status, currency, reach, impressions,
 * spend, ...` and no `ad_id`, so two ads may come apart only by their place in the answer.
 * `by_time` gives one entry per time bucket (`date_start`/`date_stop`, inferred).
 */
export interface AdsStatisticsRecord {
  ad_id?: string;
  id?: string;
  name?: string;
  adset_id?: string;
  campaign_id?: string;
  status?: string;
  currency?: string;
  reach?: string;
  impressions?: string;
  spend?: string;
  clicks?: string;
  /** What campaigns (and some ads answers) call clicks. */
  link_click?: string;
  date_start?: string;
  date_stop?: string;
  [field: string]: unknown;
}

/**
 * One entry of `statistics/pages_campaigns`, a bare array (official): a campaign, or one ad set or
 * ad of it (`adset_id`, `ad_id`), with its budgets and results over the requested range. Numbers
 * may be strings or numbers.
 */
export interface CampaignStatisticsRecord {
  id?: string;
  name?: string;
  account_id?: string;
  adset_id?: string;
  ad_id?: string;
  status?: string;
  currency?: string;
  daily_budget?: string | number;
  lifetime_budget?: string | number;
  budget_remaining?: string | number;
  spend?: string | number;
  impressions?: string | number;
  reach?: string | number;
  link_click?: string | number;
  ctr?: string | number;
  cpc?: string | number;
  cpm?: string | number;
  purchases?: string | number;
  results?: string | number;
  [field: string]: unknown;
}

export type CampaignStatisticsResponse = CampaignStatisticsRecord[];

/**
 * `statistics/customer_feedbacks` (seen in one public collector, not in the official description:
 * the shape is a guess). Two forms are read: a list of ratings (`customer_feedback: [{ rate, … }]`)
 * and counts per star (`feedback_rating_counts: { "5": 12, … }` with `feedback_count`).
 */
export interface CustomerFeedbackResponse extends ApiSuccess {
  customer_feedback?: Array<{ rate?: number | string; [field: string]: unknown }>;
  feedback_count?: number | string;
  feedback_rating_counts?: Record<string, number | string>;
  customer_average_feedback?: unknown[];
  [field: string]: unknown;
}

export type AdsStatisticsResponse = AdsStatisticsRecord[];

/** A columnar series: one value per category. */
export interface StatisticsSeries {
  name: string;
  data: number[];
}

/** Hour-of-day profile of the engagement range (`hour` 0–23, inferred): one value per series name. */
export interface EngagementHourProfile {
  hour: number | string;
  [series: string]: unknown;
}

/**
 * One employee's engagement over the whole requested range (`users_engagements`, seen in a public
 * integration's answer): `user_id`, `name` and one number per measure (`inbox_count`,
 * `comment_count`, `total_engagement`, `new_customer_replied_count`, `order_count`, …).
 */
export interface UserEngagementRecord {
  user_id?: string;
  name?: string;
  [measure: string]: unknown;
}

/**
 * `customer_engagements`: categories are day labels ("26/8"), or hours with `by_hour`. Series are
 * named by Pancake (`inbox`, `comment`, `total`, `new_customer_replied`, `order_count`,
 * `old_order_count`, and others); `users_engagements` is per employee over the range.
 */
export interface EngagementStatisticsResponse extends ApiSuccess {
  data: { categories: string[]; series: StatisticsSeries[] };
  statistics?: EngagementHourProfile[];
  users_engagements?: UserEngagementRecord[];
}

/**
 * One hour of page statistics. `hour` is the hour's start as a zone-less UTC timestamp like every
 * API time (inferred: the reference names the field only).
 */
export interface PageStatisticsRecord {
  hour: string;
  /** Sent when the shop has orders (or asked for with select_fields). */
  order_count?: number;
  new_customer_count?: number;
  customer_inbox_count?: number;
  customer_comment_count?: number;
  page_inbox_count?: number;
  page_comment_count?: number;
  phone_number_count?: number;
  uniq_phone_number_count?: number;
  new_inbox_count?: number;
  inbox_interactive_count?: number;
  today_uniq_website_referral?: number;
  today_website_guest_referral?: number;
  [field: string]: unknown;
}

export interface PageStatisticsResponse extends ApiSuccess {
  data: PageStatisticsRecord[];
}

/** Columnar, keyed by tag: `series["<tag id or text>"]` holds one count per category (day). */
export interface TagStatisticsColumns {
  categories: string[];
  series: Record<string, number[]>;
}

export interface TagStatisticsResponse extends ApiSuccess {
  data: TagStatisticsColumns;
  /** Today so far, same shape; the streams skip it (today is not a complete day yet). */
  data_today?: Partial<TagStatisticsColumns>;
  tags?: Array<ApiTag & { description?: string | null }>;
}

/** One hour of one employee. `hour` as in PageStatisticsRecord; `average_response_time` in ms. */
export interface UserHourRecord {
  hour: string;
  inbox_count?: number;
  comment_count?: number;
  unique_inbox_count?: number;
  unique_comment_count?: number;
  private_reply_count?: number;
  phone_number_count?: number;
  average_response_time?: number;
  [field: string]: unknown;
}

/** Who an employee is, plus their totals over the range. */
export interface UserStatisticsSummary {
  user_name?: string;
  user_fb_id?: string;
  [total: string]: unknown;
}

/** Keyed by user id, twice: hours in `statistics`, names and totals in `users`. */
export interface UserStatisticsData {
  statistics: Record<string, UserHourRecord[]>;
  users: Record<string, UserStatisticsSummary>;
}

export interface UserStatisticsResponse extends ApiSuccess {
  data: UserStatisticsData;
}

/** The multi-page users endpoint: the single-page shape per page id (inferred). */
export interface MultiPageUserStatisticsResponse extends ApiSuccess {
  data: Record<string, UserStatisticsData>;
}

/**
 * New customers grouped by `group_by` (inferred): `key` is the local day ("2026-08-26") for `day`,
 * the hour's start as a zone-less UTC timestamp for `hour`, the page id for `page_id`.
 */
export interface NewCustomerStatisticsRecord {
  key: string;
  count: number;
  [field: string]: unknown;
}

export interface NewCustomerStatisticsResponse extends ApiSuccess {
  data: NewCustomerStatisticsRecord[];
}
