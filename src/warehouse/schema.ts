import type { ColumnType, Generated, Selectable } from 'kysely';
import type { StatsAdsTable, StatsEngagementTable, StatsNewCustomersTable, StatsPagesTable, StatsTagsTable, StatsUsersTable } from './statistics-schema.js';
import type { CallLogsTable, ConversationAssigneesTable, ConversationTagsTable, CustomersTable, PageUsersTable, PostsTable, TagsTable } from './schema-entities.js';

// The warehouse schema as kysely sees it: one interface per table (docs/architecture.md). The migrations in
// ../../migrations create these tables; keep both in step.

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string, string>;

export interface PagesTable {
  id: string;
  name: string | null;
  platform: string | null;
  timezone_offset_hours: ColumnType<string | null, number | null, number | null>;
  is_activated: boolean | null;
  inserted_at: Timestamp | null;
  raw: Json;
  synced_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface ConversationsTable {
  page_id: string;
  id: string;
  type: string | null;
  customer_id: string | null;
  customer_name: string | null;
  customer_psid: string | null;
  inserted_at: Timestamp | null;
  updated_at: Timestamp | null;
  message_count: number | null;
  snippet: string | null;
  seen: boolean | null;
  has_phone: boolean | null;
  post_id: string | null;
  last_sent_by_id: string | null;
  last_sent_by_name: string | null;
  raw: Json;
  synced_at: Timestamp;
}

export interface MessagesTable {
  page_id: string;
  id: string;
  conversation_id: string;
  inserted_at: Timestamp | null;
  from_id: string | null;
  from_name: string | null;
  is_from_page: boolean | null;
  sender_kind: SenderKind | null;
  sender_user_id: string | null;
  sender_admin_name: string | null;
  text: string | null;
  type: string | null;
  attachment_count: number | null;
  ad_id: string | null;
  has_phone: boolean | null;
  is_hidden: boolean | null;
  is_removed: boolean | null;
  raw: Json;
  synced_at: Timestamp;
}

/** Who sent a message (migration 0005; the rules are in src/sync/streams/message-rows.ts). */
export type SenderKind = 'customer' | 'employee' | 'bot' | 'page_notice' | 'ad_click';

export interface AdClicksTable {
  page_id: string;
  conversation_id: string;
  ad_id: string;
  clicked_at: Timestamp;
  customer_id: string | null;
  post_id: string | null;
  raw: Json;
  synced_at: Timestamp;
}

export interface ConversationDetailsTable {
  page_id: string;
  conversation_id: string;
  customer_id: string | null;
  phone_numbers: string | null;
  raw: Json;
  synced_at: Timestamp;
}

export interface ConversationMessageStateTable {
  page_id: string;
  conversation_id: string;
  synced_updated_at: Timestamp | null;
  history_complete: boolean;
  updated_at: Generated<Date>;
}

export interface SyncStateTable {
  page_id: string;
  stream: string;
  covered_from: Timestamp | null;
  watermark: Timestamp | null;
  cursor: ColumnType<unknown, string | null, string | null>;
  updated_at: Generated<Date>;
}

export interface SyncRunsTable {
  id: Generated<string>;
  started_at: Generated<Date>;
  finished_at: Timestamp | null;
  status: string;
  options: Json;
  counts: Json;
  errors: Json;
  requests: number;
  host: string | null;
  pid: number | null;
  warnings: ColumnType<unknown, string | undefined, string>;
  heartbeat_at: Timestamp | null;
  pages_listed: number | null;
}

export interface SyncLocksTable {
  page_id: string;
  stream: string;
  holder: string;
  host: string;
  pid: number;
  run_id: string | null;
  since: Generated<Date>;
  heartbeat_at: Generated<Date>;
}

export interface Database {
  'pancake.pages': PagesTable;
  'pancake.conversations': ConversationsTable;
  'pancake.messages': MessagesTable;
  'pancake.ad_clicks': AdClicksTable;
  'pancake.conversation_details': ConversationDetailsTable;
  'pancake.conversation_message_state': ConversationMessageStateTable;
  'pancake.sync_state': SyncStateTable;
  'pancake.sync_runs': SyncRunsTable;
  'pancake.sync_locks': SyncLocksTable;
  'pancake.stats_ads': StatsAdsTable;
  'pancake.stats_engagement': StatsEngagementTable;
  'pancake.stats_pages': StatsPagesTable;
  'pancake.stats_tags': StatsTagsTable;
  'pancake.stats_users': StatsUsersTable;
  'pancake.stats_new_customers': StatsNewCustomersTable;
  'pancake.customers': CustomersTable;
  'pancake.call_logs': CallLogsTable;
  'pancake.posts': PostsTable;
  'pancake.tags': TagsTable;
  'pancake.page_users': PageUsersTable;
  'pancake.conversation_tags': ConversationTagsTable;
  'pancake.conversation_assignees': ConversationAssigneesTable;
}

export type SyncRun = Selectable<SyncRunsTable>;
