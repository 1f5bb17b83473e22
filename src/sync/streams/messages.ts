import pLimit from 'p-limit';
import { sql } from 'kysely';
import { MESSAGES_PER_BATCH } from '../../pancake/client.js';
import { PancakeError } from '../../pancake/errors.js';
import { parseApiTimestamp } from '../../pancake/time.js';
import type { PancakeMessage } from '../../pancake/types.js';
import type { MessagesTable } from '../../warehouse/schema.js';
import { upsertRows, type Queryable, type TableSpec } from '../../warehouse/upsert.js';
import { bool, str } from '../map.js';
import type { Stream, StreamContext } from '../stream.js';

export type MessageRow = Omit<MessagesTable, 'synced_at' | 'raw' | 'inserted_at'> & { inserted_at: Date | null; raw: unknown };

export const messagesTable: TableSpec<MessageRow> = {
  table: 'pancake.messages',
  key: ['page_id', 'id'],
  columns: [
    { name: 'page_id', type: 'text' },
    { name: 'id', type: 'text' },
    { name: 'conversation_id', type: 'text' },
    { name: 'inserted_at', type: 'timestamptz' },
    { name: 'from_id', type: 'text' },
    { name: 'from_name', type: 'text' },
    { name: 'is_from_page', type: 'boolean' },
    { name: 'sender_user_id', type: 'text' },
    { name: 'sender_admin_name', type: 'text' },
    { name: 'text', type: 'text' },
    { name: 'type', type: 'text' },
    { name: 'attachment_count', type: 'integer' },
    { name: 'has_phone', type: 'boolean' },
    { name: 'is_hidden', type: 'boolean' },
    { name: 'is_removed', type: 'boolean' },
    { name: 'raw', type: 'jsonb' },
  ],
};

export function mapMessage(m: PancakeMessage, pageId: string, conversationId: string): MessageRow {
  const fromId = str(m.from?.id);
  const fromPage = fromId !== null ? fromId === pageId : null;
  return {
    page_id: pageId,
    id: String(m.id),
    conversation_id: str(m.conversation_id) ?? conversationId,
    inserted_at: parseApiTimestamp(m.inserted_at),
    from_id: fromId,
    from_name: str(m.from?.name),
    is_from_page: fromPage,
    sender_user_id: fromPage ? str(m.from?.uid) : null,
    sender_admin_name: fromPage ? str(m.from?.admin_name) : null,
    // original_message is the plain text; `message` is HTML and stays in raw.
    text: str(m.original_message) ?? htmlToText(str(m.message)),
    type: str(m.type),
    attachment_count: Array.isArray(m.attachments) ? m.attachments.length : 0,
    has_phone: bool(m.has_phone),
    is_hidden: bool(m.is_hidden),
    is_removed: bool(m.is_removed),
    raw: m,
  };
}

function htmlToText(html: string | null): string | null {
  if (html === null) return null;
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

interface StaleConversation {
  id: string;
  updated_at: Date | null;
  message_count: number | null;
  customer_id: string | null;
  history_complete: boolean | null;
}

/** Conversations are taken from the warehouse in slices, so memory stays flat on long backfills. */
const SLICE = 500;

export const messagesStream: Stream = {
  name: 'messages',
  table: 'pancake.messages',
  description: 'messages of every conversation that is new or changed since its messages were stored',
  after: ['conversations'],
  async run(ctx) {
    ctx.counts.unitsTotal = (await messagesStream.plan(ctx)).units;
    const limit = pLimit(ctx.settings.concurrency);
    let afterId = '';
    for (;;) {
      const stale = await staleConversations(ctx, afterId);
      if (stale.length === 0) return;
      afterId = stale[stale.length - 1]!.id;
      const results = await Promise.allSettled(stale.map((conversation) => limit(() => syncConversation(ctx, conversation))));
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    }
  },
  async plan(ctx) {
    const row = await ctx.db
      .selectFrom('pancake.conversations as c')
      .leftJoin('pancake.conversation_message_state as s', (join) => join.onRef('s.page_id', '=', 'c.page_id').onRef('s.conversation_id', '=', 'c.id'))
      .select((eb) => [eb.fn.countAll<string>().as('conversations'), eb.fn.sum<string | null>(eb.fn.coalesce('c.message_count', eb.val(0))).as('messages')])
      .where('c.page_id', '=', ctx.page.id)
      .where((eb) => eb.or([eb('s.conversation_id', 'is', null), eb('s.synced_updated_at', '<', eb.ref('c.updated_at'))]))
      .executeTakeFirst();
    const conversations = Number(row?.conversations ?? 0);
    return {
      units: conversations,
      estimatedRequests: conversations,
      detail: `${conversations} stored conversation(s) with messages to fetch (more may come from this run's conversations)`,
    };
  },
};

async function staleConversations(ctx: StreamContext, afterId: string): Promise<StaleConversation[]> {
  return ctx.db
    .selectFrom('pancake.conversations as c')
    .leftJoin('pancake.conversation_message_state as s', (join) => join.onRef('s.page_id', '=', 'c.page_id').onRef('s.conversation_id', '=', 'c.id'))
    .select(['c.id', 'c.updated_at', 'c.message_count', 'c.customer_id', 's.history_complete'])
    .where('c.page_id', '=', ctx.page.id)
    .where('c.id', '>', afterId)
    .where((eb) => eb.or([eb('s.conversation_id', 'is', null), eb('s.synced_updated_at', '<', eb.ref('c.updated_at'))]))
    .orderBy('c.id')
    .limit(SLICE)
    .execute();
}

/**
 * Fetches a conversation's messages newest batch first. When its whole history is already stored,
 * the walk stops at the first batch holding a stored message: messages only ever join at the
 * newest end, so everything older than a stored one is stored too. Otherwise it walks to the
 * oldest message. Each batch is committed as it arrives; the conversation's state is written with
 * the last batch, and an unfinished walk marks the history incomplete so a crash is followed by a
 * full re-walk instead of an early stop above a gap.
 */
async function syncConversation(ctx: StreamContext, conversation: StaleConversation): Promise<void> {
  const { client, db, page } = ctx;
  const stopAtStored = conversation.history_complete === true;
  const seen = new Set<string>();
  let position = 0;
  let countIsCurrent = true;
  let markedIncomplete = false;

  for (;;) {
    let batch: PancakeMessage[];
    try {
      batch = (await client.listMessages(page.id, conversation.id, { customerId: conversation.customer_id, currentCount: position })).messages;
    } catch (error) {
      if (error instanceof PancakeError && error.kind === 'not_found') {
        ctx.log.warn({ conversationId: conversation.id }, 'conversation no longer exists in Pancake; its stored messages are kept');
        await writeMessageState(db, page.id, conversation, false);
        return;
      }
      throw error;
    }
    ctx.counts.records += batch.length;
    position += batch.length;
    for (const message of batch) seen.add(String(message.id));
    if (position === batch.length && conversation.updated_at) {
      // message_count describes the conversation as the conversations stream read it; a message
      // newer than that version means the count is stale and cannot end the walk.
      const newest = batch.reduce<Date | null>((max, m) => {
        const at = parseApiTimestamp(m.inserted_at);
        return at && (!max || at > max) ? at : max;
      }, null);
      countIsCurrent = !newest || newest <= conversation.updated_at;
    }

    const reachedStored = stopAtStored && batch.length > 0 && (await anyStored(db, page.id, batch));
    const reachedOldest =
      batch.length < MESSAGES_PER_BATCH || (countIsCurrent && conversation.message_count !== null && seen.size >= conversation.message_count);
    const final = reachedStored || reachedOldest;

    await db.transaction().execute(async (trx) => {
      const written = await upsertRows(trx, messagesTable, batch.map((m) => mapMessage(m, page.id, conversation.id)));
        ctx.counts.rowsWritten += written; // read after the await: concurrent walks share the counter
      if (final) {
        await writeMessageState(trx, page.id, conversation, true);
      } else if (stopAtStored && !markedIncomplete) {
        await trx
          .updateTable('pancake.conversation_message_state')
          .set({ history_complete: false })
          .where('page_id', '=', page.id)
          .where('conversation_id', '=', conversation.id)
          .execute();
        markedIncomplete = true;
      }
    });
    if (final) break;
  }
  ctx.counts.unitsDone += 1;
}

async function anyStored(db: Queryable, pageId: string, batch: PancakeMessage[]): Promise<boolean> {
  const ids = batch.map((m) => String(m.id));
  const row = await db
    .selectFrom('pancake.messages')
    .select(sql<number>`1`.as('one'))
    .where('page_id', '=', pageId)
    .where('id', 'in', ids)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

async function writeMessageState(db: Queryable, pageId: string, conversation: StaleConversation, complete: boolean): Promise<void> {
  const values = { synced_updated_at: conversation.updated_at, history_complete: complete };
  await db
    .insertInto('pancake.conversation_message_state')
    .values({ page_id: pageId, conversation_id: conversation.id, ...values })
    .onConflict((oc) => oc.columns(['page_id', 'conversation_id']).doUpdateSet({ ...values, updated_at: sql`now()` }))
    .execute();
}
