// What the API's write endpoints do to the shop: tags, assignees, read state and sent messages. Kept
// apart from the routes (http/routes/writes.ts) so the rules of a request and its effect read
// separately, and built on the shop's own rules (shop/) so a write keeps the invariants a generated
// conversation has (updated_at == last change, message_count == messages, snippet == last text).

import { assignmentChange, currentAssignees } from '../shop/assignee-history.js';
import { activityTime, applyChannelShape } from '../shop/channel-shape.js';
import type { ApiTag, PancakeConversation, PancakeMessage } from '../../pancake/types.js';
import type { SimulatorData } from '../shop/model.js';
import { pageContext } from '../shop/pages.js';
import { Random } from '../shop/random.js';
import { emptyConversationState } from '../shop/new-conversation.js';
import { summarize } from '../shop/conversation-summary.js';
import { phonesIn, toHtml } from '../shop/text.js';
import { formatField, parseApiTime } from '../shop/time.js';

/** Comments that got their one private reply, per data set (the API allows one per comment). */
const privatelyAnswered = new WeakMap<SimulatorData, Set<string>>();

/** `now` (the shop's clock), but never before the conversation's last change: times in a conversation do not go back. */
function changeTime(conversation: PancakeConversation, messages: readonly PancakeMessage[], now: number): number {
  const last = messages[messages.length - 1];
  return Math.max(now, parseApiTime(activityTime(conversation)), last ? parseApiTime(last.inserted_at) : 0);
}

/**
 * A change of the page-side state (tags, assignees) moves updated_at, as the real API does, but not
 * the read state: summarize() derives `seen` from the messages and would undo a mark-unread.
 */
function touched(data: SimulatorData, conversation: PancakeConversation, now: number): void {
  const messages = data.messages.get(conversation.id) ?? [];
  const seen = conversation.seen;
  summarize(conversation, messages, changeTime(conversation, messages, now));
  conversation.seen = seen;
  data.revision++;
}

/** Returns false when the tag was already there (nothing changes, updated_at stays). */
export function addTag(data: SimulatorData, conversation: PancakeConversation, tag: ApiTag, now: number): boolean {
  const tags = conversation.tags ?? [];
  if (tags.some((t) => t !== null && String(t.id) === String(tag.id))) return false;
  conversation.tags = [...tags, { ...tag }];
  recordTagHistory(data, conversation, 'add', tag, now);
  touched(data, conversation, now);
  return true;
}

export function removeTag(data: SimulatorData, conversation: PancakeConversation, tag: ApiTag, now: number): boolean {
  const tags = conversation.tags ?? [];
  const kept = tags.filter((t) => t === null || String(t.id) !== String(tag.id));
  if (kept.length === tags.length) return false;
  conversation.tags = kept;
  recordTagHistory(data, conversation, 'remove', tag, now);
  touched(data, conversation, now);
  return true;
}

function recordTagHistory(data: SimulatorData, conversation: PancakeConversation, action: 'add' | 'remove', tag: ApiTag, now: number): void {
  const at = formatField(conversation.id, 'tag_histories', changeTime(conversation, data.messages.get(conversation.id) ?? [], now));
  // A page token is no employee, so the editor is unknown (inferred).
  conversation.tag_histories = [...(conversation.tag_histories ?? []), { inserted_at: at, payload: { action, editor_id: null, tag: { ...tag } } }];
}

export function assign(data: SimulatorData, conversation: PancakeConversation, assigneeIds: readonly string[], now: number): void {
  const employees = data.employees.get(conversation.page_id) ?? [];
  const ids = [...new Set(assigneeIds)];
  const before = currentAssignees(conversation);
  const entry = assignmentChange(before, ids, employees, changeTime(conversation, data.messages.get(conversation.id) ?? [], now));
  conversation.assignee_ids = ids;
  conversation.current_assign_users = ids.map((id) => {
    const e = employees.find((employee) => employee.id === id);
    return { id, name: e?.name ?? null, fb_id: e?.fb_id ?? null };
  });
  if (entry) conversation.assignee_histories = [...(conversation.assignee_histories ?? []), entry];
  applyChannelShape(conversation, pageContext(data, conversation.page_id).page.platform, false);
  touched(data, conversation, now);
}

/** Read state only: the conversation's updated_at does not move (inferred: reading is not activity). */
export function markRead(data: SimulatorData, conversation: PancakeConversation): void {
  for (const message of data.messages.get(conversation.id) ?? []) message.seen = true;
  conversation.seen = true;
  data.revision++;
}

export function markUnread(data: SimulatorData, conversation: PancakeConversation): void {
  conversation.seen = false;
  data.revision++;
}

export interface Outgoing {
  text: string;
  type: 'INBOX' | 'COMMENT';
  attachments: unknown[];
}

/**
 * The page's message as the API would store it. Its id is drawn from the data's revision, so a request
 * answered without effects (a truncated fault) and its retry name the same message.
 */
export function pageMessage(data: SimulatorData, conversation: PancakeConversation, out: Outgoing, now: number): PancakeMessage {
  const page = pageContext(data, conversation.page_id).page;
  const id = `m_${Random.of('sent', data.seed, conversation.id, data.revision).alnum(40)}`;
  return {
    id,
    conversation_id: conversation.id,
    page_id: page.id,
    // Sent through the public API, not by an employee in the Pancake app: no admin_name/uid (inferred).
    from: { id: page.id, name: page.name },
    message: toHtml(out.text),
    original_message: out.text,
    type: out.type,
    inserted_at: formatField(id, 'inserted_at', changeTime(conversation, data.messages.get(conversation.id) ?? [], now)),
    attachments: out.attachments,
    is_hidden: false,
    is_removed: false,
    has_phone: phonesIn(out.text).length > 0,
    seen: true,
  };
}

/** Appends a page message: the conversation's updated_at, message_count, snippet and last_sent_by follow. */
export function deliver(data: SimulatorData, conversation: PancakeConversation, message: PancakeMessage): void {
  const messages = data.messages.get(conversation.id) ?? [];
  // Answering reads what came before.
  for (const m of messages) m.seen = true;
  messages.push(message);
  data.messages.set(conversation.id, messages);
  summarize(conversation, messages, parseApiTime(message.inserted_at));
  data.revision++;
}

export function hasPrivateReply(data: SimulatorData, commentId: string): boolean {
  return privatelyAnswered.get(data)?.has(commentId) ?? false;
}

export function notePrivateReply(data: SimulatorData, commentId: string): void {
  const set = privatelyAnswered.get(data) ?? new Set<string>();
  set.add(commentId);
  privatelyAnswered.set(data, set);
}

/**
 * A private reply lands in the commenter's Messenger inbox: the page's INBOX conversation with them
 * (id `<page_id>_<psid>`). When there is none yet, a new one is returned, not registered: the reply
 * opens it (openConversation) only when its effects apply.
 */
export function inboxOf(data: SimulatorData, comment: PancakeConversation, now: number): PancakeConversation {
  const psid = comment.page_customer?.psid ?? comment.from?.id ?? '';
  const id = `${comment.page_id}_${psid}`;
  const existing = data.conversationById.get(id);
  if (existing) return existing;
  const at = formatField(id, 'inserted_at', now);
  return {
    id,
    page_id: comment.page_id,
    type: 'INBOX',
    inserted_at: at,
    updated_at: at,
    customer_id: comment.customer_id ?? null,
    customers: (comment.customers ?? []).map((c) => ({ ...c })),
    page_customer: comment.page_customer ? { ...comment.page_customer } : null,
    from: { id: psid, name: comment.from?.name ?? null, email: `${psid}@facebook.com` },
    post_id: null,
    ...emptyConversationState(),
  };
}

export function openConversation(data: SimulatorData, conversation: PancakeConversation): void {
  if (data.conversationById.has(conversation.id)) return;
  data.conversations.get(conversation.page_id)?.push(conversation);
  data.conversationById.set(conversation.id, conversation);
  data.messages.set(conversation.id, []);
  data.revision++;
}
