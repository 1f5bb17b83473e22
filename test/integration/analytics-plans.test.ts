import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshAnalytics } from '../../src/warehouse/analytics/refresh.js';
import { createDb } from '../../src/warehouse/db.js';
import type { Database } from '../../src/warehouse/schema.js';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';

// The summaries' per-conversation lookups on statistics taken while the tables were empty, as in
// a first backfill: the refreshes run every 15 s from the start, while autovacuum renews the
// statistics once a minute at best. A lookup by sender kind written as min()/max() under
// WHERE sender_kind = … was planned there as a walk through the page's (page_id, sender_kind,
// inserted_at) index once per conversation: quadratic, 36 s per page at 5,000 conversations in
// the CPU benchmark, and here 3.7 million index entries read for 15,000 messages. With the kind
// as a FILTER (analytics/conversations.ts, waiting.ts), and the inquiries' first employee reply
// read from the conversation's messages in order (inquiries.ts), each lookup stays within its
// conversation.

const CONVERSATIONS = 1500;
const MESSAGES_EACH = 10;

let database: TestDatabase;
let db: Kysely<Database>;

beforeAll(async () => {
  database = await createMigratedDatabase('analytics_plans');
  // One connection: the index counters read below are this session's, flushed on demand.
  db = createDb(database.url, 1);
  for (const table of ['pancake.messages', 'pancake.conversations', 'pancake.conversation_message_state']) {
    await sql.raw(`alter table ${table} set (autovacuum_enabled = false)`).execute(db);
  }
  // Statistics of the empty tables, as the first refresh of a backfill finds them.
  await sql`analyze pancake.messages, pancake.conversations, pancake.conversation_message_state`.execute(db);
  await sql`insert into pancake.pages (id, name, raw) values ('p1', 'page', '{}')`.execute(db);
  await sql`
    insert into pancake.conversations (page_id, id, inserted_at, updated_at, raw)
    select 'p1', 'c' || i, timestamptz '2026-09-01' + i * interval '13 minutes', timestamptz '2026-09-01' + i * interval '13 minutes' + interval '3 hours', '{}'
    from generate_series(0, ${CONVERSATIONS - 1}::int) i`.execute(db);
  // Customer, bot and employee turns, an inquiry (a customer message after a day's silence) in every
  // fifth conversation; every other conversation ends with an employee's reply (nobody waits).
  await sql`
    insert into pancake.messages (page_id, id, conversation_id, inserted_at, sender_kind, raw)
    select 'p1', 'm' || i || '_' || j, 'c' || i,
           timestamptz '2026-09-01' + i * interval '13 minutes' + j * interval '7 minutes' + case when i % 5 = 0 and j >= 6 then interval '2 days' else interval '0' end,
           case when j = 1 then 'bot' when j % 3 = 2 or (j = ${MESSAGES_EACH - 1}::int and i % 2 = 0) then 'employee' else 'customer' end, '{}'
    from generate_series(0, ${CONVERSATIONS - 1}::int) i, generate_series(0, ${MESSAGES_EACH - 1}::int) j`.execute(db);
}, 60_000);

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

/** Index entries of pancake.messages read so far, as the statistics system counts them (this session's counts flushed first). */
async function messageIndexReads(): Promise<number> {
  await sql`select pg_stat_force_next_flush()`.execute(db);
  const { rows } = await sql<{ n: string }>`
    select coalesce(sum(idx_tup_read), 0)::text as n from pg_stat_user_indexes where schemaname = 'pancake' and relname = 'messages'`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

describe('the summaries on a first backfill\'s statistics', () => {
  it('read each conversation\'s messages, not the page\'s once per conversation', async () => {
    const before = await messageIndexReads();
    const result = await refreshAnalytics(db, { id: 'p1', timezone: 'Asia/Ho_Chi_Minh' });
    const reads = (await messageIndexReads()) - before;
    expect(result).toMatchObject({ conversations: CONVERSATIONS, rebuilt: true });
    const messages = CONVERSATIONS * MESSAGES_EACH;
    // Linear: a few reads per message (the parts read them by conversation and by day): 109,050
    // here, 218,100 for twice the conversations. The quadratic plans read 3.7 million (the facts'
    // lookup, before bots and inquiries were in this data) and 555,491, then 2.3 million for twice
    // the conversations (the inquiries' first replies).
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThan(10 * messages);
    // The waiting conversations (the odd ones end with a customer) are what that lookup gives.
    const waiting = await sql<{ n: number }>`
      select count(*)::int as n from pancake_private.analytics_conversations where page_id = 'p1' and awaiting_reply_since is not null`.execute(db);
    expect(waiting.rows[0]?.n).toBe(CONVERSATIONS / 2);
    // Inquiries: each conversation's first message, and in every fifth the one after two days of
    // silence; an employee answers each (the 3rd and 9th messages), the bot only the first (the 2nd).
    const inquiries = await sql<{ n: number; answered: number; bot: number }>`
      select count(*)::int as n, count(first_employee_reply_at)::int as answered, count(first_bot_reply_at)::int as bot
      from pancake_private.analytics_inquiries where page_id = 'p1'`.execute(db);
    expect(inquiries.rows[0]).toEqual({ n: CONVERSATIONS + CONVERSATIONS / 5, answered: CONVERSATIONS + CONVERSATIONS / 5, bot: CONVERSATIONS });
  }, 60_000);
});
