import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncHarness, runCli, simulatorEnv, type SyncHarness } from '../support/harness.js';

// An empty page list is what a token that lost its access gets, as much as a shop that closed
// (issue: one empty answer marked every page deleted and the run exited 0).

describe('an empty page list', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await createSyncHarness({ seed: 81, pages: 2, conversationsPerPage: 3, historyDays: 5 }, 'page_list');
  });
  afterAll(async () => h?.close());

  const activePages = async () => (await h.db.selectFrom('pancake.pages').select('id').where('deleted_at', 'is', null).execute()).length;

  it('is an error that marks nothing deleted, unless the run before also saw none; pages that come back are revived', async () => {
    const first = await h.sync({ streams: ['tags'] });
    expect(first.exitCode).toBe(0);
    expect(await activePages()).toBe(2);

    const pages = h.sim.data.pages.splice(0);
    h.sim.data.revision++;
    const empty = await h.sync({ streams: ['tags'] });
    expect(empty.exitCode).toBe(1);
    expect(empty.failures).toEqual([expect.objectContaining({ kind: 'EmptyPageListError', message: expect.stringMatching(/listed no pages .* the last run that listed pages saw 2.*no page was marked deleted/) })]);
    expect(await activePages()).toBe(2);

    const again = await h.sync({ streams: ['tags'] });
    expect(again.failures).toEqual([]);
    expect(again.exitCode).toBe(0);
    expect(await activePages()).toBe(0);

    h.sim.data.pages.push(...pages);
    h.sim.data.revision++;
    const back = await h.sync({ streams: ['tags'] });
    expect(back.exitCode).toBe(0);
    expect(await activePages()).toBe(2);
  });

  it('the same for `enqueue` (runs shared by workers)', async () => {
    const env = simulatorEnv(h.sim, h.database.url);
    const pages = h.sim.data.pages.splice(0);
    h.sim.data.revision++;
    try {
      const empty = await runCli(['enqueue', '--streams', 'tags'], env);
      expect(empty.code).toBe(1);
      expect(empty.stderr).toMatch(/listed no pages .* no page was marked deleted/);
      expect(await activePages()).toBe(2);
      const again = await runCli(['enqueue', '--streams', 'tags'], env);
      expect(again.code, again.stderr).toBe(0);
      expect(await activePages()).toBe(0);
    } finally {
      h.sim.data.pages.push(...pages);
      h.sim.data.revision++;
    }
  });
});

describe('a page synced with its own token but missing from the user token\'s list', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await createSyncHarness({ seed: 82, pages: 2, conversationsPerPage: 3, historyDays: 5 }, 'page_list_token');
  });
  afterAll(async () => h?.close());

  it('gets a row, is not marked deleted, and keeps what an earlier list wrote (regression: no pancake.pages row, so no join)', async () => {
    const [listed, tokenOnly] = h.sim.data.pages.map((p) => p.id) as [string, string];
    const env = { PANCAKE_PAGE_TOKENS: `${tokenOnly}:${h.sim.pageToken(tokenOnly)}` };
    // The user token's list leaves the second page out, as it does for a page the user lost.
    h.sim.setResponseOverride(({ endpoint }, answer) => {
      if (endpoint !== 'list_pages') return answer;
      const body = answer.body as { categorized: { activated: Array<{ id: string }> } };
      return { ...answer, body: { ...body, categorized: { ...body.categorized, activated: body.categorized.activated.filter((p) => p.id === listed) } } };
    });
    const run = await h.sync({ streams: ['tags'] }, env);
    expect(run.exitCode).toBe(0);
    const rows = await h.db.selectFrom('pancake.pages').select(['id', 'name', 'deleted_at']).orderBy('id').execute();
    expect(rows.map((r) => [r.id, r.deleted_at])).toEqual([listed, tokenOnly].sort().map((id) => [id, null]));
    const tags = await h.db.selectFrom('pancake.tags').select('page_id').distinct().execute();
    expect(tags.map((t) => t.page_id).sort()).toEqual([listed, tokenOnly].sort());

    // Listed once, then token-only again: its row keeps the list's name.
    h.sim.setResponseOverride(null);
    await h.sync({ streams: ['tags'] }, env);
    h.sim.setResponseOverride(({ endpoint }, answer) => {
      if (endpoint !== 'list_pages') return answer;
      const body = answer.body as { categorized: { activated: Array<{ id: string }> } };
      return { ...answer, body: { ...body, categorized: { ...body.categorized, activated: body.categorized.activated.filter((p) => p.id === listed) } } };
    });
    await h.sync({ streams: ['tags'] }, env);
    const row = await h.db.selectFrom('pancake.pages').select(['name', 'deleted_at']).where('id', '=', tokenOnly).executeTakeFirstOrThrow();
    expect(row).toEqual({ name: h.sim.data.pages[1]!.name, deleted_at: null });
  });
});
