import { isDeepStrictEqual } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createPancakeClient } from '../../src/pancake/client.js';
import { parseApiTimestamp } from '../../src/pancake/time.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';
import { perTier } from '../support/tier.js';

const DAY = 86_400_000;

// The shops of the CI tier are smaller, with the live shop moving more per request so that as many
// conversations still move during each walk; the soak tier keeps the large ones. A message list
// longer than one request (30) stays in both.
const BACKFILL = perTier({ conversationsPerPage: 60, maxMessages: 36, perRequest: 0.8, moved: 30 }, { conversationsPerPage: 260, maxMessages: 40, perRequest: 0.25, moved: 50 });
const EXTENSION = perTier({ conversationsPerPage: 50, maxMessages: 36, perRequest: 0.8, moved: 15 }, { conversationsPerPage: 200, maxMessages: 40, perRequest: 0.25, moved: 20 });
/** What these tests compare with the truth; the other streams' requests would only move the shop more. */
const STREAMS = ['conversations', 'messages'];
const PAGE_NUMBER_WALK = perTier({ conversationsPerPage: 300, perRequest: 3 }, { conversationsPerPage: 900, perRequest: 1 });
const BUDGET = perTier({ conversationsPerPage: 60, maxMessages: 45 }, { conversationsPerPage: 400, maxMessages: 70 });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function allConversations(sim: Simulator) {
  return [...sim.data.conversations.values()].flat();
}

/** The rows of records Pancake still lists (deleted ones are kept, marked deleted_at). */
function liveRows(h: SyncHarness, table: 'pancake.conversations') {
  return h.db.selectFrom(table).select(['id', 'raw']).where('deleted_at', 'is', null).orderBy('id').execute();
}

/** Every stored conversation the live shop deleted is marked, and nothing else is. */
async function expectDeletedMarked(h: SyncHarness): Promise<void> {
  const marked = await h.db.selectFrom('pancake.conversations').select('id').where('deleted_at', 'is not', null).orderBy('id').execute();
  const deleted = new Set([...h.sim.data.deleted.conversations.values()].flat().map((c) => c.id));
  expect(marked.map((r) => r.id).filter((id) => !deleted.has(id))).toEqual([]);
}

describe('a live shop (data changing while the sync walks it)', () => {
  it('the naive walk (page numbers over updated_at) loses rows: the suite can tell a skipping walk from a safe one', async () => {
    const sim = await startSimulator({ seed: 21, pages: 1, conversationsPerPage: 600, historyDays: 30, messagesPerConversation: { min: 1, max: 3 } });
    cleanups.push(() => sim.close());
    const pageId = sim.data.pages[0]!.id;
    const client = createPancakeClient({ baseUrl: sim.baseUrl, pageTokens: { [pageId]: sim.pageToken(pageId) }, rateLimit: 1000 });
    const since = new Date(sim.data.now.getTime() - 29 * DAY);
    const until = new Date(sim.data.now.getTime() - 3_600_000);
    sim.setLiveShop({ perRequest: 3, kinds: ['new_message', 'retag'] });

    const seen = new Set<string>();
    for (let pageNumber = 1; ; pageNumber++) {
      const batch = await client.listConversations(pageId, { since, until, pageNumber, orderBy: 'updated_at' });
      for (const c of batch) seen.add(c.id);
      if (batch.length < 60) break;
    }
    sim.setLiveShop(null);

    // Conversations that sat in the window for the whole walk, yet were never returned.
    const lost = allConversations(sim).filter((c) => {
      const at = parseApiTimestamp(c.updated_at)!.getTime();
      return at >= since.getTime() && at <= until.getTime() && !seen.has(c.id);
    });
    expect(sim.liveShopStats!.moved.size).toBeGreaterThan(10);
    expect(lost.length).toBeGreaterThan(0);
  });

  describe('the product', () => {
    let h: SyncHarness;

    it(`backfills 120 days while ≥ ${BACKFILL.moved} conversations move (some deleted), then one incremental run with a sweep: the warehouse equals the final truth`, async () => {
      h = await createSyncHarness({ seed: 22, pages: 2, conversationsPerPage: BACKFILL.conversationsPerPage, historyDays: 120, messagesPerConversation: { min: 1, max: BACKFILL.maxMessages }, clock: 'manual' }, 'live');
      cleanups.push(() => h.close());
      const since = new Date(h.sim.data.now.getTime() - 121 * DAY);
      h.sim.setLiveShop({ perRequest: BACKFILL.perRequest });
      const backfill = await h.sync({ since, streams: STREAMS });
      h.sim.setLiveShop(null);
      expect(backfill.exitCode).toBe(0);
      expect(h.sim.liveShopStats!.moved.size).toBeGreaterThanOrEqual(BACKFILL.moved);

      // Ranges are whole seconds, half-open: a change stamped in the current second of the shop's
      // clock (every live change is) is read by the next run.
      h.nextSecond();
      // The live shop deletes now and then: only a sweep can tell (src/sync/engines/sweep.ts).
      expect(h.sim.liveShopStats!.deleted.size).toBeGreaterThan(0);
      const incremental = await h.sync({ sweep: true, streams: STREAMS });
      expect(incremental.exitCode).toBe(0);

      const truth = allConversations(h.sim);
      const rows = await liveRows(h, 'pancake.conversations');
      expect(rows.map((r) => r.id)).toEqual(truth.map((c) => c.id).sort());
      const byId = new Map(truth.map((c) => [c.id, c]));
      const stale = rows.filter((r) => !isDeepStrictEqual(r.raw, byId.get(r.id)));
      expect(stale.map((r) => r.id)).toEqual([]);
      await expectDeletedMarked(h);

      const messages = await h.db.selectFrom('pancake.messages').select(['id', 'raw']).where('conversation_id', 'in', truth.map((c) => c.id)).orderBy('id').execute();
      const truthMessages = [...h.sim.data.messages.values()].flat();
      expect(messages.map((m) => m.id)).toEqual(truthMessages.map((m) => m.id).sort());
      const messageById = new Map(truthMessages.map((m) => [m.id, m]));
      expect(messages.filter((m) => !isDeepStrictEqual(m.raw, messageById.get(m.id))).map((m) => m.id)).toEqual([]);
    });

    it('an extension backfill (60 days stored, then --since 121 days) while conversations move (some deleted): after a sweep the warehouse equals the final truth', async () => {
      h = await createSyncHarness({ seed: 25, pages: 2, conversationsPerPage: EXTENSION.conversationsPerPage, historyDays: 120, messagesPerConversation: { min: 1, max: EXTENSION.maxMessages }, clock: 'manual' }, 'live_ext');
      cleanups.push(() => h.close());
      expect((await h.sync({ since: new Date(h.sim.data.now.getTime() - 60 * DAY), streams: STREAMS })).exitCode).toBe(0);
      h.sim.setLiveShop({ perRequest: EXTENSION.perRequest });
      const extension = await h.sync({ since: new Date(h.sim.data.now.getTime() - 121 * DAY), streams: STREAMS });
      h.sim.setLiveShop(null);
      expect(extension.exitCode).toBe(0);
      expect(h.sim.liveShopStats!.moved.size).toBeGreaterThanOrEqual(EXTENSION.moved);
      h.nextSecond();
      expect((await h.sync({ sweep: true, streams: STREAMS })).exitCode).toBe(0);

      const truth = allConversations(h.sim);
      const rows = await liveRows(h, 'pancake.conversations');
      expect(rows.map((r) => r.id)).toEqual(truth.map((c) => c.id).sort());
      const byId = new Map(truth.map((c) => [c.id, c]));
      expect(rows.filter((r) => !isDeepStrictEqual(r.raw, byId.get(r.id))).map((r) => r.id)).toEqual([]);
      await expectDeletedMarked(h);
      const messages = await h.db.selectFrom('pancake.messages').select('id').where('conversation_id', 'in', truth.map((c) => c.id)).orderBy('id').execute();
      expect(messages.map((m) => m.id)).toEqual([...h.sim.data.messages.values()].flat().map((m) => m.id).sort());
    });

    it('the v1 page-number walk, made safe by splitting full ranges, loses nothing either', async () => {
      // Dense, wide windows so that ranges come back full and have to be split.
      h = await createSyncHarness({ seed: 23, pages: 1, conversationsPerPage: PAGE_NUMBER_WALK.conversationsPerPage, historyDays: 30, messagesPerConversation: { min: 1, max: 5 }, clock: 'manual' }, 'live_v1');
      cleanups.push(() => h.close());
      const env = { PANCAKE_CONVERSATION_PAGING: 'page_number', SYNC_WINDOW_DAYS: '29' };
      h.sim.setLiveShop({ perRequest: PAGE_NUMBER_WALK.perRequest, kinds: ['new_message', 'retag'] });
      const backfill = await h.sync({ since: new Date(h.sim.data.now.getTime() - 31 * DAY), streams: ['conversations'] }, env);
      h.sim.setLiveShop(null);
      expect(backfill.exitCode).toBe(0);
      expect(h.sim.liveShopStats!.moved.size).toBeGreaterThanOrEqual(15);
      // Ranges are whole seconds, half-open: a change in the current second is read by the next run.
      h.nextSecond();
      await h.sync({ streams: ['conversations'] }, env);
      const rows = await h.db.selectFrom('pancake.conversations').select(['id', 'raw']).orderBy('id').execute();
      const truth = allConversations(h.sim);
      expect(rows.map((r) => r.id)).toEqual(truth.map((c) => c.id).sort());
      const byId = new Map(truth.map((c) => [c.id, c]));
      expect(rows.filter((r) => !isDeepStrictEqual(r.raw, byId.get(r.id))).map((r) => r.id)).toEqual([]);
    });

    it('on a still shop, a backfill makes ≤ 1.05 × the minimal requests and an incremental run a constant number', async () => {
      h = await createSyncHarness({ seed: 24, pages: 2, conversationsPerPage: BUDGET.conversationsPerPage, historyDays: 120, messagesPerConversation: { min: 1, max: BUDGET.maxMessages } }, 'budget');
      cleanups.push(() => h.close());
      const since = new Date(h.sim.data.now.getTime() - 121 * DAY);
      await h.sync({ since, streams: STREAMS });

      // The minimum for the windows walked: ⌈n/60⌉ per window (1 for an empty one), ⌈count/30⌉
      // messages per conversation, plus the page list and one token per page.
      const windows = new Set(h.sim.requests.filter((r) => r.endpoint === 'list_conversations_v2').map((r) => `${r.pageId}|${r.query.since}|${r.query.until}`));
      let minimum = 1 + h.sim.data.pages.length;
      for (const key of windows) {
        const [pageId, s, u] = key.split('|') as [string, string, string];
        const n = (h.sim.data.conversations.get(pageId) ?? []).filter((c) => {
          const at = Math.floor(parseApiTimestamp(c.updated_at)!.getTime() / 1000);
          return at >= Number(s) && at <= Number(u);
        }).length;
        minimum += Math.max(1, Math.ceil(n / 60));
      }
      for (const c of allConversations(h.sim)) minimum += Math.ceil((h.sim.data.messages.get(c.id)?.length ?? 0) / 30);
      const made = h.sim.requests.length;
      expect(made / minimum).toBeLessThanOrEqual(1.05);

      h.sim.clearRequests();
      await h.sync({ streams: STREAMS });
      const perPage = h.sim.requests.filter((r) => r.pageId !== null).length / h.sim.data.pages.length;
      expect(perPage).toBeLessThanOrEqual(2);
    });
  });
});
