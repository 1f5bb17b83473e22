import type { ColumnType } from 'kysely';
import type { Json, Timestamp } from './columns.js';

// The inbox: pages, their conversations and every message, who sent it, the ad clicks that
// brought customers, the rest of each conversation's messages answer, and the lists a
// conversation nests (tags, assignees) as bridge tables.

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
  /** The page list's list it is in, or unlisted / deleted (migration 0010_season). */
  status: string | null;
  /** The page's effective zone (PANCAKE_TIMEZONE override included), written by the analytics refresh. */
  zone: string | null;
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
  /** Set by a sweep when Pancake no longer lists the conversation; cleared when it comes back. */
  deleted_at: Timestamp | null;
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

export interface ConversationTagsTable {
  page_id: string;
  conversation_id: string;
  tag_id: string;
  tag_text: string | null;
  tag_color: string | null;
  raw: Json;
  synced_at: Timestamp;
}

export interface ConversationAssigneesTable {
  page_id: string;
  conversation_id: string;
  user_id: string;
  user_name: string | null;
  raw: Json;
  synced_at: Timestamp;
}
