import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/simulator/shop/random.js';
import { createDb } from '../../src/warehouse/db.js';
import { createTestDatabase } from '../support/db.js';
import { createSyncHarness, expectSameTables, runCli, simulatorEnv, type SyncHarness } from '../support/harness.js';

// Crash safety (issue 5, guarantee 1). `npm test` runs a small data set; `npm run test:soak` sets
// PANCAKE_SOAK=1 for a larger one. Both kill at 20 seeded points spread over a backfill (walked
// newest first), and at further points of an extension backfill (an older --since).
const SOAK = process.env.PANCAKE_SOAK === '1';
const SIZE = SOAK ? { pages: 3, conversationsPerPage: 400 } : { pages: 2, conversationsPerPage: 60 };
const KILLS = 20;
const EXTENSION_KILLS = SOAK ? 20 : 6;
const DAY = 86_400_000;


describe(`crash safety (${SOAK ? 'soak' : 'small'} data set)`, () => {
  let reference: SyncHarness;
  let since: Date;
  let totalRequests: number;

  beforeAll(async () => {
    // Latency stretches the run so that kills land inside it, not after it.
    reference = await createSyncHarness({ seed: 11, ...SIZE, historyDays: 70, latencyMs: 2 }, 'crash_ref');
    since = new Date(reference.sim.data.now.getTime() - 65 * DAY);
    reference.sim.clearRequests();
    const uninterrupted = await reference.sync({ since });
    expect(uninterrupted.exitCode).toBe(0);
    totalRequests = reference.sim.requests.length;
  });
  afterAll(async () => reference?.close());

  it(`a sync SIGKILLed at ${KILLS} seeded points and resumed each time ends with tables identical to an uninterrupted run (${KILLS}/${KILLS})`, async () => {
    const rng = Random.of('kill-points', 5);
    const points = Array.from({ length: KILLS }, () => rng.int(1, Math.max(2, totalRequests - 1)));
    const identical: number[] = [];
    for (const [i, point] of points.entries()) {
      const database = await createTestDatabase(`crash_${i}`);
      try {
        const env = simulatorEnv(reference.sim, database.url);
        const args = ['sync', '--since', since.toISOString()];
        reference.sim.clearRequests();
        let timer: NodeJS.Timeout | undefined;
        const killed = await runCli(args, env, {
          onSpawn: (kill) => {
            timer = setInterval(() => reference.sim.requests.length >= point && kill(), 2);
          },
        });
        clearInterval(timer);
        expect(killed.signal, `kill ${i} at request ${point}/${totalRequests}: ${killed.stderr}`).toBe('SIGKILL');
        const resumed = await runCli(args, env);
        expect(resumed.code, resumed.stderr).toBe(0);
        await expectSameTables(reference.db, database.url, `kill ${i} at request ${point}`);
        identical.push(point);
      } finally {
        await database.drop();
      }
    }
    expect(identical).toHaveLength(KILLS);
  }, 600_000);

  it(`an extension backfill (--since older than the coverage) SIGKILLed at ${EXTENSION_KILLS} seeded points and resumed ends with the same tables as uninterrupted runs`, async () => {
    // The reference: a backfill of the recent 30 days, then the extension to 65 days.
    const database = await createTestDatabase('crash_ext_ref');
    const recent = ['sync', '--since', new Date(reference.sim.data.now.getTime() - 30 * DAY).toISOString()];
    const extension = ['sync', '--since', since.toISOString()];
    let extensionRequests = 0;
    const extended = createDb(database.url, 2);
    try {
      const env = simulatorEnv(reference.sim, database.url);
      expect((await runCli(recent, env)).code).toBe(0);
      reference.sim.clearRequests();
      expect((await runCli(extension, env)).code).toBe(0);
      extensionRequests = reference.sim.requests.length;
      const rng = Random.of('extension-kill-points', 7);
      for (let i = 0; i < EXTENSION_KILLS; i++) {
        const point = rng.int(1, Math.max(2, extensionRequests - 1));
        const trial = await createTestDatabase(`crash_ext_${i}`);
        try {
          const trialEnv = simulatorEnv(reference.sim, trial.url);
          expect((await runCli(recent, trialEnv)).code).toBe(0);
          reference.sim.clearRequests();
          let timer: NodeJS.Timeout | undefined;
          const killed = await runCli(extension, trialEnv, { onSpawn: (kill) => (timer = setInterval(() => reference.sim.requests.length >= point && kill(), 2)) });
          clearInterval(timer);
          expect(killed.signal, `extension kill ${i} at request ${point}/${extensionRequests}: ${killed.stderr}`).toBe('SIGKILL');
          const resumed = await runCli(extension, trialEnv);
          expect(resumed.code, resumed.stderr).toBe(0);
          await expectSameTables(extended, trial.url, `extension kill ${i} at request ${point}`);
        } finally {
          await trial.drop();
        }
      }
    } finally {
      await extended.destroy();
      await database.drop();
    }
  }, 900_000);

  it('a database connection dropped mid-transaction (backend terminated) loses nothing: the next run completes the tables', async () => {
    for (const fraction of [0.2, 0.5, 0.8]) {
      const database = await createTestDatabase('dropconn');
      const admin = createDb(database.url, 1);
      try {
        const env = simulatorEnv(reference.sim, database.url);
        const args = ['sync', '--since', since.toISOString()];
        reference.sim.clearRequests();
        let terminated = 0;
        let timer: NodeJS.Timeout | undefined;
        let busy = false;
        const first = await runCli(args, env, {
          onSpawn: () => {
            timer = setInterval(async () => {
              if (busy || terminated > 0 || reference.sim.requests.length < totalRequests * fraction) return;
              busy = true;
              const { rows } = await sql<{ n: number }>`
                select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
                where datname = current_database() and pid <> pg_backend_pid()`.execute(admin);
              terminated = rows[0]?.n ?? 0;
              busy = false;
            }, 2);
          },
        });
        clearInterval(timer);
        expect(terminated, `no backend to terminate at ${fraction}`).toBeGreaterThan(0);
        expect([0, 1], first.stderr.slice(-2000)).toContain(first.code);
        const second = await runCli(args, env);
        expect(second.code, second.stderr).toBe(0);
        await expectSameTables(reference.db, database.url, `connection dropped at ${fraction}`);
      } finally {
        await admin.destroy();
        await database.drop();
      }
    }
  }, 300_000);
});
