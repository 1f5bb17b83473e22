import type { DateOnly, Json, Timestamp } from './columns.js';

// A page's other records: customers, call logs, posts, its tag set and its employees.

export interface CustomersTable {
  page_id: string;
  id: string;
  customer_id: string | null;
  psid: string | null;
  thread_id: string | null;
  name: string | null;
  gender: string | null;
  phone_number: string | null;
  phone_numbers: string | null;
  birthday: DateOnly | null;
  birth_year: number | null;
  lives_in: string | null;
  can_inbox: boolean | null;
  note_count: number | null;
  inserted_at: Timestamp | null;
  updated_at: Timestamp | null;
  /** Set by a sweep when Pancake no longer lists the record; cleared when it comes back. */
  deleted_at: Timestamp | null;
  raw: Json;
  synced_at: Timestamp;
}

/** Every phone number of a page customer, one row each (migration 0013). */
export interface CustomerPhoneNumbersTable {
  page_id: string;
  page_customer_id: string;
  phone_number: string;
  position: number;
  raw: Json;
  synced_at: Timestamp;
}

export interface CallLogsTable {
  page_id: string;
  call_id: string;
  call_center_id: string | null;
  caller: string | null;
  callee: string | null;
  direction: string | null;
  customer_phone: string | null;
  start_time: Timestamp | null;
  duration_seconds: number | null;
  status: string | null;
  deleted_at: Timestamp | null;
  raw: Json;
  synced_at: Timestamp;
}

export interface PostsTable {
  page_id: string;
  id: string;
  from_id: string | null;
  from_name: string | null;
  message: string | null;
  type: string | null;
  inserted_at: Timestamp | null;
  comment_count: number | null;
  phone_number_count: number | null;
  reaction_count: number | null;
  like_count: number | null;
  love_count: number | null;
  haha_count: number | null;
  wow_count: number | null;
  sad_count: number | null;
  angry_count: number | null;
  care_count: number | null;
  deleted_at: Timestamp | null;
  raw: Json;
  synced_at: Timestamp;
}

export interface TagsTable {
  page_id: string;
  id: string;
  text: string | null;
  color: string | null;
  lighten_color: string | null;
  is_lead_event: boolean | null;
  deleted_at: Timestamp | null;
  raw: Json;
  synced_at: Timestamp;
}

export interface PageUsersTable {
  page_id: string;
  id: string;
  name: string | null;
  fb_id: string | null;
  status: string | null;
  status_in_page: string | null;
  is_online: boolean | null;
  is_disabled: boolean;
  round_robin_inbox: boolean;
  round_robin_comment: boolean;
  deleted_at: Timestamp | null;
  raw: Json;
  synced_at: Timestamp;
}
