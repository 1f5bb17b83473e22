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
