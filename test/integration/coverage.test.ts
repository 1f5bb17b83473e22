import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildStatus } from '../../src/commands/status.js';
import { silentLogger } from '../../src/logger.js';
import { parseApiTimestamp } from '../../src/pancake/time.js';
import { runSync } from '../../src/sync/runner.js';
import { readStreamState } from '../../src/warehouse/state.js';
import { sql } from 'kysely';
import { checkCoverage, dyingClient } from '../support/coverage-check.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

// The scenarios of "coverage that cannot lie", each deterministic: the gap a bounded run used to
// leave, a future --until, a poisoned watermark, an extension that reads only what is missing.

const DAY = 86_400_000;
const STREAMS = ['conversations', 'messages', 'customers', 'posts', 'stats_pages'];

describe('coverage of windowed and statistics streams', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await createSyncHarness({ seed: 51, pages: 1, conversationsPerPage: 90, historyDays: 100, messagesPerConversation: { min: 1, max: 3 }, clock: 'manual' }, 'coverage');
    h.nextSecond(); // the history ends at `now`: a run a second later reads all of it
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    await sql`truncate pancake.conversations, pancake.messages, pancake.customers, pancake.posts, pancake.stats_pages, pancake.sync_state, pancake.conversation_message_state, pancake.conversation_tags, pancake.conversation_assignees cascade`.execute(h.db);
    h.sim.clearRequests();
  });

  const pageId = () => h.sim.data.pages[0]!.id;
  // Every run is at the shop's clock (h.sync, runSync's `now`), which moves only when a test moves it.
  const now = () => h.sim.now();
  const ago = (days: number) => new Date(now().getTime() - days * DAY);
  const storedIds = async (table: 'pancake.conversations' | 'pancake.customers') => new Set((await h.db.selectFrom(table).select('id').execute()).map((r) => r.id));

  it('regression: --since D1 --until D2, then a plain sync, reads everything between D2 and now (no gap before SYNC_START)', async () => {
    // SYNC_START (30 days) lies after D2 (60 days ago): the old plan resumed at SYNC_START.
    expect((await h.sync({ since: ago(90), until: ago(60), streams: STREAMS })).exitCode).toBe(0);
    expect((await h.sync({ streams: STREAMS })).exitCode).toBe(0);
    const stored = await storedIds('pancake.conversations');
    const expected = (h.sim.data.conversations.get(pageId()) ?? []).filter((c) => parseApiTimestamp(c.updated_at)! >= ago(90));
    expect(expected.filter((c) => !stored.has(c.id)).map((c) => c.updated_at)).toEqual([]);
    const customers = await storedIds('pancake.customers');
    const expectedCustomers = (h.sim.data.entities.customers.get(pageId()) ?? []).filter((c) => parseApiTimestamp(c.updated_at)! >= ago(90));
    expect(expectedCustomers.filter((c) => !customers.has(c.id)).map((c) => c.updated_at)).toEqual([]);
    // Statistics: the stored days are one run from D1 to yesterday, every day read.
    const days = await h.db.selectFrom('pancake.stats_pages').select(sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day')).distinct().orderBy('day').execute();
    const state = await readStreamState<{ lastDay: string }>(h.db, pageId(), 'stats_pages');
    const first = days[0]!.day;
    const last = state.cursor!.lastDay;
    const span = Math.round((Date.parse(last) - Date.parse(first)) / DAY) + 1;
    expect(days.length).toBe(span);
    expect((await checkCoverage(h.db, h.sim, now())).problems).toEqual([]);
  });

  it('a future --until never becomes a watermark: stored ≤ now, status shows no negative lag, the next run reads what came after', async () => {
    const future = new Date(now().getTime() + 30 * DAY);
    expect((await h.sync({ since: ago(20), until: future, streams: STREAMS })).exitCode).toBe(0);
    for (const stream of ['conversations', 'customers', 'posts']) {
      const state = await readStreamState(h.db, pageId(), stream);
      expect(state.watermark!.getTime()).toBeLessThanOrEqual(now().getTime());
    }
    const status = await buildStatus(h.db, now(), 26 * 3_600_000);
    for (const s of status.streams) if (s.lagSeconds !== null) expect(s.lagSeconds).toBeGreaterThanOrEqual(0);
    expect(status.streams.find((s) => s.stream === 'conversations')?.late).toBe(false);

    const added = h.sim.addConversation(pageId());
    h.nextSecond();
    expect((await h.sync({ streams: ['conversations'] })).exitCode).toBe(0);
    expect((await storedIds('pancake.conversations')).has(added.id)).toBe(true);
  });

  it('a watermark stored in the future (by an older version) counts only up to when it was written', async () => {
    expect((await h.sync({ since: ago(20), streams: ['conversations'] })).exitCode).toBe(0);
    // Written (updated_at) at the shop's clock, as the runs of this test are: it counts up to then.
    await h.db.updateTable('pancake.sync_state').set({ watermark: new Date(now().getTime() + 30 * DAY), updated_at: now() }).where('stream', '=', 'conversations').execute();
    const status = await buildStatus(h.db, now(), 26 * 3_600_000);
    expect(status.streams.find((s) => s.stream === 'conversations')!.lagSeconds).toBeGreaterThanOrEqual(0);
    const added = h.sim.addConversation(pageId());
    h.nextSecond();
    await h.sync({ streams: ['conversations'] });
    expect((await storedIds('pancake.conversations')).has(added.id)).toBe(true);
  });

  it('--since older than the coverage reads only the missing range and the lookback, never the covered middle again', async () => {
    expect((await h.sync({ since: ago(30), streams: ['conversations', 'messages'] })).exitCode).toBe(0);
    const covered = await readStreamState(h.db, pageId(), 'conversations');
    const messagesBefore = h.sim.requests.filter((r) => r.endpoint === 'list_messages').length;
    h.sim.clearRequests();
    expect((await h.sync({ since: ago(90), streams: ['conversations', 'messages'] })).exitCode).toBe(0);
    const lookbackStart = (covered.watermark!.getTime() - 2 * 3_600_000) / 1000;
    for (const r of h.sim.requests.filter((q) => q.endpoint === 'list_conversations_v2')) {
      const since = Number(r.query.since);
      const until = Number(r.query.until);
      // Each window lies below the old coverage or inside the lookback at its top.
      expect(until < covered.coveredFrom!.getTime() / 1000 || since >= lookbackStart, `window ${since}..${until}`).toBe(true);
    }
    // Messages: only conversations of the new range are visited.
    const visited = new Set(h.sim.requests.filter((r) => r.endpoint === 'list_messages').map((r) => r.conversationId));
    const older = (h.sim.data.conversations.get(pageId()) ?? []).filter((c) => parseApiTimestamp(c.updated_at)! < covered.coveredFrom!);
    expect(visited.size).toBeLessThanOrEqual(older.length);
    expect(messagesBefore).toBeGreaterThan(0);
    const after = await readStreamState(h.db, pageId(), 'conversations');
    expect(after.coveredFrom!.getTime()).toBeLessThanOrEqual(ago(90).getTime() + 60_000);
  });

  it('a backfill goes newest first: interrupted, it is complete from some day to now, and status says from when', async () => {
    const config = h.config({ SYNC_WINDOW_DAYS: '5' });
    const client = dyingClient(h.client(config), 12);
    await runSync({ config, db: h.db, client, log: silentLogger, now: now() }, { since: ago(90), streams: ['conversations', 'messages'] });
    const state = await readStreamState(h.db, pageId(), 'conversations');
    expect(state.coveredFrom).not.toBeNull();
    expect(state.coveredFrom!.getTime()).toBeGreaterThan(ago(89).getTime());
    expect(Math.abs(state.watermark!.getTime() - now().getTime())).toBeLessThan(60_000);
    const status = await buildStatus(h.db, now());
    const row = status.streams.find((s) => s.stream === 'conversations')!;
    expect(row.completeFrom).toEqual(state.coveredFrom);
    // Messages are complete from somewhere at or after that: the newest conversations went first.
    const messages = status.streams.find((s) => s.stream === 'messages')!;
    if (messages.completeFrom) expect(messages.completeFrom.getTime()).toBeGreaterThanOrEqual(state.coveredFrom!.getTime());
    expect((await checkCoverage(h.db, h.sim, now())).problems).toEqual([]);

    // The resumed run grows the coverage downward to --since.
    expect((await runSync({ config, db: h.db, client: h.client(config), log: silentLogger, now: now() }, { since: ago(90), streams: ['conversations', 'messages'] })).exitCode).toBe(0);
    const resumed = await readStreamState(h.db, pageId(), 'conversations');
    expect(resumed.coveredFrom!.getTime()).toBeLessThanOrEqual(ago(90).getTime() + 60_000);
    const final = await buildStatus(h.db, now());
    expect(final.streams.find((s) => s.stream === 'messages')!.pending).toBe(0);
  });
});
