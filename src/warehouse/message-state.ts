import { sql, type ExpressionBuilder } from 'kysely';
import type { Database } from './schema.js';
import { writeTogether, type WritePart } from './write-together.js';
import type { Queryable } from './table-spec.js';

// Per conversation: which version of it has all its messages stored (conversation_message_state).
// The messages stream asks these questions; the SQL lives here.

/** A conversation whose messages are not all stored for its current version. */
export interface StaleConversation {
  id: string;
  updated_at: Date | null;
  customer_id: string | null;
  /** True when its whole history was stored once: a walk may then stop at the first stored message. */
  history_complete: boolean | null;
}

/**
 * A conversation's messages are stale when none were stored, or when its updated_at moved past the
 * version stored. A conversation without updated_at (the official WhatsApp example has none) is
 * stale when its row was rewritten (its record changed) after its messages were stored. One whose
 * messages were stored while it had no updated_at and that has one now (a message arrived) is
 * stale too: `null < updated_at` is not true in SQL, so without that case it never was again.
 */
const isStale = (eb: ExpressionBuilder<Database & { c: Database['pancake.conversations']; s: Database['pancake.conversation_message_state'] }, 'c' | 's'>) =>
  eb.or([
    eb('s.conversation_id', 'is', null),
    eb('s.synced_updated_at', '<', eb.ref('c.updated_at')),
    eb.and([eb('s.synced_updated_at', 'is', null), eb('c.updated_at', 'is not', null)]),
    eb.and([eb('c.updated_at', 'is', null), eb('c.synced_at', '>', eb.ref('s.updated_at'))]),
  ]);

const staleFilter = (pageId: string, undatedCheckedBefore: Date | null = null) => (db: Queryable) =>
  db
    .selectFrom('pancake.conversations as c')
    .leftJoin('pancake.conversation_message_state as s', (join) => join.onRef('s.page_id', '=', 'c.page_id').onRef('s.conversation_id', '=', 'c.id'))
    .where('c.page_id', '=', pageId)
    // A conversation Pancake deleted (marked by a sweep) has no messages left to read.
    .where('c.deleted_at', 'is', null)
    .where((eb) =>
      undatedCheckedBefore === null
        ? isStale(eb)
        : eb.or([isStale(eb), eb.and([eb('c.updated_at', 'is', null), eb('s.updated_at', '<', undatedCheckedBefore)])]),
    );

/**
 * The database's clock now. A run's messages stream takes it as it starts: a conversation without
 * updated_at whose messages were last checked before it is checked again (see staleConversations).
 */
export async function databaseNow(db: Queryable): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`select now() as now`.execute(db);
  return rows[0]!.now;
}

/** Where a walk over stale conversations stands: the last one taken, in newest-first order. */
export interface StaleKey {
  updatedAt: Date | null;
  id: string;
}

/**
 * The next `limit` stale conversations of a page after `after`, newest updated_at first, then by id
 * (a slice keeps memory flat): the order the messages stream visits them in, so that the newest
 * conversations get their messages first during a backfill. `desc nulls first` is the page's
 * (page_id, updated_at) index read backwards, so a slice stops reading at its limit; the rare
 * conversation without updated_at comes first.
 *
 * With `undatedCheckedBefore`, also every conversation without updated_at whose messages were last
 * checked before that instant (the database's clock): such a conversation never moves in an
 * updated_at listing and its record may not change when messages arrive, so each run checks its
 * newest batch (one request while its history is stored) instead of never seeing them.
 */
export async function staleConversations(db: Queryable, pageId: string, after: StaleKey | null, limit: number, undatedCheckedBefore: Date | null = null): Promise<StaleConversation[]> {
  let query = staleFilter(pageId, undatedCheckedBefore)(db).select(['c.id', 'c.updated_at', 'c.customer_id', 's.history_complete']);
  if (after) {
    const { updatedAt, id } = after;
    query = query.where((eb) =>
      updatedAt === null
        ? eb.or([eb('c.updated_at', 'is not', null), eb.and([eb('c.updated_at', 'is', null), eb('c.id', '<', id)])])
        : eb.or([eb('c.updated_at', '<', updatedAt), eb.and([eb('c.updated_at', '=', updatedAt), eb('c.id', '<', id)])]),
    );
  }
  return query.orderBy(sql`c.updated_at desc nulls first`).orderBy('c.id', 'desc').limit(limit).execute();
}

/** Whether any conversation of a page updated at or after `since` (or never) waits for messages. */
export async function anyStaleSince(db: Queryable, pageId: string, since: Date): Promise<boolean> {
  const row = await staleFilter(pageId)(db)
    .where((eb) => eb.or([eb('c.updated_at', '>=', since), eb('c.updated_at', 'is', null)]))
    .select('c.id')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * How many conversations of a page wait for messages, the messages the API reports for them, and
 * the requests their walks should take: a full walk reads floor(count / per batch) + 1 batches (the
 * last one short); a conversation whose history is stored stops at its first stored message, which
 * is almost always in the first batch.
 */
export async function countStaleConversations(db: Queryable, pageId: string, perBatch = 30): Promise<{ conversations: number; reportedMessages: number; walkRequests: number }> {
  const row = await staleFilter(pageId)(db)
    .select((eb) => [
      eb.fn.countAll<string>().as('conversations'),
      eb.fn.sum<string | null>(eb.fn.coalesce('c.message_count', eb.val(0))).as('messages'),
      sql<string | null>`sum(case when s.history_complete then 1 else floor(coalesce(c.message_count, 0) / ${perBatch}::int) + 1 end)`.as('requests'),
    ])
    .executeTakeFirst();
  return { conversations: Number(row?.conversations ?? 0), reportedMessages: Number(row?.messages ?? 0), walkRequests: Number(row?.requests ?? 0) };
}

/**
 * Conversations waiting for messages, per page, and the newest updated_at among them: every stored
 * conversation updated after it has its messages (for status, during a newest-first backfill).
 */
export async function staleConversationsByPage(db: Queryable): Promise<Map<string, { count: number; newest: Date | null }>> {
  const rows = await db
    .selectFrom('pancake.conversations as c')
    .leftJoin('pancake.conversation_message_state as s', (join) => join.onRef('s.page_id', '=', 'c.page_id').onRef('s.conversation_id', '=', 'c.id'))
    .select(['c.page_id', (eb) => eb.fn.countAll<string>().as('n'), (eb) => eb.fn.max('c.updated_at').as('newest')])
    .where('c.deleted_at', 'is', null)
    .where(isStale)
    .groupBy('c.page_id')
    .execute();
  return new Map(rows.map((r) => [r.page_id, { count: Number(r.n), newest: r.newest ?? null }]));
}

/** Stored conversations of a page whose updated_at lies in [from, until). */
export async function countConversationsUpdatedBetween(db: Queryable, pageId: string, from: Date, until: Date): Promise<number> {
  const row = await db
    .selectFrom('pancake.conversations')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('page_id', '=', pageId)
    .where('updated_at', '>=', from)
    .where('updated_at', '<', until)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Whether any of these message ids is stored for the page. */
export async function anyMessageStored(db: Queryable, pageId: string, ids: readonly string[]): Promise<boolean> {
  if (ids.length === 0) return false;
  const row = await db
    .selectFrom('pancake.messages')
    .select(sql<number>`1`.as('one'))
    .where('page_id', '=', pageId)
    .where('id', 'in', ids)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Records that the conversation's version `updatedAt` has its messages stored (complete: back to the first one). */
export async function writeMessageState(db: Queryable, pageId: string, conversationId: string, updatedAt: Date | null, complete: boolean): Promise<void> {
  await writeTogether(db, [messageStatePart(pageId, conversationId, updatedAt, complete)]);
}

/** writeMessageState as a part of a statement (write-together.ts), written with the batch it concludes. */
export function messageStatePart(pageId: string, conversationId: string, updatedAt: Date | null, complete: boolean): WritePart {
  return {
    size: 0,
    counts: false,
    render: (p) =>
      `insert into pancake.conversation_message_state (page_id, conversation_id, synced_updated_at, history_complete) ` +
      `values (${p.add(pageId)}, ${p.add(conversationId)}, ${p.add(updatedAt)}::timestamptz, ${p.add(complete)}::boolean) ` +
      `on conflict (page_id, conversation_id) do update set synced_updated_at = excluded.synced_updated_at, history_complete = excluded.history_complete, updated_at = now()`,
  };
}

/**
 * A walk that may stop at stored messages has begun to write a newer part of the history: until it
 * ends, the stored history has a gap, so a crash must be followed by a full walk. A part of the
 * statement that writes the walk's first batch.
 */
export function historyIncompletePart(pageId: string, conversationId: string): WritePart {
  return {
    size: 0,
    counts: false,
    render: (p) => `update pancake.conversation_message_state set history_complete = false where page_id = ${p.add(pageId)} and conversation_id = ${p.add(conversationId)}`,
  };
}
