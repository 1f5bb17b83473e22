// Records of the page API's entity endpoints (customers, call logs, posts, users), as
// docs/pancake-api.md describes them. Fields the real answers or the API descriptions show are typed;
// everything else is reachable through the index signature and kept by the streams in `raw`.

import type { ApiSuccess, ApiTag, ApiTimestamp } from './common.js';

/** A note an employee left on a customer; `created_at` is epoch milliseconds (official). */
export interface PancakeCustomerNote {
  id?: string;
  message?: string | null;
  created_at?: number | null;
  created_by?: { uid?: string; fb_name?: string; [field: string]: unknown } | null;
  [field: string]: unknown;
}

/** A customer of one page (`page_customers`). `id` is the page-customer id, `customer_id` the global one. */
export interface PancakePageCustomer {
  id: string;
  customer_id?: string | null;
  psid?: string | null;
  /** `<page_id>_<psid>`: the inbox conversation id of this customer. */
  thread_id?: string | null;
  name?: string | null;
  /** Strings in the samples seen; objects with `phone_number` are accepted too. */
  phone_numbers?: Array<string | { phone_number?: string | null; [field: string]: unknown }> | null;
  gender?: string | null;
  /** "YYYY-MM-DD", or "2007-00-00" when only the year is known (seen). */
  birthday?: string | null;
  lives_in?: string | null;
  can_inbox?: boolean | null;
  notes?: PancakeCustomerNote[] | null;
  recent_orders?: unknown[] | null;
  inserted_at: ApiTimestamp;
  updated_at: ApiTimestamp;
  [field: string]: unknown;
}

export interface ListPageCustomersResponse extends ApiSuccess {
  /** Customers matching since/until (all pages together). */
  total?: number;
  customers: PancakePageCustomer[];
}

/** One call of a SIP call-center subscription (official shape). `duration` is seconds. */
export interface PancakeCallLog {
  call_id: string;
  caller?: string | null;
  callee?: string | null;
  start_time: ApiTimestamp;
  duration?: number | null;
  status?: string | null;
  [field: string]: unknown;
}

export interface ListCallLogsResponse extends ApiSuccess {
  data: PancakeCallLog[];
}

/** The tags list has no `success` field (seen). */
export interface ListTagsResponse {
  success?: boolean;
  tags: ApiTag[];
}

export interface PancakePostReactions {
  like_count?: number;
  love_count?: number;
  haha_count?: number;
  wow_count?: number;
  sad_count?: number;
  angry_count?: number;
  care_count?: number;
  [field: string]: unknown;
}

export interface PancakePost {
  id: string;
  page_id?: string;
  from?: { id?: string; name?: string | null; [field: string]: unknown } | null;
  message?: string | null;
  type?: string | null;
  inserted_at: ApiTimestamp;
  comment_count?: number | null;
  reactions?: PancakePostReactions | null;
  phone_number_count?: number | null;
  [field: string]: unknown;
}

export interface ListPostsResponse extends ApiSuccess {
  total?: number;
  posts: PancakePost[];
}

/** An employee with access to the page. */
export interface PancakeUser {
  id: string;
  name?: string | null;
  fb_id?: string | null;
  status?: string | null;
  status_in_page?: string | null;
  is_online?: boolean | null;
  page_permissions?: { permissions?: number[]; [field: string]: unknown } | null;
  [field: string]: unknown;
}

export interface ListUsersResponse extends ApiSuccess {
  users: PancakeUser[];
  disabled_users?: PancakeUser[];
  /** User ids taking part in automatic assignment, per channel. */
  round_robin_users?: { inbox?: string[]; comment?: string[]; [channel: string]: string[] | undefined };
}
