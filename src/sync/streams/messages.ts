import { MESSAGES_PER_BATCH } from '../../pancake/client.js';
import { walkMessages } from '../../pancake/message-walk.js';
import { PancakeError } from '../../pancake/errors.js';
import type { ListMessagesResponse } from '../../pancake/types.js';
import { anyMessageStored, anyStaleSince, databaseNow, countStaleConversations, historyIncompletePart, messageStatePart, staleConversations, writeMessageState, type StaleConversation } from '../../warehouse/message-state.js';
import { childRowsNotInPart } from '../../warehouse/bridges.js';
import { writeTogether, type WritePart } from '../../warehouse/write-together.js';
import type { StorageWarningSink } from '../../warehouse/storage-warnings.js';
import { upsertParts } from '../../warehouse/upsert.js';
import type { StreamContext } from '../stream.js';
import { adClicks, conversationDetails, messageAttachments, messages } from '../../warehouse/tables/inbox.js';
import { adClicksOfAnswer, mapConversationDetails } from './ad-clicks.js';
import { mapMessageAttachments } from './message-attachments.js';
import { mapMessage } from './message-rows.js';
import { messagesLeft } from './messages-estimate.js';
import { perParentStream } from '../engines/per-parent.js';
import type { SkippedRecords } from '../skipped-records.js';

export { mapMessage, senderKind, type MessageRow } from './message-rows.js';

/** A batch's messages and their attachments (the attachments of each message replaced), as parts of one statement (also measured alone by bench/cpu-parts.ts). */
export function messageParts(pageId: string, conversationId: string, batch: ListMessagesResponse['messages'], warn: StorageWarningSink): WritePart[] {
  // Nothing to write; and the arrays below, made from an empty batch, are of another kind to V8
  // than those of a full one: each late first empty batch deoptimized the walk they are inlined in.
  if (batch.length === 0) return [];
  const rows = batch.map((m) => mapMessage(m, pageId, conversationId));
  const attachments = batch.flatMap((m, i) => mapMessageAttachments(m, pageId, rows[i]!.conversation_id));
  const parents = rows.map((r) => ({ pageId: r.page_id, parentId: r.id }));
  return [
    ...upsertParts(messages, rows, warn),
    ...childRowsNotInPart('pancake.message_attachments', 'message_id', ['position'], parents, attachments.map((a) => [a.page_id, a.message_id, String(a.position)])),
    ...upsertParts(messageAttachments, attachments, warn),
  ];
}

export const messagesStream = perParentStream<StaleConversation>({
  name: 'messages',
  description: 'messages of every conversation that is new or changed since its messages were stored',
  table: messages,
  // Runs alongside the conversations walk and takes conversations as they are committed, newest
  // first (engines/parent-visits.ts): with the walk going newest first too, the newest
  // conversations get their messages within the first seconds of a backfill instead of after the
  // whole walk. The two meet only in the warehouse (a conversation waits until its messages are
  // stored for its current version) and in the promise of the walk's end.
  follows: 'conversations',
  newestFirst: 'follow',
  async waitingParents(ctx) {
    const undatedCheckedBefore = await databaseNow(ctx.db);
    return (after, limit) => staleConversations(ctx.db, ctx.page.id, after && { updatedAt: after.updated_at, id: after.id }, limit, undatedCheckedBefore);
  },
  anyWaitingSince: (ctx, since) => anyStaleSince(ctx.db, ctx.page.id, since),
  walk: syncConversation,
  left: async (ctx, upstreamRunning) => {
    const left = await messagesLeft(ctx, upstreamRunning);
    return { parents: left.conversations, requests: left.requests };
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
});

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
async function syncConversation(ctx: StreamContext, conversation: StaleConversation, skipped: SkippedRecords): Promise<'done' | 'stuck'> {
  const { client, db, page } = ctx;
  const stopAtStored = conversation.history_complete === true;
  let markedIncomplete = false;
  const fetch = (currentCount: number): Promise<ListMessagesResponse> => {
    ctx.counts.requests = (ctx.counts.requests ?? 0) + 1;
    return client.listMessages(page.id, conversation.id, { customerId: conversation.customer_id, currentCount });
  };
  try {
    // The walk (src/pancake/message-walk.ts) asks for the next batch only once this one is committed.
    for await (const step of walkMessages(fetch)) {
      if ('stuck' in step) {
        // Checked by the walk before the stored-message check below: those ids were stored by this
        // very walk, and stopping on them would call a history with a gap complete. Nothing new to
        // store; the conversation keeps its old version, so the next run walks it again.
        reportRepeatedBatch(ctx, conversation.id, step.currentCount);
        return 'stuck';
      }
      const { answer, messages: batch, ids, first } = step;
      ctx.counts.records += batch.length;
      // Paging counts every item the API sent; only items with an id can be rows.
      const storable = skipped.keep(batch, (m) => m?.id);

      const reachedStored = stopAtStored && (await anyMessageStored(db, page.id, ids));
      const final = reachedStored || step.last;

      // The batch's rows and what it tells of the walk, in one statement (write-together.ts).
      const warn = ctx.onStorageWarning ?? null;
      const parts = messageParts(page.id, conversation.id, storable, warn);
      // Every batch repeats the rest of the answer; the first one (the newest) is kept.
      if (first) parts.push(...upsertParts(conversationDetails, [mapConversationDetails(answer, page.id, conversation.id)], warn), ...upsertParts(adClicks, adClicksOfAnswer(answer, page.id, conversation.id), warn));
      if (final) parts.push(messageStatePart(page.id, conversation.id, conversation.updated_at, true));
      else if (stopAtStored && !markedIncomplete) {
        parts.push(historyIncompletePart(page.id, conversation.id));
        markedIncomplete = true;
      }
      const written = await writeTogether(db, parts);
      ctx.counts.rowsWritten += written; // added after the await: concurrent walks share the counter
      if (final) break;
    }
  } catch (error) {
    // Only the client throws PancakeError here (the warehouse's errors are pg's).
    if (error instanceof PancakeError && error.kind === 'not_found') {
      ctx.log.warn({ conversationId: conversation.id }, 'conversation no longer exists in Pancake; its stored messages are kept');
      await writeMessageState(db, page.id, conversation.id, conversation.updated_at, false);
      return 'done';
    }
    if (error instanceof PancakeError && error.kind === 'invalid_argument') {
      // An id no request path can carry (`..`, a slash): its messages cannot be asked for. The
      // other conversations go on; this one is looked at again when it changes.
      ctx.log.warn({ conversationId: conversation.id }, `messages of conversation ${JSON.stringify(conversation.id.slice(0, 60))} of page ${page.id} cannot be requested (${error.message}); skipped`);
      await writeMessageState(db, page.id, conversation.id, conversation.updated_at, false);
      return 'done';
    }
    throw error;
  }
  ctx.counts.unitsDone += 1;
  return 'done';
}

/** The one warning of a message walk Pancake stopped moving forward. */
function reportRepeatedBatch(ctx: StreamContext, conversationId: string, currentCount: number): void {
  const message =
    `messages of page ${ctx.page.id}: the walk of conversation ${conversationId} was ended early at current_count=${currentCount}: ` +
    `Pancake answered a batch of ${MESSAGES_PER_BATCH} messages this walk had all read already. What it read is stored; the conversation's messages are not counted complete and are walked again by the next run.`;
  if (ctx.onWarning) ctx.onWarning({ kind: 'stuck_walk', message });
  else ctx.log.warn(message);
}
