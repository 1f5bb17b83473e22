import { bigint, boolean, decimal, integer, jsonb, syncedAt, text, textOf, timestamptz } from './columns.js';
import { table, type TableRow } from './declare.js';

// The inbox: pages, their conversations and every message, who sent it, the ad clicks that
// brought customers, the rest of each conversation's messages answer, and the lists a
// conversation nests (tags, assignees) as bridge tables.

export const pages = table('pancake.pages', {
  id: text, name: text.nullable, platform: text.nullable, timezone_offset_hours: decimal,
  is_activated: boolean.nullable, inserted_at: timestamptz.nullable, raw: jsonb, synced_at: syncedAt,
  deleted_at: timestamptz.nullable,
  /** The page list's list it is in, or unlisted / deleted (migration 0010_season). */
  status: text.nullable,
  /** The page's effective zone (PANCAKE_TIMEZONE override included), written by the analytics refresh. */
  zone: text.nullable.writtenElsewhere,
}, { key: ['id'] });
export type PagesTable = TableRow<typeof pages>;

export const conversations = table('pancake.conversations', {
  page_id: text, id: text, type: text.nullable, customer_id: text.nullable, customer_name: text.nullable,
  customer_psid: text.nullable, inserted_at: timestamptz.nullable, updated_at: timestamptz.nullable,
  message_count: integer.nullable, snippet: text.nullable, seen: boolean.nullable, has_phone: boolean.nullable,
  post_id: text.nullable, last_sent_by_id: text.nullable, last_sent_by_name: text.nullable,
  /** Set by a sweep when Pancake no longer lists the conversation; cleared when it comes back. */
  deleted_at: timestamptz.nullable, raw: jsonb, synced_at: syncedAt,
  // deleted_at is not in raw: a conversation a sweep marked deleted is cleared when it is listed again.
}, { key: ['page_id', 'id'], compare: ['raw', 'deleted_at'] });
export type ConversationsTable = TableRow<typeof conversations>;

/** Who sent a message (migration 0005; the rules are in src/sync/streams/message-rows.ts). */
export type SenderKind = 'customer' | 'employee' | 'bot' | 'page_notice' | 'ad_click';

export const messages = table('pancake.messages', {
  page_id: text, id: text, conversation_id: text, inserted_at: timestamptz.nullable, from_id: text.nullable,
  from_name: text.nullable, is_from_page: boolean.nullable, sender_kind: textOf<SenderKind>().nullable,
  sender_user_id: text.nullable, sender_admin_name: text.nullable,
  /** from.ai_generated / from.is_automated: a reply sent under a staff account by AI or automation (migration 0013). */
  ai_generated: boolean.nullable, is_automated: boolean.nullable, text: text.nullable, type: text.nullable,
  attachment_count: integer.nullable, ad_id: text.nullable, has_phone: boolean.nullable, is_hidden: boolean.nullable,
  is_removed: boolean.nullable, raw: jsonb, synced_at: syncedAt,
}, { key: ['page_id', 'id'] });
export type MessagesTable = TableRow<typeof messages>;

export const adClicks = table('pancake.ad_clicks', {
  page_id: text, conversation_id: text, ad_id: text, clicked_at: timestamptz, customer_id: text.nullable,
  post_id: text.nullable, raw: jsonb, synced_at: syncedAt,
}, { key: ['page_id', 'conversation_id', 'ad_id', 'clicked_at'], compare: ['raw', 'customer_id'] });
export type AdClicksTable = TableRow<typeof adClicks>;

export const conversationDetails = table('pancake.conversation_details', {
  page_id: text, conversation_id: text, customer_id: text.nullable, phone_numbers: text.nullable, raw: jsonb,
  synced_at: syncedAt,
}, { key: ['page_id', 'conversation_id'] });
export type ConversationDetailsTable = TableRow<typeof conversationDetails>;

export const conversationTags = table('pancake.conversation_tags', {
  page_id: text, conversation_id: text, tag_id: text, tag_text: text.nullable, tag_color: text.nullable, raw: jsonb,
  synced_at: syncedAt,
}, { key: ['page_id', 'conversation_id', 'tag_id'] });
export type ConversationTagsTable = TableRow<typeof conversationTags>;

export const conversationAssignees = table('pancake.conversation_assignees', {
  page_id: text, conversation_id: text, user_id: text, user_name: text.nullable, raw: jsonb, synced_at: syncedAt,
}, { key: ['page_id', 'conversation_id', 'user_id'] });
export type ConversationAssigneesTable = TableRow<typeof conversationAssignees>;

/** Every attachment of every message, typed (migration 0013). */
export const messageAttachments = table('pancake.message_attachments', {
  page_id: text, message_id: text, position: integer, conversation_id: text, type: text.nullable, url: text.nullable,
  thumbnail_url: text.nullable, mime_type: text.nullable, size: bigint, name: text.nullable, raw: jsonb,
  synced_at: syncedAt,
}, { key: ['page_id', 'message_id', 'position'] });
export type MessageAttachmentsTable = TableRow<typeof messageAttachments>;

/** A conversation's tag_histories, one row per entry (migration 0013). */
export const conversationTagEvents = table('pancake.conversation_tag_events', {
  page_id: text, conversation_id: text, position: integer, at: timestamptz.nullable, action: text.nullable,
  tag_id: text.nullable, tag_text: text.nullable, editor_id: text.nullable, editor_name: text.nullable, raw: jsonb,
  synced_at: syncedAt,
}, { key: ['page_id', 'conversation_id', 'position'] });
export type ConversationTagEventsTable = TableRow<typeof conversationTagEvents>;

export type AssignmentAction = 'assigned' | 'unassigned';

/** A conversation's assignee_histories, one row per user an entry assigned or unassigned (migration 0013). */
export const conversationAssignmentEvents = table('pancake.conversation_assignment_events', {
  page_id: text, conversation_id: text, position: integer, user_id: text, action: textOf<AssignmentAction>(),
  at: timestamptz.nullable, user_name: text.nullable, editor_id: text.nullable, editor_name: text.nullable,
  raw: jsonb, synced_at: syncedAt,
}, { key: ['page_id', 'conversation_id', 'position', 'user_id', 'action'] });
export type ConversationAssignmentEventsTable = TableRow<typeof conversationAssignmentEvents>;
