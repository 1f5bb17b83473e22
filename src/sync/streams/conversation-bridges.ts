import type { ApiTag, PancakeConversation } from '../../pancake/types.js';
import { bridgeDeletePart } from '../../warehouse/bridges.js';
import type { WritePart } from '../../warehouse/write-together.js';
import type { StorageWarningSink } from '../../warehouse/storage-warnings.js';
import { dedupeByKey, upsertParts } from '../../warehouse/upsert.js';
import { str } from '../coercions.js';
import { assigneesFromHistory, historyParts, mapAssignmentEvents, pageOf } from './conversation-histories.js';
import type { RowOf } from '../../warehouse/tables/declare.js';
import { conversationTags, conversationAssignees } from '../../warehouse/tables/inbox.js';

// The lists a conversation nests (its tags, its assignees, their histories) as bridge tables:
// Metabase and other BI tools filter and join tables, not array columns. Written by the
// conversations stream in the same statement as the conversation rows, so a conversation and its
// tags are never out of step.

export type ConversationTagRow = RowOf<typeof conversationTags>;
export type ConversationAssigneeRow = RowOf<typeof conversationAssignees>;

/** The API puts `null` into `tags` (seen); those, and tags without an id, are dropped. */
export function mapConversationTags(c: PancakeConversation, pageId: string): ConversationTagRow[] {
  const tags = Array.isArray(c.tags) ? c.tags.filter((t): t is ApiTag => t !== null && typeof t === 'object' && str(t.id) !== null) : [];
  const rows = tags.map((tag) => ({ page_id: pageOf(c, pageId), conversation_id: String(c.id), tag_id: str(tag.id) as string, tag_text: str(tag.text), tag_color: str(tag.color), raw: tag }));
  return dedupeByKey(rows, conversationTags.key);
}

/**
 * assignee_ids is the list; current_assign_users, when it carries the user, adds the name. Without
 * assignee_ids (the official WhatsApp example has none) the current assignees are those of
 * current_assign_users, else the users the assignee history leaves assigned.
 */
export function mapConversationAssignees(c: PancakeConversation, pageId: string): ConversationAssigneeRow[] {
  const users = Array.isArray(c.current_assign_users) ? c.current_assign_users.filter((u): u is Record<string, unknown> => typeof u === 'object' && u !== null) : [];
  const ids = Array.isArray(c.assignee_ids)
    ? c.assignee_ids.map(str).filter((id): id is string => id !== null)
    : users.length > 0
      ? users.map((u) => str(u.id)).filter((id): id is string => id !== null)
      : null;
  const fromHistory = ids === null ? assigneesFromHistory(mapAssignmentEvents(c, pageId) ?? []) : [];
  const rows = (ids ?? fromHistory.map((u) => u.id)).map((id) => {
    const user = users.find((u) => str(u.id) === id) ?? fromHistory.find((u) => u.id === id);
    return { page_id: pageOf(c, pageId), conversation_id: String(c.id), user_id: id, user_name: str(user?.name), raw: user ?? { id } };
  });
  return dedupeByKey(rows, conversationAssignees.key);
}

/**
 * Replaces the tag and assignee sets of every conversation in the batch: rows no longer in a
 * conversation's list are deleted, the rest upserted. The writes, made in the batch's statement.
 */
export function conversationBridgeParts(pageId: string, conversations: readonly PancakeConversation[], onWarning: StorageWarningSink): WritePart[] {
  if (conversations.length === 0) return [];
  // The last copy of a conversation in the batch is the one its row keeps (upsertRows' rule too).
  const latest = [...new Map(conversations.map((c) => [`${pageOf(c, pageId)}\u0000${String(c.id)}`, c])).values()];
  const tags = latest.flatMap((c) => mapConversationTags(c, pageId));
  const assignees = latest.flatMap((c) => mapConversationAssignees(c, pageId));
  const batch = latest.map((c) => ({ pageId: pageOf(c, pageId), conversationId: String(c.id) }));
  return [
    ...bridgeDeletePart('pancake.conversation_tags', 'tag_id', batch, tags.map((r) => [r.page_id, r.conversation_id, r.tag_id])),
    ...bridgeDeletePart('pancake.conversation_assignees', 'user_id', batch, assignees.map((r) => [r.page_id, r.conversation_id, r.user_id])),
    ...upsertParts(conversationTags, tags, onWarning),
    ...upsertParts(conversationAssignees, assignees, onWarning),
    ...historyParts(pageId, latest, onWarning),
  ];
}
