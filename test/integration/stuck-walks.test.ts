import { afterEach, describe, expect, it } from 'vitest';
import { buildStatus } from '../../src/commands/status.js';
import { StuckWalkError, createPancakeClient } from '../../src/index.js';
import { readStreamState } from '../../src/warehouse/state.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';
import { syncAt } from '../support/season.js';

// Listings that stop moving forward (the simulator's paging faults, on demand): the walk ends with
// one warning naming page, stream and cursor, the run goes on and exits 0, what was read is stored,
// and nothing unread is counted as covered. Bounded: the requests are counted, not the time.

const DAY = 86_400_000;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function shop(name: string, options: { seed: number; conversationsPerPage: number; historyDays: number; messages: { min: number; max: number } }): Promise<{ h: SyncHarness; t0: Date; pageId: string }> {
  const t0 = new Date(Math.floor((Date.now() - DAY) / 1000) * 1000);
  const h = await createSyncHarness({ seed: options.seed, pages: 1, conversationsPerPage: options.conversationsPerPage, historyDays: options.historyDays, messagesPerConversation: options.messages, now: t0, clock: 'manual' }, name);
  cleanups.push(() => h.close());
  return { h, t0, pageId: h.sim.data.pages[0]!.id };
}

describe('walks that cannot loop', () => {
  it('a conversation cursor that does not move: 2 requests, one warning, 60 conversations stored, the window not covered; the next run reads it whole', async () => {
    const { h, t0, pageId } = await shop('stuck_cursor', { seed: 81, conversationsPerPage: 150, historyDays: 5, messages: { min: 1, max: 2 } });
    const since = new Date(t0.getTime() - 6 * DAY);
    h.sim.setPagingFaults({ stuckCursorPages: [pageId] });
    const run = await syncAt(h, { since, streams: ['conversations', 'messages'] });
    expect(run.exitCode).toBe(0);
    expect(run.warnings).toHaveLength(1);
    expect(run.warnings[0]).toMatchObject({ pageId, stream: 'conversations', kind: 'stuck_walk' });
    expect(run.warnings[0]!.message).toMatch(new RegExp(`^conversations of page ${pageId}: .*last_conversation_id=\\S+ did not move`));
    expect(h.sim.requests.filter((r) => r.endpoint === 'list_conversations_v2')).toHaveLength(2);
    const stored = await h.db.selectFrom('pancake.conversations').select('id').execute();
    expect(stored).toHaveLength(60);
    // What was read is stored, messages included; none of the window is claimed.
    const withMessages = stored.filter((c) => (h.sim.data.messages.get(c.id)?.length ?? 0) > 0);
    expect(await h.db.selectFrom('pancake.messages').select('conversation_id').distinct().execute()).toHaveLength(withMessages.length);
    const state = await readStreamState(h.db, pageId, 'conversations');
    expect([state.coveredFrom, state.watermark, state.cursor]).toEqual([null, null, null]);
    expect((await buildStatus(h.db, t0)).lastRun?.warnings).toEqual(run.warnings);

    h.sim.setPagingFaults(null);
    const again = await syncAt(h, { since, streams: ['conversations', 'messages'] });
    expect(again.exitCode).toBe(0);
    expect(again.warnings).toEqual([]);
    expect(await h.db.selectFrom('pancake.conversations').select('id').execute()).toHaveLength(150);
    const covered = await readStreamState(h.db, pageId, 'conversations');
    expect([covered.coveredFrom?.getTime(), covered.watermark?.getTime()]).toEqual([since.getTime(), t0.getTime()]);

    // An incremental window gets stuck too (70 conversations changed in the night): the coverage keeps its old end.
    const t1 = new Date(t0.getTime() + DAY);
    for (const c of h.sim.data.conversations.get(pageId)!.slice(0, 70)) h.sim.touchConversation(c.id, new Date(t0.getTime() + 3_600_000));
    h.sim.advanceTo(t1, false);
    h.sim.setPagingFaults({ stuckCursorPages: [pageId] });
    const night = await syncAt(h, { since, streams: ['conversations'] });
    expect([night.exitCode, night.warnings.length]).toEqual([0, 1]);
    const after = await readStreamState(h.db, pageId, 'conversations');
    expect([after.coveredFrom?.getTime(), after.watermark?.getTime(), after.cursor]).toEqual([since.getTime(), t0.getTime(), null]);
  });

  it('a message batch of ids already read in the walk: 2 requests for that conversation, one warning, its history not counted complete; the next run walks it whole', async () => {
    const { h, t0, pageId } = await shop('stuck_messages', { seed: 82, conversationsPerPage: 6, historyDays: 5, messages: { min: 40, max: 45 } });
    const since = new Date(t0.getTime() - 6 * DAY);
    const [id, messages] = [...h.sim.data.messages].find(([, items]) => items.length > 35)!;
    h.sim.setPagingFaults({ repeatingMessageConversations: [id] });
    const run = await syncAt(h, { since, streams: ['conversations', 'messages'] });
    expect(run.exitCode).toBe(0);
    expect(run.warnings).toHaveLength(1);
    expect(run.warnings[0]).toMatchObject({ pageId, stream: 'messages', kind: 'stuck_walk' });
    expect(run.warnings[0]!.message).toContain(`conversation ${id} was ended early at current_count=30`);
    expect(h.sim.requests.filter((r) => r.endpoint === 'list_messages' && r.conversationId === id)).toHaveLength(2);
    const storedFor = async () => (await h.db.selectFrom('pancake.messages').select('id').where('conversation_id', '=', id).execute()).length;
    expect(await storedFor()).toBe(30);
    const status = await buildStatus(h.db, t0);
    expect(status.streams.find((s) => s.stream === 'messages')?.pending).toBe(1);

    h.sim.setPagingFaults(null);
    const again = await syncAt(h, { streams: ['conversations', 'messages'] });
    expect(again.exitCode).toBe(0);
    expect(again.warnings).toEqual([]);
    expect(await storedFor()).toBe(messages.length);
    expect((await buildStatus(h.db, t0)).streams.find((s) => s.stream === 'messages')?.pending).toBe(0);
  });

  it("the library's iterators end such a walk with a StuckWalkError, in a bounded number of requests", async () => {
    const { h, t0, pageId } = await shop('stuck_library', { seed: 83, conversationsPerPage: 150, historyDays: 5, messages: { min: 40, max: 45 } });
    const conversation = [...h.sim.data.messages].find(([, items]) => items.length > 35)![0];
    h.sim.setPagingFaults({ stuckCursorPages: [pageId], repeatingMessageConversations: [conversation] });
    const client = createPancakeClient({ baseUrl: h.sim.baseUrl, pageTokens: { [pageId]: h.sim.pageToken(pageId) }, rateLimit: 1000 });
    const drain = async (batches: AsyncIterable<unknown[]>) => {
      for await (const _batch of batches) void _batch;
    };
    await expect(drain(client.iterateConversations(pageId, { since: new Date(t0.getTime() - 6 * DAY), until: t0 }))).rejects.toBeInstanceOf(StuckWalkError);
    await expect(drain(client.iterateMessages(pageId, conversation))).rejects.toThrow(/current_count=30/);
    expect(h.sim.requests.filter((r) => r.endpoint === 'list_conversations_v2')).toHaveLength(2);
    expect(h.sim.requests.filter((r) => r.endpoint === 'list_messages')).toHaveLength(2);
  });
});
