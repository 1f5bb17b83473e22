// Statistics responses as the API sends them (docs/pancake-api.md, "Statistics"). Most are columnar
// (`categories` + `series`) or keyed by user id; the streams turn them into rows. Fields marked
// "inferred" are our best guess where the reference is silent: keep them in `raw`, do not depend on
// them more than the mapping does.

import type { ApiSuccess, ApiTag } from './common.js';

/**
 * One entry of the ads statistics, a bare array. Numbers arrive as strings (official). `by_id` gives
 * one entry per ad (`ad_id` inferred: the reference lists `name, status, currency, ...` only);
 * `by_time` one per time bucket (`date_start`/`date_stop`, inferred).
 */
export interface AdsStatisticsRecord {
  ad_id?: string;
  name?: string;
  status?: string;
  currency?: string;
  reach?: string;
  impressions?: string;
  spend?: string;
  clicks?: string;
  date_start?: string;
  date_stop?: string;
  [field: string]: unknown;
}

export type AdsStatisticsResponse = AdsStatisticsRecord[];

/** A columnar series: one value per category. */
export interface StatisticsSeries {
  name: string;
  data: number[];
}

/** Hour-of-day profile of the engagement range (`hour` 0–23, inferred). */
export interface EngagementHourProfile {
  hour: number | string;
  inbox?: number;
  comment?: number;
  total?: number;
  new_customer?: number;
  new_customer_from_inbox?: number;
  [field: string]: unknown;
}

/** `customer_engagements`: categories are day labels ("26/8"), or hours with `by_hour`. */
export interface EngagementStatisticsResponse extends ApiSuccess {
  data: { categories: string[]; series: StatisticsSeries[] };
  statistics?: EngagementHourProfile[];
}

/**
 * One hour of page statistics. `hour` is the hour's start as a zone-less UTC timestamp like every
 * API time (inferred: the reference names the field only).
 */
export interface PageStatisticsRecord {
  hour: string;
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
