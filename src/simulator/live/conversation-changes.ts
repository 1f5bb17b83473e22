// What a live shop does while a sync walks it: customers write, employees reply, re-tag and
// re-assign, and now and then a customer comes back through an ad. Each change moves updated_at like
// the real API, which is what makes page-number paging over updated_at skip rows, so tests can prove
// the sync does not.

import { assignmentChange, currentAssignees } from '../shop/assignee-history.js';
import { activityTime, applyChannelShape } from '../shop/channel-shape.js';
import { isFromPage } from '../shop/channel-ids.js';
import type { ApiTag, PancakeConversation, PancakeMessage } from '../../pancake/types.js';
import type { SimulatorData } from '../shop/model.js';
import { addConversationCustomer } from '../shop/customers.js';
import { buildMessage } from '../shop/messages.js';
import { pageContext } from '../shop/pages.js';
import type { Random } from '../shop/random.js';
import { assignTagsAndAssignees } from '../shop/new-conversation.js';
import { planScript } from '../shop/conversation-script.js';
import { isAdClickItem } from '../shop/sender-kinds.js';
import { summarize } from '../shop/conversation-summary.js';
import { generateConversation } from '../shop/conversations.js';
import { formatApiTime, parseApiTime, unixSeconds } from '../shop/time.js';

function conversationOf(data: SimulatorData, conversationId: string): PancakeConversation {
  const conversation = data.conversationById.get(conversationId);
  if (!conversation) throw new Error(`Unknown conversation ${conversationId}`);
  return conversation;
}

function lastTime(conversation: PancakeConversation, messages: readonly PancakeMessage[]): number {
  const last = messages[messages.length - 1];
  return Math.max(parseApiTime(activityTime(conversation)), last ? parseApiTime(last.inserted_at) : 0);
}

/**
 * Appends `count` counted items ending at `atMs`, a second apart, continuing the dialogue with
 * whoever did not write last; in a Facebook inbox thread, 1 time in 20 the customer comes back
 * through an ad (the ad click comes on top of `count`). Times never go backwards: an `atMs` before
 * the conversation's last change is clamped to that change. Returns every item added.
 */
export function appendMessages(data: SimulatorData, rng: Random, conversationId: string, count: number, atMs: number): PancakeMessage[] {
  if (!Number.isInteger(count) || count < 1) throw new Error('addMessages needs a positive integer count');
  const conversation = conversationOf(data, conversationId);
  if (conversation.type === 'RATING') throw new Error(`Conversation ${conversationId} is a review: it has no messages to add to`);
  const messages = data.messages.get(conversationId) ?? [];
  const ctx = pageContext(data, conversation.page_id);
  const floor = lastTime(conversation, messages);
  const lastCounted = [...messages].reverse().find((m) => !isAdClickItem(m));
  const inbox = conversation.type === 'INBOX';
  const clicks = inbox && ctx.facebook && rng.chance(0.05) ? 1 : 0;
  const plan = planScript(rng, count, { clicks, bot: false, notices: inbox, after: lastCounted !== undefined && isFromPage(lastCounted, conversation.page_id) ? 'page' : 'customer' });
  const added: PancakeMessage[] = [];
  const thread = { ctx, conversation, rng, history: messages };
  plan.forEach(({ step }, k) => {
    const ms = Math.max(floor, atMs - (plan.length - 1 - k) * 1000);
    const message = buildMessage(thread, step, ms, true);
    if (!message) return;
    // A new customer message is unread until someone on the page answers.
    if (step.kind === 'customer') message.seen = false;
    added.push(message);
    messages.push(message);
  });
  const last = added.at(-1);
  if (last !== undefined && isFromPage(last, conversation.page_id)) for (const m of messages) if (!isFromPage(m, conversation.page_id)) m.seen = true;
  data.messages.set(conversationId, messages);
  summarize(conversation, messages);
  data.revision++;
  return added;
}

/** A new conversation with 1..5 counted items, the last one at `atMs`. */
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
  const assigneesBefore = currentAssignees(conversation);
  const tagsBefore = (conversation.tags ?? []).filter((t): t is ApiTag => t !== null);
  const before = JSON.stringify([conversation.tags, assigneesBefore]);
  // Retry a few times so a touch is a visible change, not a coin flip that re-draws the same state.
  for (let i = 0; i < 5; i++) {
    assignTagsAndAssignees(ctx, rng, conversation);
    if (JSON.stringify([conversation.tags, conversation.assignee_ids]) !== before) break;
  }
  const changedAt = Math.max(atMs, lastTime(conversation, messages));
  // The histories record the change, as Pancake's do (the editor: unknown, inferred).
  const assignment = assignmentChange(assigneesBefore, conversation.assignee_ids ?? [], ctx.employees, changedAt);
  if (assignment) conversation.assignee_histories = [...(conversation.assignee_histories ?? []), assignment];
  const tagsAfter = (conversation.tags ?? []).filter((t): t is ApiTag => t !== null);
  const tagEntry = (action: 'add' | 'remove', tag: ApiTag) => ({ inserted_at: formatApiTime(changedAt, 6), payload: { action, editor_id: null, tag: { ...tag } } });
  conversation.tag_histories = [
    ...(conversation.tag_histories ?? []),
    ...tagsBefore.filter((t) => !tagsAfter.some((a) => a.id === t.id)).map((t) => tagEntry('remove', t)),
    ...tagsAfter.filter((t) => !tagsBefore.some((b) => b.id === t.id)).map((t) => tagEntry('add', t)),
  ];
  applyChannelShape(conversation, ctx.page.platform, false);
  summarize(conversation, messages, changedAt);
  data.revision++;
}
