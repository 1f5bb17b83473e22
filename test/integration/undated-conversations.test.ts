import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyChannelShape } from '../../src/simulator/shop/channel-shape.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

// A conversation without updated_at (Pancake's official WhatsApp example has one) stands at its
// inserted_at in an updated_at listing and keeps its record when messages arrive, so neither a
// nightly window nor a sweep showed it as changed: its new messages were never read (found by the
// season benchmark, one WhatsApp conversation short after every sweep). Each run now checks its
// newest batch.

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
  const walks = () => h.sim.requests.filter((r) => r.endpoint === 'list_messages' && r.conversationId === undated).length;

  it('is stored with all its messages by the backfill', async () => {
    expect(await stored()).toBe(h.sim.data.messages.get(undated)!.length);
  });

  it('gets its new messages in the next run, by one request, and stays bare in Pancake', async () => {
    h.nextSecond();
    h.sim.addMessages(undated, 3, new Date(h.sim.now().getTime() - 1000));
    // The shop's live changes keep this conversation bare (channel-shape.ts); addMessages dates it.
    const conversation = h.sim.data.conversationById.get(undated)!;
    applyChannelShape(conversation, 'whatsapp', true);
    h.sim.data.revision += 1;
    expect(conversation).not.toHaveProperty('updated_at');
    h.nextSecond();
    h.sim.clearRequests();
    const run = await h.sync(STREAMS);
    expect(run.failures).toEqual([]);
    expect(await stored()).toBe(h.sim.data.messages.get(undated)!.length);
    expect(walks()).toBe(1);
  });

  it('costs one request a run when nothing changed, and no other conversation is walked again', async () => {
    h.nextSecond();
    h.sim.clearRequests();
    expect((await h.sync(STREAMS)).failures).toEqual([]);
    expect(walks()).toBe(1);
    expect(h.sim.requests.filter((r) => r.endpoint === 'list_messages').length).toBe(1);
  });
});
