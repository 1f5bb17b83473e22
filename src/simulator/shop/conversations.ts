// One conversation with all its items, registered in the data set. The kind of thread, how many ads
// brought its customer, and how it opens follow the rates of the real conversation list
// (test/fixtures/real-samples/README.md): on Facebook pages 56 of 60 threads are inbox threads (3 are
// comment threads, 1 a review), and 42 of 56 inbox threads were opened from ads, some of them
// several times on different days.

import type { PancakeConversation, PancakeMessage } from '../../pancake/types.js';
import { describeCustomer, tagHistory } from './customer-profile.js';
import type { SimulatorData } from './model.js';
import { buildMessage } from './messages.js';
import { review } from './page-texts.js';
import type { Random } from './random.js';
import { type ConversationType, newConversation } from './new-conversation.js';
import type { PageContext } from './pages.js';
import { planScript, planTimes } from './conversation-script.js';
import { isAdClickItem, senderKindOf } from './sender-kinds.js';
import { reviewSnippet, summarize } from './conversation-summary.js';
import { formatApiTime, formatField, parseApiTime } from './time.js';
import { assigneeHistory } from './assignee-history.js';
import { markAutomatedReplies } from './automated-replies.js';
import { applyChannelShape } from './channel-shape.js';

/** Ad clicks per inbox thread in the real list: 14 × 0, 23 × 1, 8 × 2, 3 × 3, 4 × 4, 6, 7 and 2 × 8 (of 56). */
const CLICKS = [
  [0, 14],
  [1, 23],
  [2, 8],
  [3, 3],
  [4, 4],
  [6, 1],
  [7, 1],
  [8, 2],
] as const;

export function drawClicks(rng: Random): number {
  let r = rng.int(1, 56);
  for (const [clicks, weight] of CLICKS) {
    r -= weight;
    if (r <= 0) return clicks;
  }
  return 0;
}

function drawType(ctx: PageContext, rng: Random): ConversationType {
  if (!ctx.facebook) return 'INBOX';
  const draw = rng.next();
  return draw < 0.05 ? 'COMMENT' : draw < 0.067 ? 'RATING' : 'INBOX';
}

function register(data: SimulatorData, conversation: PancakeConversation, messages: PancakeMessage[]): void {
  data.conversations.get(conversation.page_id)?.push(conversation);
  data.conversationById.set(conversation.id, conversation);
  data.messages.set(conversation.id, messages);
}

/** A review: no messages (message_count 0), its text only in the snippet, the reviewer as last sender. */
function reviewThread(conversation: PancakeConversation, rng: Random, atMs: number): void {
  const at = formatField(conversation.id, 'inserted_at', atMs);
  conversation.inserted_at = at;
  conversation.updated_at = at;
  conversation.snippet = reviewSnippet(review(rng));
  conversation.last_sent_by = { id: String(conversation.from?.id ?? ''), name: conversation.from?.name ?? null };
}

/**
 * A conversation whose last item is at `lastSecond` (or exactly `lastMs` when given, for live
 * mutations), with `count` counted items (comment threads fewer, reviews none), registered in `data`.
 */
export function generateConversation(data: SimulatorData, ctx: PageContext, rng: Random, lastSecond: number, count: number, nowMs: number, lastMs?: number): PancakeConversation {
  const type = drawType(ctx, rng);
  let conversation = newConversation(ctx, rng, type, lastSecond * 1000);
  while (data.conversationById.has(conversation.id)) conversation = newConversation(ctx, rng, type, lastSecond * 1000);
  const messages: PancakeMessage[] = [];
  if (type === 'RATING') {
    reviewThread(conversation, rng, lastMs ?? lastSecond * 1000);
  } else {
    const inbox = type === 'INBOX';
    const n = inbox ? count : Math.min(count, rng.chance(0.6) ? 1 : rng.int(2, 4));
    const plan = planScript(rng, n, { clicks: inbox && ctx.facebook ? drawClicks(rng) : 0, bot: inbox && ctx.facebook, notices: inbox, after: null });
    const seconds = planTimes(rng, plan, lastSecond);
    const thread = { ctx, conversation, rng, history: messages };
    plan.forEach(({ step }, k) => {
      const second = seconds[k]!;
      const exact = lastMs !== undefined ? lastMs - (lastSecond - second) * 1000 : undefined;
      const message = buildMessage(thread, step, exact ?? second * 1000, exact !== undefined);
      if (!message) return;
      // Generated data must not end in the future of `now`, even when `now` has milliseconds.
      if (exact === undefined && parseApiTime(message.inserted_at) > nowMs) message.inserted_at = formatApiTime(nowMs, 6);
      messages.push(message);
    });
    // Some customers wrote last and nobody has read it yet.
    const counted = messages.filter((m) => !isAdClickItem(m));
    if (counted.length > 0 && senderKindOf(counted.at(-1)!, ctx.page.id) === 'customer' && rng.chance(0.3)) {
      for (let k = counted.length - 1; k >= 0 && senderKindOf(counted[k]!, ctx.page.id) === 'customer'; k--) counted[k]!.seen = false;
    }
    conversation.inserted_at = formatField(conversation.id, 'inserted_at', parseApiTime(messages[0]!.inserted_at));
    markAutomatedReplies(data.seed, conversation, messages);
    summarize(conversation, messages);
  }
  describeCustomer(ctx, rng, conversation, messages);
  conversation.tag_histories = tagHistory(ctx, rng, conversation, parseApiTime(conversation.inserted_at), parseApiTime(conversation.updated_at));
  conversation.assignee_histories = assigneeHistory(data.seed, conversation, ctx.employees, parseApiTime(conversation.inserted_at), parseApiTime(conversation.updated_at));
  applyChannelShape(conversation, ctx.page.platform, (data.conversations.get(conversation.page_id)?.length ?? 0) === 0);
  register(data, conversation, messages);
  return conversation;
}
