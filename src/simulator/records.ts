import { createHash } from 'node:crypto';
// Building blocks shared by the initial data set and the live mutations: one message, one empty
// conversation, and the summary fields the API derives from a conversation's messages. Keeping them
// in one place is what guarantees the invariants tests rely on (updated_at == last message time,
// message_count == number of messages, snippet == last text) after any mutation.

import type { ApiParticipant, ApiTag, PancakeConversation, PancakeMessage, PancakePage } from '../pancake/types.js';
import type { Random } from './random.js';
import { customerLine, customerPhoneLine, pageLine, personName, phoneNumber, toHtml } from './text.js';
import { formatApiTime, parseApiTime, timeStyleFor } from './time.js';

export interface Employee {
  id: string;
  name: string;
  fb_id: string;
}

/** What a page's conversations need to know about their page. */
export interface PageContext {
  page: PancakePage;
  employees: Employee[];
  tags: ApiTag[];
}

export type Sender = 'customer' | 'page';

const PHONE = /\b0[35789]\d{8}\b/g;

export function formatField(recordId: string, field: string, ms: number): string {
  return formatApiTime(ms, timeStyleFor(`${recordId}:${field}`));
}

/** What the API shows for a conversation without messages, tags or assignees yet. */
export function emptyConversationState(): Pick<
  PancakeConversation,
  'message_count' | 'snippet' | 'seen' | 'has_phone' | 'tags' | 'tag_histories' | 'assignee_ids' | 'current_assign_users' | 'assignee_histories' | 'last_sent_by' | 'recent_phone_numbers' | 'ads' | 'ad_ids'
> {
  return {
    message_count: 0,
    snippet: null,
    seen: true,
    has_phone: false,
    tags: [],
    tag_histories: [],
    assignee_ids: [],
    current_assign_users: [],
    assignee_histories: [],
    last_sent_by: null,
    recent_phone_numbers: [],
    ads: [],
    ad_ids: [],
  };
}

/** A conversation without messages yet: identity, customer and the page-side state (tags, assignees). */
export function newConversation(ctx: PageContext, rng: Random, type: 'INBOX' | 'COMMENT', atMs: number): PancakeConversation {
  const pageId = ctx.page.id;
  const person = personName(rng);
  const psid = rng.digits(rng.chance(0.5) ? 16 : 17);
  const fbId = rng.digits(15);
  const customerId = rng.uuid();
  const postId = type === 'COMMENT' ? `${pageId}_${rng.digits(15)}` : null;
  const id = postId ? `${postId}_${rng.digits(16)}` : `${pageId}_${psid}`;
  // Comment threads are addressed by the commenter's global Facebook id, inbox threads by the page-scoped id.
  const participantId = type === 'COMMENT' ? fbId : psid;
  const at = formatField(id, 'inserted_at', atMs);
  const conversation: PancakeConversation = {
    id,
    page_id: pageId,
    type,
    inserted_at: at,
    updated_at: at,
    customer_id: customerId,
    customers: [{ id: customerId, fb_id: fbId, name: person.name }],
    page_customer: { id: rng.uuid(), customer_id: customerId, psid, name: person.name, gender: person.gender },
    from: { id: participantId, name: person.name, email: `${psid}@facebook.com` },
    post_id: postId,
    ...emptyConversationState(),
  };
  assignTagsAndAssignees(ctx, rng, conversation);
  return conversation;
}

/** Re-tags and re-assigns, as employees do all day; the real API may hold `null` inside `tags`. */
export function assignTagsAndAssignees(ctx: PageContext, rng: Random, conversation: PancakeConversation): void {
  const tagCount = rng.chance(0.4) ? 0 : rng.int(1, 3);
  const tags: Array<ApiTag | null> = rng.sample(ctx.tags, tagCount).map((tag) => ({ ...tag }));
  if (tags.length > 0 && rng.chance(0.15)) tags.splice(rng.int(0, tags.length), 0, null);
  const assignees = rng.sample(ctx.employees, rng.int(0, 2));
  conversation.tags = tags;
  conversation.assignee_ids = assignees.map((e) => e.id);
  conversation.current_assign_users = assignees.map((e) => ({ id: e.id, name: e.name, fb_id: e.fb_id }));
}

export function customerParticipant(conversation: PancakeConversation): ApiParticipant {
  const from = conversation.from;
  return { id: from?.id ?? '', name: from?.name ?? null };
}

export function pageParticipant(ctx: PageContext, employee: Employee): ApiParticipant {
  return { id: ctx.page.id, name: ctx.page.name, admin_name: employee.name, uid: employee.id };
}

/**
 * One message. The id is drawn first because it fixes the timestamp style, and a record with style
 * "0 digits" gets a whole-second time so that all three real formats occur in generated data.
 */
export function newMessage(
  ctx: PageContext,
  conversation: PancakeConversation,
  rng: Random,
  sender: Sender,
  second: number,
  exactMs?: number,
): PancakeMessage {
  // Unique by construction: two conversations' random streams can run into the same state, and
  // then produced the same message ids (3 of 115,185 at the benchmark's scale 1).
  const id = `m_${rng.alnum(24)}${createHash('sha1').update(conversation.id).digest('hex').slice(0, 16)}`;
  const style = timeStyleFor(`${id}:inserted_at`);
  const millis = exactMs !== undefined ? exactMs - second * 1000 : style === 0 || (style === 6 && rng.chance(0.5)) ? 0 : rng.int(1, 999);
  const ms = second * 1000 + millis;

  let text: string;
  let phone: string | null = null;
  let attachments: unknown[] = [];
  if (rng.chance(sender === 'customer' ? 0.06 : 0.03)) {
    text = '';
    const hex = rng.alnum(24).toLowerCase();
    attachments = [{ type: 'photo', url: `https://content.pancake.vn/1/s960x960/fwebp/${hex}.jpg`, image_data: { width: 960, height: 960 } }];
  } else if (sender === 'customer' && rng.chance(0.03)) {
    phone = phoneNumber(rng);
    text = customerPhoneLine(phone, rng);
  } else {
    text = sender === 'customer' ? customerLine(rng) : pageLine(rng);
  }

  const employee = rng.pick(ctx.employees);
  return {
    id,
    conversation_id: conversation.id,
    page_id: ctx.page.id,
    from: sender === 'customer' ? customerParticipant(conversation) : pageParticipant(ctx, employee),
    message: toHtml(text),
    original_message: text,
    type: conversation.type === 'COMMENT' ? 'COMMENT' : 'INBOX',
    inserted_at: formatApiTime(ms, style),
    attachments,
    is_hidden: false,
    is_removed: false,
    has_phone: phone !== null,
    seen: true,
  };
}

/**
 * Who speaks, message by message: the customer opens, then each side writes a run of 1-3 messages.
 * `first` lets an existing conversation continue with whoever did not speak last.
 */
export function planSenders(rng: Random, count: number, first: Sender = 'customer'): Sender[] {
  const senders: Sender[] = [];
  let who = first;
  while (senders.length < count) {
    const run = rng.int(1, 3);
    for (let i = 0; i < run && senders.length < count; i++) senders.push(who);
    who = who === 'customer' ? 'page' : 'customer';
  }
  return senders;
}

/** Whole seconds, oldest first, ending at `lastSecond`: quick replies inside a chat, long pauses between chats. */
export function planSeconds(rng: Random, senders: readonly Sender[], lastSecond: number): number[] {
  const seconds = new Array<number>(senders.length);
  let t = lastSecond;
  for (let k = senders.length - 1; k >= 0; k--) {
    seconds[k] = t;
    const turn = k > 0 && senders[k - 1] !== senders[k];
    const gap = rng.chance(0.06) ? rng.int(3_600, 3 * 86_400) : turn ? rng.int(20, 1_200) : rng.int(2, 90);
    t -= gap;
  }
  return seconds;
}

/** Recomputes what the API derives from the messages; `updatedMs` may be later than the last message (a re-tag). */
export function summarize(conversation: PancakeConversation, messages: readonly PancakeMessage[], updatedMs?: number): void {
  const last = messages[messages.length - 1];
  if (!last) return;
  const lastMs = parseApiTime(last.inserted_at);
  const ms = Math.max(updatedMs ?? lastMs, lastMs);
  conversation.updated_at = formatField(conversation.id, 'updated_at', ms);
  conversation.message_count = messages.length;
  conversation.snippet = last.original_message ?? '';
  const lastFrom = last.from;
  conversation.last_sent_by = lastFrom?.id === conversation.page_id ? { ...lastFrom } : { ...customerParticipant(conversation), email: conversation.from?.email ?? null };
  const phones: Array<{ phone_number: string; m_id: string }> = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as PancakeMessage;
    for (const phone of m.original_message?.match(PHONE) ?? []) {
      if (!phones.some((p) => p.phone_number === phone)) phones.push({ phone_number: phone, m_id: m.id });
    }
  }
  conversation.recent_phone_numbers = phones;
  conversation.has_phone = phones.length > 0;
  conversation.seen = lastFrom?.id === conversation.page_id || messages.every((m) => m.seen !== false);
}
