import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncHarness, runCli, simulatorEnv, tableRows, type SyncHarness } from '../support/harness.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { createDb } from '../../src/warehouse/db.js';

const DAY = 86_400_000;
const TABLES: Array<[string, string]> = [
  ['pancake.pages', 'id'],
  ['pancake.conversations', 'page_id, id'],
  ['pancake.messages', 'page_id, id'],
  ['pancake.conversation_message_state', 'page_id, conversation_id'],
];

describe('a sync killed with SIGKILL and run again', () => {
  let reference: SyncHarness;
  let crashed: TestDatabase;
  let since: Date;

  beforeAll(async () => {
    // The reference run and the crashed runs read the same simulator, which does not change.
    reference = await createSyncHarness({ seed: 11, pages: 2, conversationsPerPage: 120, historyDays: 80, latencyMs: 2 }, 'crash_ref');
    crashed = await createTestDatabase('crash_killed');
    since = new Date(reference.sim.data.now.getTime() - 90 * DAY);
  });
  afterAll(async () => {
    await crashed?.drop();
    await reference?.close();
  });

  it('ends with tables identical to an uninterrupted run', async () => {
    const args = ['sync', '--since', since.toISOString()];
    const env = simulatorEnv(reference.sim, crashed.url);
    // Kill twice, at different depths of the run (by request count), then let it finish.
    for (const killAfter of [60, 260]) {
      reference.sim.clearRequests();
      let timer: NodeJS.Timeout | undefined;
      const result = await runCli(args, env, {
        onSpawn: (kill) => {
          timer = setInterval(() => {
            if (reference.sim.requests.length >= killAfter) kill();
          }, 5);
        },
      });
      clearInterval(timer);
      expect(result.signal, `the child should have been killed mid-run (stderr: ${result.stderr})`).toBe('SIGKILL');
    }
    const final = await runCli(args, env);
    expect(final.stderr).toBe('');
    expect(final.code).toBe(0);

    const uninterrupted = await reference.sync({ since });
    expect(uninterrupted.exitCode).toBe(0);

    const db = createDb(crashed.url, 2);
    try {
      for (const [table, order] of TABLES) {
        const expected = await tableRows(reference.db, table, order);
        const actual = await tableRows(db, table, order);
        expect(actual.length, table).toBe(expected.length);
        expect(actual, table).toEqual(expected);
      }
    } finally {
      await db.destroy();
    }
  });
});
