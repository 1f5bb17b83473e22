import { boolean, date, integer, jsonb, syncedAt, text, timestamptz } from './columns.js';
import { table, type TableRow } from './declare.js';

// A page's other records: customers, call logs, posts, its tag set and its employees.

export const customers = table('pancake.customers', {
  page_id: text, id: text, customer_id: text.nullable, psid: text.nullable, thread_id: text.nullable,
  name: text.nullable, gender: text.nullable, phone_number: text.nullable, phone_numbers: text.nullable,
  birthday: date.nullable, birth_year: integer.nullable, lives_in: text.nullable, can_inbox: boolean.nullable,
  note_count: integer.nullable, inserted_at: timestamptz.nullable, updated_at: timestamptz.nullable,
  /** Set by a sweep when Pancake no longer lists the record; cleared when it comes back. */
  deleted_at: timestamptz.nullable, raw: jsonb, synced_at: syncedAt,
  // deleted_at is not in raw: a customer a sweep marked deleted is cleared when it is listed again.
}, { key: ['page_id', 'id'], compare: ['raw', 'deleted_at'] });
export type CustomersTable = TableRow<typeof customers>;

/** Every phone number of a page customer, one row each (migration 0013; a bridge table: BI tools join tables, not lists). */
export const customerPhoneNumbers = table('pancake.customer_phone_numbers', {
  page_id: text, page_customer_id: text, phone_number: text, position: integer, raw: jsonb, synced_at: syncedAt,
}, { key: ['page_id', 'page_customer_id', 'phone_number'] });
export type CustomerPhoneNumbersTable = TableRow<typeof customerPhoneNumbers>;

export const callLogs = table('pancake.call_logs', {
  page_id: text, call_id: text, call_center_id: text.nullable, caller: text.nullable, callee: text.nullable,
  direction: text.nullable, customer_phone: text.nullable, start_time: timestamptz.nullable,
  duration_seconds: integer.nullable, status: text.nullable, deleted_at: timestamptz.nullable, raw: jsonb,
  synced_at: syncedAt,
  // call_center_id comes from the configuration, deleted_at from sweeps: neither is in raw.
}, { key: ['page_id', 'call_id'], compare: ['raw', 'call_center_id', 'deleted_at'] });
export type CallLogsTable = TableRow<typeof callLogs>;

export const posts = table('pancake.posts', {
  page_id: text, id: text, from_id: text.nullable, from_name: text.nullable, message: text.nullable,
  type: text.nullable, inserted_at: timestamptz.nullable, comment_count: integer.nullable,
  phone_number_count: integer.nullable, reaction_count: integer.nullable, like_count: integer.nullable,
  love_count: integer.nullable, haha_count: integer.nullable, wow_count: integer.nullable,
  sad_count: integer.nullable, angry_count: integer.nullable, care_count: integer.nullable,
  deleted_at: timestamptz.nullable, raw: jsonb, synced_at: syncedAt,
  // deleted_at is not in raw: a post a sweep marked deleted is cleared when it is listed again.
}, { key: ['page_id', 'id'], compare: ['raw', 'deleted_at'] });
export type PostsTable = TableRow<typeof posts>;

export const tags = table('pancake.tags', {
  page_id: text, id: text, text: text.nullable, color: text.nullable, lighten_color: text.nullable,
  is_lead_event: boolean.nullable, deleted_at: timestamptz.nullable, raw: jsonb, synced_at: syncedAt,
}, { key: ['page_id', 'id'] });
export type TagsTable = TableRow<typeof tags>;

export const pageUsers = table('pancake.page_users', {
  page_id: text, id: text, name: text.nullable, fb_id: text.nullable, status: text.nullable,
  status_in_page: text.nullable, is_online: boolean.nullable, is_disabled: boolean, round_robin_inbox: boolean,
  round_robin_comment: boolean, deleted_at: timestamptz.nullable, raw: jsonb, synced_at: syncedAt,
  // The flags come from the sibling lists (disabled_users, round_robin_users), not from the user
  // object in raw: a user moved to disabled_users unchanged must still be rewritten.
}, { key: ['page_id', 'id'], compare: ['raw', 'is_disabled', 'round_robin_inbox', 'round_robin_comment'] });
export type PageUsersTable = TableRow<typeof pageUsers>;
