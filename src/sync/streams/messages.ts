import { MESSAGES_PER_BATCH } from '../../pancake/client.js';
import { PancakeError } from '../../pancake/errors.js';
import type { ListMessagesResponse } from '../../pancake/types.js';
import { anyMessageStored, anyStaleSince, countStaleConversations, historyIncompletePart, messageStatePart, staleConversations, writeMessageState, type StaleConversation } from '../../warehouse/message-state.js';
import { writeTogether } from '../../warehouse/statement.js';
import { upsertParts } from '../../warehouse/upsert.js';
import type { Stream, StreamContext } from '../stream.js';
import { adClicksOfAnswer, adClicksTable, conversationDetailsTable, mapConversationDetails } from './ad-clicks.js';
import { mapMessage, messagesTable } from './message-rows.js';
import { messagesLeft } from './messages-estimate.js';
import { visitParents } from './parent-visits.js';
import { watchNewestVisits } from '../recent-first.js';

export { mapMessage, messagesTable, senderKind, type MessageRow } from './message-rows.js';


export const messagesStream: Stream = {
  name: 'messages',
  table: 'pancake.messages',
  description: 'messages of every conversation that is new or changed since its messages were stored',
  // Runs alongside the conversations walk and takes conversations as they are committed, newest
  // first (parent-visits.ts): with the walk going newest first too, the newest conversations get
  // their messages within the first seconds of a backfill instead of after the whole walk. The two
  // meet only in the warehouse (a conversation is stale until its messages are stored for its
  // current version) and in the promise of the walk's end.
  follows: 'conversations',
  newestFirst: 'follow',
  async run(ctx) {
    ctx.counts.requests = 0;
    const recent = ctx.recentFirst;
    const visit = (conversation: StaleConversation) => syncConversation(ctx, conversation);
    await visitParents<StaleConversation>({
      concurrency: ctx.settings.concurrency,
      ...(ctx.upstream && { upstream: ctx.upstream }),
      next: (after, limit) => staleConversations(ctx.db, ctx.page.id, after && { updatedAt: after.updated_at, id: after.id }, limit),
      // Newest first, and the page's other streams wait until the newest days are done.
      visit: recent ? watchNewestVisits(recent, visit, async () => !(await anyStaleSince(ctx.db, ctx.page.id, recent.horizon))) : visit,
      // For progress and the ETA only: revised alongside the walk, never waited for.
      onSlice: (upstreamRunning) =>
        void messagesLeft(ctx, upstreamRunning)
          .then((left) => {
            ctx.counts.unitsTotal = ctx.counts.unitsDone + left.conversations;
            ctx.counts.requestsTotal = (ctx.counts.requests ?? 0) + left.requests;
          })
          .catch(() => undefined),
    });
  },
  async plan(ctx) {
    const { conversations, reportedMessages, walkRequests } = await countStaleConversations(ctx.db, ctx.page.id, MESSAGES_PER_BATCH);
    // From the stored message_count of each conversation (message-state.ts); it undercounts items
    // (ad clicks), so this is a floor. Conversations this run's walk has not stored yet are unknown.
    const estimated = Math.max(walkRequests, Math.ceil(reportedMessages / MESSAGES_PER_BATCH));
    return {
      units: conversations,
      estimatedRequests: estimated,
      detail: `${conversations} stored conversation(s) with messages to fetch (more may come from this run's conversations)`,
    };
  },
};

/**
 * Fetches a conversation's messages newest batch first. The history is complete only when the API
 * says so: a batch shorter than 30 (the oldest one), or, when the whole history was stored before,
 * a batch holding a stored message (messages only ever join at the newest end, so everything older
 * than a stored one is stored too). Never because `message_count` items were seen: the API leaves
 * ad-click entries out of that count, and stopping on it loses the oldest items for good.
 * Each batch is committed as it arrives, in one statement; the conversation's state is written with the last batch,
 * and an unfinished walk marks the history incomplete so that a crash is followed by a full walk
 * instead of an early stop above a gap.
 */
async function syncConversation(ctx: StreamContext, conversation: StaleConversation): Promise<void> {
  const { client, db, page } = ctx;
  const stopAtStored = conversation.history_complete === true;
  let position = 0;
  let markedIncomplete = false;

  for (;;) {
    let answer: ListMessagesResponse;
    try {
      ctx.counts.requests = (ctx.counts.requests ?? 0) + 1;
      answer = await client.listMessages(page.id, conversation.id, { customerId: conversation.customer_id, currentCount: position });
    } catch (error) {
      if (error instanceof PancakeError && error.kind === 'not_found') {
        ctx.log.warn({ conversationId: conversation.id }, 'conversation no longer exists in Pancake; its stored messages are kept');
        await writeMessageState(db, page.id, conversation.id, conversation.updated_at, false);
        return;
      }
      throw error;
    }
    const batch = answer.messages;
    const first = position === 0;
    ctx.counts.records += batch.length;
    position += batch.length;

    const reachedStored = stopAtStored && (await anyMessageStored(db, page.id, batch.map((m) => String(m.id))));
    const final = reachedStored || batch.length < MESSAGES_PER_BATCH;

    // The batch's rows and what it tells of the walk, in one statement (statement.ts).
    const warn = ctx.onStorageWarning ?? null;
    const parts = upsertParts(messagesTable, batch.map((m) => mapMessage(m, page.id, conversation.id)), warn);
    // Every batch repeats the rest of the answer; the first one (the newest) is kept.
    if (first) parts.push(...upsertParts(conversationDetailsTable, [mapConversationDetails(answer, page.id, conversation.id)], warn), ...upsertParts(adClicksTable, adClicksOfAnswer(answer, page.id, conversation.id), warn));
    if (final) parts.push(messageStatePart(page.id, conversation.id, conversation.updated_at, true));
    else if (stopAtStored && !markedIncomplete) {
      parts.push(historyIncompletePart(page.id, conversation.id));
      markedIncomplete = true;
    }
    const written = await writeTogether(db, parts);
    ctx.counts.rowsWritten += written; // added after the await: concurrent walks share the counter
    if (final) break;
  }
  ctx.counts.unitsDone += 1;
}
