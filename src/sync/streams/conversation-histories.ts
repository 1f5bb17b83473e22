import { parseApiTimestamp } from '../../pancake/time.js';
import type { PancakeConversation } from '../../pancake/types.js';
import type { AssignmentAction } from '../../warehouse/schema.js';
import { childRowsNotInPart } from '../../warehouse/bridges.js';
import type { WritePart } from '../../warehouse/write-together.js';
import type { StorageWarningSink } from '../../warehouse/storage-warnings.js';
import { dedupeByKey, upsertParts } from '../../warehouse/upsert.js';
import { str } from '../coercions.js';
import type { RowOf } from '../../warehouse/tables/declare.js';
import { conversationTagEvents, conversationAssignmentEvents } from '../../warehouse/tables/inbox.js';

// Who tagged and who was assigned when: a conversation's `tag_histories` and `assignee_histories`
// as event tables, one row per entry (per user for assignments). A conversation's list is sent
// whole each time, so its rows are replaced with the conversation, in the same statement; a
// conversation sent WITHOUT the list keeps the events stored before (an answer that leaves a key
// out says nothing about it).
//
// Tag entries (seen): `{ inserted_at, payload: { action: add | remove, editor_id, editor_name,
// tag: { id, text, … } } }`. Assignment entries: `{ inserted_at, payload: { added_users: [user],
// removed_users: [user], editor_id?, editor_name? } }` (the form a production sync reads), or one
// user per entry (`user` / `assignee` object, or `user_id` / `assignee_id`) with an optional
// `action`, the time in `inserted_at`, `assigned_at` or `created_at`.

export type TagEventRow = RowOf<typeof conversationTagEvents>;
export type AssignmentEventRow = RowOf<typeof conversationAssignmentEvents>;

type Entry = Record<string, unknown>;
const asEntry = (value: unknown): Entry | null => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Entry) : null);

/** The page id a conversation row gets (as mapConversation decides it). */
export function pageOf(c: PancakeConversation, pageId: string): string {
  return typeof c.page_id === 'string' && c.page_id ? c.page_id : pageId;
}

/** Every object entry of tag_histories, numbered from 1; null when the conversation has no such list. */
export function mapTagEvents(c: PancakeConversation, pageId: string): TagEventRow[] | null {
  if (!Array.isArray(c.tag_histories)) return null;
  const rows: TagEventRow[] = [];
  c.tag_histories.forEach((value, i) => {
    const entry = asEntry(value);
    if (!entry) return;
    const payload = asEntry(entry.payload) ?? {};
    const tag = asEntry(payload.tag) ?? {};
    rows.push({
      page_id: pageOf(c, pageId),
      conversation_id: String(c.id),
      position: i + 1,
      at: parseApiTimestamp(entry.inserted_at),
      action: str(payload.action),
      tag_id: str(tag.id),
      tag_text: str(tag.text),
      editor_id: str(payload.editor_id),
      editor_name: str(payload.editor_name),
      raw: entry,
    });
  });
  return rows;
}

const UNASSIGNING = /^(remove|removed|unassign|unassigned|delete|deleted)$/i;

/** The users an entry assigned and unassigned. */
function usersOf(entry: Entry): Array<{ user: Entry; action: AssignmentAction }> {
  const payload = asEntry(entry.payload) ?? entry;
  const list = (value: unknown): Entry[] => (Array.isArray(value) ? value.map((u) => (typeof u === 'string' ? { id: u } : asEntry(u))).filter((u): u is Entry => u !== null) : []);
  const added = list(payload.added_users);
  const removed = list(payload.removed_users);
  if (added.length > 0 || removed.length > 0) return [...added.map((user) => ({ user, action: 'assigned' as const })), ...removed.map((user) => ({ user, action: 'unassigned' as const }))];
  const user = asEntry(payload.user) ?? asEntry(payload.assignee) ?? asEntry(entry.user) ?? asEntry(entry.assignee);
  const id = str(user?.id) ?? str(payload.user_id) ?? str(payload.assignee_id) ?? str(entry.user_id) ?? str(entry.assignee_id);
  if (id === null) return [];
  const action = str(payload.action) ?? str(entry.action);
  return [{ user: { ...(user ?? {}), id }, action: action !== null && UNASSIGNING.test(action) ? 'unassigned' : 'assigned' }];
}

/** One row per user of every entry of assignee_histories; null when the conversation has no such list. */
export function mapAssignmentEvents(c: PancakeConversation, pageId: string): AssignmentEventRow[] | null {
  if (!Array.isArray(c.assignee_histories)) return null;
  const rows: AssignmentEventRow[] = [];
  c.assignee_histories.forEach((value, i) => {
    const entry = asEntry(value);
    if (!entry) return;
    const payload = asEntry(entry.payload) ?? {};
    for (const { user, action } of usersOf(entry)) {
      const userId = str(user.id);
      if (userId === null) continue;
      rows.push({
        page_id: pageOf(c, pageId),
        conversation_id: String(c.id),
        position: i + 1,
        user_id: userId,
        action,
        at: parseApiTimestamp(entry.inserted_at ?? entry.assigned_at ?? entry.created_at),
        user_name: str(user.name),
        editor_id: str(payload.editor_id) ?? str(entry.editor_id),
        editor_name: str(payload.editor_name) ?? str(entry.editor_name),
        raw: entry,
      });
    }
  });
  return dedupeByKey(rows, conversationAssignmentEvents.key);
}

/** Who is assigned after the history: each user's last event decides (by position, the API's order). */
export function assigneesFromHistory(events: readonly AssignmentEventRow[]): Array<{ id: string; name: string | null }> {
  const last = new Map<string, AssignmentEventRow>();
  for (const event of [...events].sort((a, b) => a.position - b.position)) last.set(event.user_id, event);
  return [...last.values()].filter((e) => e.action === 'assigned').map((e) => ({ id: e.user_id, name: e.user_name }));
}

/**
 * The history rows of the batch's conversations, each conversation's list replaced; conversations
 * sent without a list are left as stored.
 */
export function historyParts(pageId: string, conversations: readonly PancakeConversation[], onWarning: StorageWarningSink): WritePart[] {
  const tags = conversations.map((c) => ({ c, rows: mapTagEvents(c, pageId) })).filter((x): x is { c: PancakeConversation; rows: TagEventRow[] } => x.rows !== null);
  const assignments = conversations.map((c) => ({ c, rows: mapAssignmentEvents(c, pageId) })).filter((x): x is { c: PancakeConversation; rows: AssignmentEventRow[] } => x.rows !== null);
  const parents = (list: ReadonlyArray<{ c: PancakeConversation }>) => list.map(({ c }) => ({ pageId: pageOf(c, pageId), parentId: String(c.id) }));
  const tagRows = tags.flatMap((t) => t.rows);
  const assignmentRows = assignments.flatMap((a) => a.rows);
  return [
    ...childRowsNotInPart('pancake.conversation_tag_events', 'conversation_id', ['position'], parents(tags), tagRows.map((r) => [r.page_id, r.conversation_id, String(r.position)])),
    ...childRowsNotInPart(
      'pancake.conversation_assignment_events',
      'conversation_id',
      ['position', 'user_id', 'action'],
      parents(assignments),
      assignmentRows.map((r) => [r.page_id, r.conversation_id, String(r.position), r.user_id, r.action]),
    ),
    ...upsertParts(conversationTagEvents, tagRows, onWarning),
    ...upsertParts(conversationAssignmentEvents, assignmentRows, onWarning),
  ];
}
