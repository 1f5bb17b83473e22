import type { ColumnType } from 'kysely';
import type { BigNumber, Json, Timestamp } from './columns.js';

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
  /** from.ai_generated / from.is_automated: a reply sent under a staff account by AI or automation (migration 0013). */
  ai_generated: boolean | null;
  is_automated: boolean | null;
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

/** Every attachment of every message, typed (migration 0013). */
export interface MessageAttachmentsTable {
  page_id: string;
  message_id: string;
  position: number;
  conversation_id: string;
  type: string | null;
  url: string | null;
  thumbnail_url: string | null;
  mime_type: string | null;
  size: BigNumber;
  name: string | null;
  raw: Json;
  synced_at: Timestamp;
}

/** A conversation's tag_histories, one row per entry (migration 0013). */
export interface ConversationTagEventsTable {
  page_id: string;
  conversation_id: string;
  position: number;
  at: Timestamp | null;
  action: string | null;
  tag_id: string | null;
  tag_text: string | null;
  editor_id: string | null;
  editor_name: string | null;
  raw: Json;
  synced_at: Timestamp;
}

/** A conversation's assignee_histories, one row per user an entry assigned or unassigned (migration 0013). */
export interface ConversationAssignmentEventsTable {
  page_id: string;
  conversation_id: string;
  position: number;
  user_id: string;
  action: AssignmentAction;
  at: Timestamp | null;
  user_name: string | null;
  editor_id: string | null;
  editor_name: string | null;
  raw: Json;
  synced_at: Timestamp;
}

export type AssignmentAction = 'assigned' | 'unassigned';
