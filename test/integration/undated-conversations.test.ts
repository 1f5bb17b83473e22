import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyChannelShape } from '../../src/simulator/shop/channel-shape.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

// A conversation without updated_at (Pancake's official WhatsApp example has one) stands at its
// inserted_at in an updated_at listing and keeps its record when messages arrive, so neither a
// nightly window nor a sweep showed it as changed: its new messages were never read (found by the
// season benchmark, one WhatsApp conversation short after every sweep). Each run now checks its
// newest batch.
//
// And once a message arrives the shop dates it (its updated_at is the new message's time): its
// messages were stored with no version, and `null < updated_at` is not true in SQL, so it was never
// stale again and the new messages were never read (the season benchmark's gap, nights 5 on, when
// the conversations walk committed the dated row before the messages stream looked at it).

const STREAMS = { streams: ['conversations', 'messages'] };

describe('a conversation without updated_at', () => {
  let h: SyncHarness;
  let pageId: string;
  let undated: string;

  beforeAll(async () => {
    // Three pages: the third is the WhatsApp page, whose first conversation has no updated_at.
    h = await createSyncHarness({ seed: 23, pages: 3, conversationsPerPage: 8, historyDays: 10, clock: 'manual' }, 'undated_conversations');
    pageId = h.sim.data.pages[2]!.id;
    const bare = h.sim.data.conversations.get(pageId)!.filter((c) => (c as { updated_at?: string }).updated_at === undefined);
    expect(bare).toHaveLength(1);
    undated = bare[0]!.id;
    expect((await h.sync({ ...STREAMS, since: new Date(h.sim.now().getTime() - 20 * 86_400_000) })).failures).toEqual([]);
  });
  afterAll(async () => h?.close());

  const stored = async () => Number((await sql<{ n: string }>`select count(*) as n from pancake.messages where page_id = ${pageId} and conversation_id = ${undated}`.execute(h.db)).rows[0]!.n);
  const pendingSince = async () =>
    (await sql<{ at: Date | null }>`select messages_pending_at as at from pancake_private.analytics_conversations where page_id = ${pageId} and conversation_id = ${undated}`.execute(h.db)).rows[0]?.at ?? null;
  const walks = () => h.sim.requests.filter((r) => r.endpoint === 'list_messages' && r.conversationId === undated).length;

  it('is stored with all its messages by the backfill', async () => {
    expect(await stored()).toBe(h.sim.data.messages.get(undated)!.length);
  });

  it('is not left waiting for messages in the summaries once they are stored (regression: it kept the inbox days incomplete)', async () => {
    const pending = await sql<{ id: string }>`select conversation_id as id from pancake_private.analytics_conversations where page_id = ${pageId} and messages_pending_at is not null`.execute(h.db);
    expect(pending.rows).toEqual([]);
    const summaries = await sql<{ n: string }>`select count(*) as n from pancake_private.analytics_conversations where page_id = ${pageId} and conversation_id = ${undated}`.execute(h.db);
    expect(Number(summaries.rows[0]!.n)).toBe(1);
  });

  it('gets its new messages in the next run, by one request, and stays bare in Pancake', async () => {
    h.nextSecond();
    h.sim.addMessages(undated, 3, new Date(h.sim.now().getTime() - 1000));
    // Its record may stay the same when messages arrive (docs/pancake-api.md): the simulator's
    // addMessages dates it, so it is made bare again (the last test shows the dated case).
    const conversation = h.sim.data.conversationById.get(undated)!;
    applyChannelShape(conversation, 'whatsapp', true);
    h.sim.data.revision += 1;
    expect(conversation).not.toHaveProperty('updated_at');
    h.nextSecond();
    h.sim.clearRequests();
    const run = await h.sync(STREAMS);
    expect(run.failures).toEqual([]);
    expect(await stored()).toBe(h.sim.data.messages.get(undated)!.length);
    // Once (regression: a slice read before the walk committed started it again, parent-visits.ts).
    expect(walks()).toBe(1);
  });

  it('costs one request a run when nothing changed, and no other conversation is walked again', async () => {
    h.nextSecond();
    h.sim.clearRequests();
    expect((await h.sync(STREAMS)).failures).toEqual([]);
    expect(walks()).toBe(1);
    expect(h.sim.requests.filter((r) => r.endpoint === 'list_messages').length).toBe(1);
  });

  it('gets the messages that dated it, once it has updated_at', async () => {
    h.nextSecond();
    // The shop's own change: the new messages give the conversation an updated_at (summarize).
    h.sim.addMessages(undated, 2, new Date(h.sim.now().getTime() - 1000));
    expect(h.sim.data.conversationById.get(undated)!.updated_at).toBeDefined();
    h.nextSecond();
    // The conversations walk commits the dated row before the messages stream looks at it (one
    // order of the two concurrent streams; here made certain by two runs).
    expect((await h.sync({ streams: ['conversations'] })).failures).toEqual([]);
    const row = await h.db.selectFrom('pancake.conversations').select('updated_at').where('page_id', '=', pageId).where('id', '=', undated).executeTakeFirstOrThrow();
    expect(row.updated_at).not.toBeNull();
    // Until its messages are read, the summaries hold it as waiting for them (the inbox days up to it are not complete).
    expect(await pendingSince()).not.toBeNull();
    h.nextSecond();
    expect((await h.sync({ streams: ['messages'] })).failures).toEqual([]);
    expect(await stored()).toBe(h.sim.data.messages.get(undated)!.length);
    expect(await pendingSince()).toBeNull();
    // Its version is stored now: the next run leaves it alone.
    h.nextSecond();
    h.sim.clearRequests();
    expect((await h.sync(STREAMS)).failures).toEqual([]);
    expect(walks()).toBe(0);
  });
});
