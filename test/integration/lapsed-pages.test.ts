import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStatus } from '../../src/commands/status.js';
import { addRecentMessages } from '../support/recent-change.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

// Pages whose subscription lapses move to the page list's `inactivated` list; their tokens still
// read and they often come back (issue: such a page was marked deleted and stopped syncing). A page
// keeps its history in every list; it is `deleted` only when it is in no list at all.

const STREAMS = { streams: ['tags', 'conversations', 'messages'] };

describe('pages that lapse, hide, lose permission, vanish and come back', () => {
  let h: SyncHarness;
  let a: string;
  let b: string;
  let c: string;

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 93, pages: 3, conversationsPerPage: 5, historyDays: 5 }, 'lapsed_pages');
    [a, b, c] = h.sim.data.pages.map((p) => p.id) as [string, string, string];
    expect((await h.sync(STREAMS)).exitCode).toBe(0);
  });
  afterAll(async () => h?.close());

  const pageRows = async () => Object.fromEntries((await h.db.selectFrom('pancake.pages').select(['id', 'status', 'deleted_at']).execute()).map((r) => [r.id, { status: r.status, deleted: r.deleted_at !== null }]));
  const conversationsOf = async (pageId: string) => Number((await sql<{ n: string }>`select count(*) as n from pancake.conversations where page_id = ${pageId}`.execute(h.db)).rows[0]!.n);
  /** Messages dated in the last whole second (within SYNC_LOOKBACK): a change the next run reads, if it syncs the page. */
  const newMessages = (pageId: string) => addRecentMessages(h.sim, pageId, 1);
  const stored = async (conversationId: string) => Number((await sql<{ n: string }>`select count(*) as n from pancake.messages where conversation_id = ${conversationId}`.execute(h.db)).rows[0]!.n);
  const synced = (summary: { outcomes: Array<{ pageId: string; status: string }> }) => [...new Set(summary.outcomes.filter((o) => o.status === 'done').map((o) => o.pageId))].sort();

  it('an inactivated page keeps syncing while its token reads; a hidden or nopermission page keeps its history and its row says where it is', async () => {
    h.sim.setPageListStatus(a, 'inactivated');
    h.sim.setPageListStatus(b, 'hidden');
    h.sim.setPageListStatus(c, 'nopermission');
    const before = { b: await conversationsOf(b), c: await conversationsOf(c) };
    const changed = newMessages(a);
    const run = await h.sync(STREAMS);
    expect(run.exitCode, JSON.stringify(run.failures)).toBe(0);
    expect(synced(run)).toEqual([a]);
    expect(await stored(changed)).toBe(h.sim.data.messages.get(changed)!.length);
    expect(await pageRows()).toEqual({ [a]: { status: 'inactivated', deleted: false }, [b]: { status: 'hidden', deleted: false }, [c]: { status: 'nopermission', deleted: false } });
    expect({ b: await conversationsOf(b), c: await conversationsOf(c) }).toEqual(before);
    const status = await buildStatus(h.db, new Date(), null, h.config());
    expect(status.pages?.map((p) => [p.pageId, p.listStatus])).toEqual([[a, 'inactivated'], [b, 'hidden'], [c, 'nopermission']].sort());
  });

  it('a page in no list is deleted, its rows kept; pages that come back sync again', async () => {
    h.sim.setPageListStatus(c, null);
    const kept = await conversationsOf(c);
    await h.sync(STREAMS);
    expect((await pageRows())[c]).toEqual({ status: 'deleted', deleted: true });
    expect(await conversationsOf(c)).toBe(kept);

    for (const id of [a, b, c]) h.sim.setPageListStatus(id, 'activated');
    const changed = [newMessages(b), newMessages(c)];
    const back = await h.sync(STREAMS);
    expect(back.exitCode, JSON.stringify(back.failures)).toBe(0);
    expect(synced(back)).toEqual([a, b, c].sort());
    for (const id of changed) expect(await stored(id)).toBe(h.sim.data.messages.get(id)!.length);
    expect(Object.values(await pageRows())).toEqual([1, 2, 3].map(() => ({ status: 'activated', deleted: false })));
  });

  it('an inactivated page whose token Pancake refuses (and will not renew) is unavailable, not a failure of the run', async () => {
    h.sim.setPageListStatus(a, 'inactivated');
    h.sim.revokePageToken(a);
    h.sim.setResponseOverride(({ endpoint, pageId }, answer) => (endpoint === 'generate_page_token' && pageId === a ? { status: 403, body: { success: false, message: 'Subscription expired' } } : answer));
    try {
      const run = await h.sync(STREAMS);
      expect(run.exitCode, JSON.stringify(run.failures)).toBe(0);
      const outcomes = run.outcomes.filter((o) => o.pageId === a);
      expect(outcomes.length).toBe(3);
      // Messages follow the conversations walk: with none walked, they have nothing to do.
      for (const o of outcomes.filter((x) => x.stream !== 'messages')) expect(o).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/subscription has lapsed .* inactivated.* refuses its token/) });
      expect(outcomes.find((o) => o.stream === 'messages')).toMatchObject({ status: 'done', counts: { records: 0 } });
      expect(run.pageHealth[a]).toMatchObject({ tokenState: 'refused' });
    } finally {
      h.sim.setResponseOverride(null);
    }
    h.sim.setPageListStatus(a, 'activated');
    const back = await h.sync(STREAMS);
    expect(back.exitCode, JSON.stringify(back.failures)).toBe(0);
    expect(synced(back)).toContain(a);
    expect(back.pageHealth[a]).toMatchObject({ token: 'generated', tokenState: 'working' });
  });
});
