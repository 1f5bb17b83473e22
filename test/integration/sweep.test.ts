import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildStatus } from '../../src/commands/status.js';
import { silentLogger } from '../../src/logger.js';
import { planDryRun } from '../../src/sync/dry-run.js';
import type { PancakePageCustomer } from '../../src/pancake/types.js';
import { parseApiTimestamp } from '../../src/pancake/time.js';
import { readSweepState } from '../../src/warehouse/sweep.js';
import { dyingClient } from '../support/coverage-check.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';
import { perTier } from '../support/tier.js';
import { LIST_STREAMS, compareWithFreshBackfill, createFreshWarehouse, expectEqualsFreshBackfill, seasonEnv, syncAt, type FreshWarehouse } from '../support/season.js';

// Sweeps (src/sync/engines/sweep.ts), in simulated time: the shop's clock is advanced night by night
// (Simulator.advanceTo) and each run is made at it, so nothing waits. What a nightly run cannot
// see (customers stamped days before they appear, deletions) is set right by a sweep, after which
// the warehouse equals a fresh backfill of the same shop.

const DAY = 86_400_000;
/** Conversations a page of the shops whose tests pick their own records (the soak tier: 40, as the first test's). */
const PICKED_RECORDS_SHOP = perTier(8, 40);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
/** One migrated database for every fresh backfill of the file, emptied before each. */
let fresh: FreshWarehouse;
beforeAll(async () => {
  fresh = await createFreshWarehouse('sweep_fresh');
});
afterAll(async () => fresh?.close());

/**
 * A small shop whose history ends `daysAgo` days before the real clock (simulated nights stay behind it).
 * 40 conversations a page by default (the first test's night needs that many to draw its late
 * customers and deletions); a test that picks its own records asks for fewer in the CI tier: every
 * backfill, night and fresh backfill it makes costs in proportion.
 */
async function shop(name: string, options: { seed: number; pages?: number; daysAgo?: number; t0?: Date; conversationsPerPage?: number }): Promise<{ h: SyncHarness; t0: Date; since: Date }> {
  const t0 = options.t0 ?? new Date(Math.floor((Date.now() - (options.daysAgo ?? 10) * DAY) / 1000) * 1000);
  const h = await createSyncHarness({ seed: options.seed, pages: options.pages ?? 2, conversationsPerPage: options.conversationsPerPage ?? 40, historyDays: 40, messagesPerConversation: { min: 1, max: 8 }, now: t0, clock: 'manual' }, name);
  cleanups.push(() => h.close());
  return { h, t0, since: new Date(t0.getTime() - 41 * DAY) };
}

const ids = async (h: SyncHarness, table: 'pancake.customers' | 'pancake.conversations' | 'pancake.posts', deleted: boolean) =>
  new Set((await h.db.selectFrom(table).select('id').where('deleted_at', deleted ? 'is not' : 'is', null).execute()).map((r) => r.id));

describe('sweeps', () => {
  it('store the late-stamped customers a nightly run missed, mark deletions, and leave the warehouse equal to a fresh backfill', async () => {
    // A fixed start instant: the night's changes are drawn from a seed that includes it, and this one
    // deletes a late customer the night it appears (the case the expectations below once missed).
    const { h, t0, since } = await shop('sweep', { seed: 61, t0: new Date('2026-11-29T03:28:29Z') });
    expect((await syncAt(h, { since })).exitCode).toBe(0);

    const t1 = new Date(t0.getTime() + DAY);
    const night = h.sim.advanceTo(t1, { lateCustomers: 4, deletedConversations: 1.5, deletedCustomers: 1.5, deletedPosts: 1, deletedTags: 1, restored: 0 });
    const deleted = (kind: string) => night.deleted.filter((d) => d.kind === kind).map((d) => d.id);
    // The late customers the shop still lists: the same night's deletions may pick one just added, and
    // a customer gone before any run could see it is in no warehouse, fresh or nightly.
    const listed = night.lateStamped.filter((r) => !deleted('customer').includes(r.id));
    const late = listed.map((r) => r.id);
    expect(night.lateStamped.length).toBeGreaterThan(late.length);
    // Stamped before the nightly run's range (the last watermark, t0, minus the 2 h lookback): out of its reach.
    const missed = listed.filter((r) => r.stampedAt < t0.getTime() - 2 * 3_600_000).map((r) => r.id);
    expect(missed.length).toBeGreaterThanOrEqual(3);
    expect(deleted('conversation').length).toBeGreaterThan(0);
    expect(deleted('customer').length).toBeGreaterThan(0);
    expect(deleted('post').length).toBeGreaterThan(0);

    // The nightly run: its lookback (2 h) cannot reach customers stamped 1-3 days back, and nothing tells it of deletions.
    const nightly = await syncAt(h, {});
    expect(nightly.exitCode).toBe(0);
    const customersAfterNight = await ids(h, 'pancake.customers', false);
    expect(missed.filter((id) => customersAfterNight.has(id))).toEqual([]);
    expect(late.filter((id) => !missed.includes(id) && !customersAfterNight.has(id))).toEqual([]);
    expect((await ids(h, 'pancake.conversations', true)).size).toBe(0);
    // Against a fresh backfill, the night differs by exactly those: the late customers it lacks, the deleted records it keeps unmarked.
    const storedBefore = (kind: string) => deleted(kind).filter((id) => !night.created.conversations.includes(id) && !night.created.customers.includes(id) && !night.created.posts.includes(id));
    const idOf = (key: string) => key.split('|')[1]!;
    const { differences } = await compareWithFreshBackfill(h, since, undefined, {}, fresh);
    expect(differences['pancake.customers']!.missing.map(idOf).sort()).toEqual([...missed].sort());
    expect(differences['pancake.customers']!.extra.map(idOf).sort()).toEqual(storedBefore('customer').sort());
    expect(differences['pancake.conversations']!.extra.map(idOf).sort()).toEqual(storedBefore('conversation').sort());
    expect(Object.values(differences).flatMap((d) => d.changed)).toEqual([]);

    const requestsBefore = h.sim.requests.length;
    const sweep = await syncAt(h, { sweep: true });
    expect(sweep.exitCode, JSON.stringify(sweep.failures)).toBe(0);
    expect(sweep.warnings).toEqual([]);
    const customers = await ids(h, 'pancake.customers', false);
    expect(late.filter((id) => !customers.has(id))).toEqual([]);
    // Only records stored before they were deleted can be marked (some were created and deleted the same night).
    expect([...(await ids(h, 'pancake.conversations', true))].sort()).toEqual(storedBefore('conversation').sort());
    expect([...(await ids(h, 'pancake.customers', true))].sort()).toEqual(storedBefore('customer').sort());
    expect([...(await ids(h, 'pancake.posts', true))].sort()).toEqual(storedBefore('post').sort());
    const marked = await h.db.selectFrom('pancake.conversations').select('deleted_at').where('deleted_at', 'is not', null).execute();
    expect(marked.map((r) => r.deleted_at!.getTime())).toEqual(marked.map(() => t1.getTime()));

    // Windows as large as the API accepts: 42 days of coverage in 2 windows per stream and page (the
    // run's other requests read the last hours: its incremental part, the sweep's second look).
    const older = h.sim.requests.slice(requestsBefore).filter((r) => Number(r.query.since) < t1.getTime() / 1000 - 3 * 3600);
    expect(new Set(older.map((r) => `${r.pageId}|${r.endpoint}|${r.query.since}|${r.query.until}`)).size).toBe(2 * 4 * 2);
    expect(Math.max(...older.map((r) => Number(r.query.until) - Number(r.query.since)))).toBe(30 * 86_400 - 2);

    // Every list stream's last sweep is this run; status shows it.
    const status = await buildStatus(h.db, t1);
    for (const stream of ['conversations', 'customers', 'posts', 'call_logs', 'tags', 'page_users']) {
      const rows = status.streams.filter((s) => s.stream === stream);
      expect(rows.map((s) => [s.lastSweep?.getTime(), s.sweeping])).toEqual(rows.map(() => [t1.getTime(), false]));
    }

    const comparison = await expectEqualsFreshBackfill(h, since, undefined, {}, fresh);
    expect(comparison.rows).toBeGreaterThan(500);
    expect(comparison.deleted['pancake.conversations']).toBe(storedBefore('conversation').length);

    // Analytics leave deleted records out.
    const { rows: summarized } = await sql<{ n: number }>`
      select count(*)::int as n from pancake_private.analytics_conversations f
      join pancake.conversations c on c.page_id = f.page_id and c.id = f.conversation_id where c.deleted_at is not null`.execute(h.db);
    expect(summarized).toEqual([{ n: 0 }]);
  });

  it('undelete a record that comes back, runs by themselves every SYNC_SWEEP_EVERY, and not before', async () => {
    const { h, t0, since } = await shop('sweep_return', { seed: 62, pages: perTier(1, 2), conversationsPerPage: PICKED_RECORDS_SHOP });
    expect((await syncAt(h, { since })).exitCode).toBe(0);
    const [page] = h.sim.data.pages;
    const conversation = h.sim.data.conversations.get(page!.id)![3]!;
    const customer = h.sim.data.entities.customers.get(page!.id)!.find((c) => c.id !== conversation.page_customer?.id)!;
    h.sim.advanceTo(new Date(t0.getTime() + DAY), false);
    h.sim.deleteRecord('conversation', conversation.id);
    h.sim.deleteRecord('customer', customer.id);
    const env = { SYNC_SWEEP_EVERY: '2d' };
    // One day after the backfill: no sweep yet.
    expect((await syncAt(h, {}, env)).exitCode).toBe(0);
    expect((await ids(h, 'pancake.conversations', true)).size).toBe(0);

    // Two days after it: this night's run sweeps by itself (its dry run says so first).
    h.sim.advanceTo(new Date(t0.getTime() + 2 * DAY), false);
    const config = h.config(seasonEnv(h, env));
    const plan = await planDryRun({ config, db: h.db, client: h.client(config), log: silentLogger, now: h.sim.now() }, { streams: LIST_STREAMS });
    const everyPage = (stream: string) => h.sim.data.pages.map(() => stream);
    expect(plan.rows.filter((r) => /then a sweep of .* in 2 window\(s\)/.test(r.plan)).map((r) => r.stream).sort()).toEqual(['call_logs', 'conversations', 'customers', 'posts'].flatMap(everyPage));
    expect((await syncAt(h, {}, env)).exitCode).toBe(0);
    expect([...(await ids(h, 'pancake.conversations', true))]).toEqual([conversation.id]);
    expect([...(await ids(h, 'pancake.customers', true))]).toEqual([customer.id]);

    // They come back as they were (their times far behind any lookback): the next sweep clears the marks.
    h.sim.restoreRecord('conversation', conversation.id);
    h.sim.restoreRecord('customer', customer.id);
    h.sim.advanceTo(new Date(t0.getTime() + 3 * DAY), false);
    expect((await syncAt(h, {}, env)).exitCode).toBe(0);
    expect((await ids(h, 'pancake.conversations', true)).size).toBe(1);
    h.sim.advanceTo(new Date(t0.getTime() + 4 * DAY), false);
    expect((await syncAt(h, {}, env)).exitCode).toBe(0);
    expect((await ids(h, 'pancake.conversations', true)).size).toBe(0);
    expect((await ids(h, 'pancake.customers', true)).size).toBe(0);
    await expectEqualsFreshBackfill(h, since, undefined, {}, fresh);
  });

  it('mark deleted a conversation without updated_at (it stands at its inserted_at), and clear the mark when it comes back', async () => {
    // Three pages: the third is the WhatsApp page, whose first conversation has no updated_at. Its
    // deletion was never marked (the sweep looked for it by updated_at): the season benchmark kept it
    // and its messages after every sweep.
    const { h, t0, since } = await shop('sweep_undated', { seed: 63, pages: 3, conversationsPerPage: PICKED_RECORDS_SHOP });
    expect((await syncAt(h, { since })).exitCode).toBe(0);
    const pageId = h.sim.data.pages[2]!.id;
    const undated = h.sim.data.conversations.get(pageId)!.filter((c) => (c as { updated_at?: string }).updated_at === undefined);
    expect(undated).toHaveLength(1);
    const id = undated[0]!.id;
    h.sim.advanceTo(new Date(t0.getTime() + DAY), false);
    h.sim.deleteRecord('conversation', id);
    expect((await syncAt(h, { sweep: true })).exitCode).toBe(0);
    expect([...(await ids(h, 'pancake.conversations', true))]).toEqual([id]);
    await expectEqualsFreshBackfill(h, since, undefined, {}, fresh);

    h.sim.restoreRecord('conversation', id);
    h.sim.advanceTo(new Date(t0.getTime() + 2 * DAY), false);
    expect((await syncAt(h, { sweep: true })).exitCode).toBe(0);
    expect((await ids(h, 'pancake.conversations', true)).size).toBe(0);
    await expectEqualsFreshBackfill(h, since, undefined, {}, fresh);
  });

  it('do not mark deleted a record edited while the sweep runs (it left the window for the present)', async () => {
    const { h, t0, since } = await shop('sweep_edit', { seed: 63, pages: 1, conversationsPerPage: PICKED_RECORDS_SHOP });
    expect((await syncAt(h, { since })).exitCode).toBe(0);
    const [page] = h.sim.data.pages;
    // Inside the sweep's newest (30-day) window, older than any lookback.
    const old = (at: string) => parseApiTimestamp(at)!.getTime() < t0.getTime() - 5 * DAY && parseApiTimestamp(at)!.getTime() > t0.getTime() - 25 * DAY;
    const customer = h.sim.data.entities.customers.get(page!.id)!.find((c) => old(c.updated_at!))!;
    const conversation = h.sim.data.conversations.get(page!.id)!.find((c) => old(c.updated_at) && c.type !== 'RATING')!;
    const t1 = new Date(t0.getTime() + DAY);
    h.sim.advanceTo(t1, false);

    // The first sweep window listing them is answered as if they had been edited a moment before:
    // they are edited now (updated_at moves to the present) and left out of that answer.
    let edited = 0;
    h.sim.setResponseOverride((call, answer) => {
      const span = Number(call.query.get('until')) - Number(call.query.get('since'));
      if (span < 20 * 86_400 || answer.status !== 200) return answer;
      const body = answer.body as { customers?: PancakePageCustomer[]; conversations?: Array<{ id: string }>; total?: number };
      if (body.customers?.some((c) => c.id === customer.id)) {
        h.sim.editCustomer(customer.id, t1);
        edited += 1;
        return { ...answer, body: { ...body, customers: body.customers.filter((c) => c.id !== customer.id), total: (body.total ?? 1) - 1 } };
      }
      if (body.conversations?.some((c) => c.id === conversation.id)) {
        h.sim.addMessages(conversation.id, 1, t1);
        edited += 1;
        return { ...answer, body: { ...body, conversations: body.conversations.filter((c) => c.id !== conversation.id) } };
      }
      return answer;
    });
    const sweep = await syncAt(h, { sweep: true });
    h.sim.setResponseOverride(null);
    expect(sweep.exitCode).toBe(0);
    expect(edited).toBe(2);
    expect((await ids(h, 'pancake.customers', true)).has(customer.id)).toBe(false);
    expect((await ids(h, 'pancake.conversations', true)).has(conversation.id)).toBe(false);
    // And they are stored in their new version, read by the sweep's second look at the newest range.
    const stored = await h.db.selectFrom('pancake.customers').select('raw').where('id', '=', customer.id).executeTakeFirstOrThrow();
    expect((stored.raw as PancakePageCustomer).updated_at).toBe(customer.updated_at);
    // They were stamped during the sweep, at the run's clock: a fresh backfill a second later reads them too.
    await expectEqualsFreshBackfill(h, since, new Date(t1.getTime() + 1000), {}, fresh);
  });

  it('resume after the process dies mid-sweep: the next run goes on from the window it was in', async () => {
    const { h, t0, since } = await shop('sweep_resume', { seed: 64, pages: 1, conversationsPerPage: PICKED_RECORDS_SHOP });
    expect((await syncAt(h, { since })).exitCode).toBe(0);
    const t1 = new Date(t0.getTime() + DAY);
    const none = { newConversations: 0, messages: 0, retags: 0, customerEdits: 0, newCustomers: 0, newPosts: 0, newCalls: 0, deletedConversations: 0, deletedPosts: 0, deletedTags: 0, restored: 0 };
    const night = h.sim.advanceTo(t1, { ...none, lateCustomers: 3, deletedCustomers: 2 });
    expect(night.lateStamped.length + night.deleted.length).toBeGreaterThan(0);

    // The page list, the newer part of customers (one request), the newest sweep window: then the process is gone.
    const killed = await syncAt(h, { sweep: true, streams: ['customers'] }, {}, (client) => dyingClient(client, 3));
    expect(killed.exitCode).toBe(1);
    const [page] = h.sim.data.pages;
    const cursor = (await readSweepState<{ from: string; doneFrom: string }>(h.db, page!.id, 'customers')).cursor;
    expect(cursor).not.toBeNull();
    expect(Date.parse(cursor!.doneFrom)).toBeGreaterThan(Date.parse(cursor!.from));
    expect((await buildStatus(h.db, t1)).streams.find((s) => s.stream === 'customers')?.sweeping).toBe(true);

    // The next run, without --sweep, finishes it: the older window (then the newest range again), not the window done.
    const before = h.sim.requests.length;
    const resumed = await syncAt(h, { streams: ['customers'] });
    expect(resumed.exitCode).toBe(0);
    const older = h.sim.requests.slice(before).filter((r) => r.endpoint === 'list_page_customers' && Number(r.query.since) < t1.getTime() / 1000 - 3 * 3600);
    expect(older.map((r) => [Number(r.query.since), Number(r.query.until)])).toEqual([[Date.parse(cursor!.from) / 1000, Date.parse(cursor!.doneFrom) / 1000 - 1]]);
    expect((await readSweepState(h.db, page!.id, 'customers')).cursor).toBeNull();
    expect((await readSweepState(h.db, page!.id, 'customers')).sweptAt?.getTime()).toBe(t1.getTime());
    await expectEqualsFreshBackfill(h, since, undefined, {}, fresh);
  });
});
