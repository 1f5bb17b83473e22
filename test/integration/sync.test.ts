import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiTimestamp } from '../../src/pancake/time.js';
import { conversationsUpdatedBetween } from '../../src/simulator/index.js';
import { silentLogger } from '../../src/logger.js';
import { runSync } from '../../src/sync/runner.js';
import { createDb } from '../../src/warehouse/db.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

const DAY = 86_400_000;

describe('sync against the simulator (walking skeleton)', () => {
  let h: SyncHarness;
  let since: Date;

  beforeAll(async () => {
    // The shop's clock moves only when the test moves it (no waiting for the real second to end).
    h = await createSyncHarness({ seed: 7, pages: 2, conversationsPerPage: 90, historyDays: 130, clock: 'manual' }, 'skeleton');
    h.nextSecond(); // the history ends at `now`: a run a second later reads all of it
    since = new Date(h.sim.data.now.getTime() - 100 * DAY);
  });
  afterAll(async () => h?.close());

  it('a first sync --since 100 days ago stores exactly the conversations and messages of that range, in ≥ 4 windows', async () => {
    const summary = await h.sync({ since });
    expect(summary.failures).toEqual([]);
    expect(summary.exitCode).toBe(0);

    const expected = h.sim.data.pages.flatMap((p) => conversationsUpdatedBetween(h.sim.data, p.id, since, new Date(h.sim.data.now.getTime() + 1000)));
    // The walk covers [since, now): conversations older than `since` stay out.
    expect(expected.length).toBeGreaterThan(100);
    expect(expected.length).toBeLessThan(180);

    const rows = await h.db.selectFrom('pancake.conversations').select(['page_id', 'id', 'updated_at', 'message_count', 'raw']).orderBy('id').execute();
    expect(rows.map((r) => r.id)).toEqual(expected.map((c) => c.id).sort());
    for (const row of rows) {
      const truth = h.sim.data.conversationById.get(row.id)!;
      expect(row.raw).toEqual(truth);
      expect(row.updated_at?.getTime()).toBe(parseApiTimestamp(truth.updated_at)?.getTime());
    }

    const messages = await h.db.selectFrom('pancake.messages').select(['id', 'conversation_id', 'text', 'raw']).orderBy('id').execute();
    const expectedMessages = expected.flatMap((c) => h.sim.data.messages.get(c.id) ?? []);
    expect(messages.map((m) => m.id)).toEqual(expectedMessages.map((m) => m.id).sort());
    const byId = new Map(expectedMessages.map((m) => [m.id, m]));
    for (const m of messages) {
      expect(m.raw).toEqual(byId.get(m.id));
      expect(m.text).toBe(byId.get(m.id)?.original_message ?? null);
    }

    // Regression: the per-stream counters were updated across an await and lost increments.
    const messageOutcomes = summary.outcomes.filter((o) => o.stream === 'messages');
    // The stream writes every message and its attachments, one conversation_details row per
    // conversation, and the ad clicks of the answers that the conversation list did not already hold.
    const written = messageOutcomes.reduce((sum, o) => sum + o.counts.rowsWritten, 0);
    const adClicks = await h.db.selectFrom('pancake.ad_clicks').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const attachments = expectedMessages.reduce((n, m) => n + (m.attachments ?? []).length, 0);
    expect(await h.db.selectFrom('pancake.message_attachments').select('message_id').execute()).toHaveLength(attachments);
    expect(written).toBeGreaterThanOrEqual(expectedMessages.length + attachments + expected.length);
    expect(written).toBeLessThanOrEqual(expectedMessages.length + attachments + expected.length + Number(adClicks.n));

    const windows = new Set(h.sim.requests.filter((r) => r.endpoint.startsWith('list_conversations')).map((r) => `${r.pageId}:${r.query.since}-${r.query.until}`));
    expect(windows.size / 2).toBeGreaterThanOrEqual(4);
    for (const r of h.sim.requests.filter((r) => r.endpoint.startsWith('list_conversations'))) {
      expect(Number(r.query.until) - Number(r.query.since)).toBeLessThanOrEqual(30 * 86_400);
    }
  });

  it('a second sync right after changes nothing and makes a small constant number of requests per page', async () => {
    const before = await h.db.selectFrom('pancake.messages').select((eb) => eb.fn.max('synced_at').as('at')).executeTakeFirst();
    h.sim.clearRequests();
    const summary = await h.sync({ since, streams: ['conversations', 'messages'] });
    expect(summary.exitCode).toBe(0);
    expect(summary.outcomes.reduce((sum, o) => sum + o.counts.rowsWritten, 0)).toBe(0);
    const perPage = new Map<string, number>();
    for (const r of h.sim.requests) if (r.pageId) perPage.set(r.pageId, (perPage.get(r.pageId) ?? 0) + 1);
    // list pages (1, no page) + per page: token (1) + the lookback window of conversations (1).
    expect(h.sim.requests.filter((r) => r.pageId === null)).toHaveLength(1);
    for (const count of perPage.values()) expect(count).toBeLessThanOrEqual(3);
    expect(h.sim.requests.filter((r) => r.endpoint === 'list_messages')).toHaveLength(0);
    const after = await h.db.selectFrom('pancake.messages').select((eb) => eb.fn.max('synced_at').as('at')).executeTakeFirst();
    expect(after?.at).toEqual(before?.at);
  });

  it('after new messages in 3 conversations, the next sync fetches messages only for those 3', async () => {
    const stored = await h.db.selectFrom('pancake.conversations').select('id').orderBy('id').execute();
    const changed = [stored[3]!.id, stored[40]!.id, stored[77]!.id];
    const added = changed.flatMap((id, i) => h.sim.addMessages(id, i + 1));
    // Stamped at the shop's clock, in the second the last run ended at: the next second's run reads them.
    h.nextSecond();
    h.sim.clearRequests();
    const summary = await h.sync({ since });
    expect(summary.exitCode).toBe(0);
    const fetched = new Set(h.sim.requests.filter((r) => r.endpoint === 'list_messages').map((r) => r.conversationId));
    expect([...fetched].sort()).toEqual([...changed].sort());
    const ids = await h.db.selectFrom('pancake.messages').select('id').where('id', 'in', added.map((m) => m.id)).execute();
    expect(ids).toHaveLength(added.length);
    const conversations = await h.db.selectFrom('pancake.conversations').select(['id', 'message_count']).where('id', 'in', changed).execute();
    // The API's message_count leaves ad-click items out, so it is compared with the API's, not with the items.
    for (const c of conversations) expect(c.message_count).toBe(h.sim.data.conversationById.get(c.id)!.message_count);
  });

  it('completes with more concurrent streams than database connections (regression: a connection pinned per stream lock deadlocked the pool)', async () => {
    const small = createDb(h.database.url, 2);
    try {
      const config = h.config();
      const summary = await runSync({ config, db: small, client: h.client(config), log: silentLogger, now: h.sim.now() }, { since });
      expect(summary.failures).toEqual([]);
      expect(summary.outcomes.length).toBeGreaterThan(2 * 2);
    } finally {
      await small.destroy();
    }
  });
});
