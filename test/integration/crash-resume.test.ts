import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/simulator/shop/random.js';
import { createDb } from '../../src/warehouse/db.js';
import { runCliAt } from '../support/compiled-cli.js';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';
import { createSyncHarness, expectSameTables, simulatorEnv, snapshotTables, type SyncHarness, type TablesSnapshot } from '../support/harness.js';
import { perTier, SOAK, TIER } from '../support/tier.js';

// Crash safety (issue 5, guarantee 1): the real CLI SIGKILLed at seeded points of a backfill (walked
// newest first) and of an extension backfill (an older --since), then resumed, ends with the tables
// of an uninterrupted run. Each kill lands exactly at its point: the simulator holds the answers from
// the point on until the process is dead (test/support/compiled-cli.ts, runCliAt), so a busy
// machine cannot let the run end first. The points are spread over the whole run: the i-th of n is
// drawn from the i-th n-th of its requests (killPoints), so the start, the middle and the end of a
// run (its streams run side by side: lists, messages, statistics) are each hit in every tier.
// `npm test` kills at 5 + 2 points of a small shop; `npm run test:soak` (test/support/tier.ts) at
// 20 + 20 of a larger one, and also terminates the database backends at 3 points
// (database-loss.test.ts proves that in `npm test`).
// Every trial starts from a copy of one migrated, empty warehouse (no kill point falls before the
// first request, after the migrations), resumes in this process (the same runSync the CLI runs: only
// the kill needs a process of its own), and compares with the reference's tables read once. In
// `npm test` the backfill spans 12 days (2 windows of each list stream at SYNC_WINDOW_DAYS' 7, so a
// resume finds finished and unfinished windows; the statistics are read a day per request, most of
// a run's requests) and the extension the 9 days before the newest 3 (2 windows); no list needs a
// second page at this size, as none did at twice the conversations. 65 and 35 days in soak.
const SIZE = perTier({ pages: 2, conversationsPerPage: 20 }, { pages: 3, conversationsPerPage: 400 });
const KILLS = perTier(5, 20);
const EXTENSION_KILLS = perTier(2, 20);
const BACKFILL_DAYS = perTier(12, 65);
/** What the extension backfill starts from: the newest days stored. */
const RECENT_DAYS = perTier(3, 30);
const DAY = 86_400_000;

/** `count` request numbers in 1 .. total - 1 (at least 1 .. 2), the i-th drawn from the i-th count-th of that range. */
function killPoints(rng: Random, count: number, total: number): number[] {
  const last = Math.max(2, total - 1);
  return Array.from({ length: count }, (_, i) => {
    const low = 1 + Math.floor((last * i) / count);
    const high = Math.max(low, Math.floor((last * (i + 1)) / count));
    return rng.int(low, high);
  });
}

describe(`crash safety (${TIER})`, () => {
  let reference: SyncHarness;
  let expected: TablesSnapshot;
  let migrated: TestDatabase;
  let since: Date;
  let totalRequests: number;

  beforeAll(async () => {
    reference = await createSyncHarness({ seed: 11, ...SIZE, historyDays: BACKFILL_DAYS + 5 }, 'crash_ref');
    since = new Date(reference.sim.data.now.getTime() - BACKFILL_DAYS * DAY);
    reference.sim.clearRequests();
    const uninterrupted = await reference.sync({ since });
    expect(uninterrupted.exitCode).toBe(0);
    totalRequests = reference.sim.requests.length;
    expected = await snapshotTables(reference.db);
    migrated = await createMigratedDatabase('crash_migrated');
  });
  afterAll(async () => {
    await migrated?.drop();
    await reference?.close();
  });

  /** The run after a kill, as the next `pancake-sync sync` would make it, in this process. */
  async function resume(url: string, options: { since: Date }): Promise<number> {
    const summary = await reference.syncInto(url, options);
    // What made it incomplete, in the failure message of the assertion on the exit code.
    if (summary.exitCode !== 0) console.error('resume incomplete:', JSON.stringify({ status: summary.status, failures: summary.failures, warnings: summary.warnings, outcomes: summary.outcomes.filter((o) => o.status !== 'done') }));
    return summary.exitCode;
  }

  it(`a sync SIGKILLed at ${KILLS} seeded points and resumed each time ends with tables identical to an uninterrupted run (${KILLS}/${KILLS})`, async () => {
    const rng = Random.of('kill-points', 5);
    const points = killPoints(rng, KILLS, totalRequests);
    const identical: number[] = [];
    for (const [i, point] of points.entries()) {
      const database = await migrated.copy(`crash_${i}`);
      try {
        const env = simulatorEnv(reference.sim, database.url);
        const args = ['sync', '--since', since.toISOString()];
        reference.sim.clearRequests();
        const killed = await runCliAt(reference.sim, point, args, env, (signal) => signal('SIGKILL'));
        expect(killed.signal, `kill ${i} at request ${point}/${totalRequests}: ${killed.stderr}`).toBe('SIGKILL');
        expect(await resume(database.url, { since }), `resumed after kill ${i}`).toBe(0);
        await expectSameTables(expected, database.url, `kill ${i} at request ${point}`);
        identical.push(point);
      } finally {
        await database.drop();
      }
    }
    expect(identical).toHaveLength(KILLS);
  }, 600_000);

  it(`an extension backfill (--since older than the coverage) SIGKILLed at ${EXTENSION_KILLS} seeded points and resumed ends with the same tables as uninterrupted runs`, async () => {
    // The reference, uninterrupted and in this process: a backfill of the recent RECENT_DAYS, then
    // the extension to BACKFILL_DAYS. Every trial starts from a copy of the recent backfill.
    const recent = new Date(reference.sim.data.now.getTime() - RECENT_DAYS * DAY);
    const extension = ['sync', '--since', since.toISOString()];
    const recentOnly = await createMigratedDatabase('crash_ext_recent');
    expect((await reference.syncInto(recentOnly.url, { since: recent })).exitCode).toBe(0);
    const extended = await recentOnly.copy('crash_ext_ref');
    const extendedDb = createDb(extended.url, 4);
    let extensionRequests = 0;
    try {
      reference.sim.clearRequests();
      expect((await reference.syncInto(extended.url, { since })).exitCode).toBe(0);
      extensionRequests = reference.sim.requests.length;
      const extendedTables = await snapshotTables(extendedDb);
      const points = killPoints(Random.of('extension-kill-points', 7), EXTENSION_KILLS, extensionRequests);
      for (const [i, point] of points.entries()) {
        const trial = await recentOnly.copy(`crash_ext_${i}`);
        try {
          const trialEnv = simulatorEnv(reference.sim, trial.url);
          reference.sim.clearRequests();
          const killed = await runCliAt(reference.sim, point, extension, trialEnv, (signal) => signal('SIGKILL'));
          expect(killed.signal, `extension kill ${i} at request ${point}/${extensionRequests}: ${killed.stderr}`).toBe('SIGKILL');
          expect(await resume(trial.url, { since }), `resumed after extension kill ${i}`).toBe(0);
          await expectSameTables(extendedTables, trial.url, `extension kill ${i} at request ${point}`);
        } finally {
          await trial.drop();
        }
      }
    } finally {
      await extendedDb.destroy();
      await recentOnly.drop();
      await extended.drop();
    }
  }, 900_000);

  // Soak tier only: `npm test` proves the same with database-loss.test.ts ("backends terminated").
  it.runIf(SOAK)('soak tier: a database connection dropped mid-transaction (backend terminated) loses nothing: the next run completes the tables', async () => {
    for (const fraction of [0.2, 0.5, 0.8]) {
      const database = await migrated.copy('dropconn');
      const admin = createDb(database.url, 1);
      try {
        const env = simulatorEnv(reference.sim, database.url);
        const args = ['sync', '--since', since.toISOString()];
        reference.sim.clearRequests();
        let terminated = 0;
        const first = await runCliAt(reference.sim, Math.ceil(totalRequests * fraction), args, env, async () => {
          const { rows } = await sql<{ n: number }>`
            select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid()`.execute(admin);
          terminated = rows[0]?.n ?? 0;
        });
        expect(first.acted, `the run ended before ${fraction} of its requests`).toBe(true);
        expect(terminated, `no backend to terminate at ${fraction}`).toBeGreaterThan(0);
        expect([0, 1], first.stderr.slice(-2000)).toContain(first.code);
        expect(await resume(database.url, { since }), `the run after the connection dropped at ${fraction}`).toBe(0);
        await expectSameTables(expected, database.url, `connection dropped at ${fraction}`);
      } finally {
        await admin.destroy();
        await database.drop();
      }
    }
  }, 300_000);
});
