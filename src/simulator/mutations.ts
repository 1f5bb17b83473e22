// What a live shop does while a sync walks it: customers write, employees reply, re-tag and
// re-assign. Each change moves updated_at like the real API, which is what makes page-number paging
// over updated_at skip rows, so tests can prove the sync does not.

import type { PancakeConversation, PancakeMessage } from '../pancake/types.js';
import type { Random } from './random.js';
import { type SimulatorData, generateConversation, pageContext } from './data.js';
import { addConversationCustomer } from './entities.js';
import { type Sender, assignTagsAndAssignees, newMessage, planSenders, summarize } from './records.js';
import { parseApiTime, unixSeconds } from './time.js';

function conversationOf(data: SimulatorData, conversationId: string): PancakeConversation {
  const conversation = data.conversationById.get(conversationId);
  if (!conversation) throw new Error(`Unknown conversation ${conversationId}`);
  return conversation;
}

function lastTime(conversation: PancakeConversation, messages: readonly PancakeMessage[]): number {
  const last = messages[messages.length - 1];
  return Math.max(parseApiTime(conversation.updated_at), last ? parseApiTime(last.inserted_at) : 0);
}

/**
 * Appends `count` messages ending at `atMs`, a second apart, continuing the dialogue with whoever did
 * not write last. Times never go backwards: an `atMs` before the conversation's last change is
 * clamped to that change, so messages stay ordered and updated_at never decreases.
 */
export function appendMessages(data: SimulatorData, rng: Random, conversationId: string, count: number, atMs: number): PancakeMessage[] {
  if (!Number.isInteger(count) || count < 1) throw new Error('addMessages needs a positive integer count');
  const conversation = conversationOf(data, conversationId);
  const messages = data.messages.get(conversationId) ?? [];
  const ctx = pageContext(data, conversation.page_id);
  const floor = lastTime(conversation, messages);
  const lastFrom = messages[messages.length - 1]?.from?.id;
  const first: Sender = lastFrom === conversation.page_id ? 'customer' : 'page';
  const senders = planSenders(rng, count, first);
  const added: PancakeMessage[] = [];
  for (let k = 0; k < count; k++) {
    const ms = Math.max(floor, atMs - (count - 1 - k) * 1000);
    const message = newMessage(ctx, conversation, rng, senders[k] as Sender, unixSeconds(ms), ms);
    // A new customer message is unread until someone on the page answers.
    message.seen = senders[k] === 'page';
    added.push(message);
  }
  if (senders[count - 1] === 'page') for (const m of messages) m.seen = true;
  messages.push(...added);
  data.messages.set(conversationId, messages);
  summarize(conversation, messages);
  data.revision++;
  return added;
}

/** A new conversation with 1..5 messages, the last one at `atMs`. */
export function createConversation(data: SimulatorData, rng: Random, pageId: string, atMs: number): PancakeConversation {
  const ctx = pageContext(data, pageId);
  const conversation = generateConversation(data, ctx, rng, unixSeconds(atMs), rng.int(1, 5), atMs, atMs);
  addConversationCustomer(data, conversation);
  data.revision++;
  return conversation;
}

/** Re-tag / re-assign: the conversation changes and its updated_at moves although no message was added. */
export function touch(data: SimulatorData, rng: Random, conversationId: string, atMs: number): void {
  const conversation = conversationOf(data, conversationId);
  const messages = data.messages.get(conversationId) ?? [];
  const ctx = pageContext(data, conversation.page_id);
  const before = JSON.stringify([conversation.tags, conversation.assignee_ids]);
  // Retry a few times so a touch is a visible change, not a coin flip that re-draws the same state.
  for (let i = 0; i < 5; i++) {
    assignTagsAndAssignees(ctx, rng, conversation);
    if (JSON.stringify([conversation.tags, conversation.assignee_ids]) !== before) break;
  }
  summarize(conversation, messages, Math.max(atMs, lastTime(conversation, messages)));
  data.revision++;
}
