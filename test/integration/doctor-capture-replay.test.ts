import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STREAMS } from '../../src/sync/registry.js';
import { addDays, dayStart, localDay } from '../../src/sync/engines/days.js';
import { createDb } from '../../src/warehouse/db.js';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';
import { createSyncHarness, runCli, simulatorEnv, type SyncHarness } from '../support/harness.js';
import { startReplayServer, type ReplayServer } from '../support/replay-server.js';

// A capture is meant to become a test fixture: `doctor --capture` against the simulator, then a
// whole sync from the capture through the replay server, as a bug report's capture would be used.

describe('a doctor capture as a fixture', () => {
  let h: SyncHarness;
  let captureDir: string;
  let replay: ReplayServer | undefined;
  let target: TestDatabase | undefined;
  beforeAll(async () => {
    h = await createSyncHarness({ seed: 7, pages: 2, conversationsPerPage: 10, historyDays: 20 }, 'capture');
    captureDir = await mkdtemp(path.join(os.tmpdir(), 'pancake-sync-capture-'));
  });
  afterAll(async () => {
    await replay?.close();
    await target?.drop();
    await h?.close();
    await rm(captureDir, { recursive: true, force: true });
  });

  it('syncs from the capture, with the stand-ins in place of the personal data', async () => {
    const callCentres = h.sim.data.pages.map((p) => `${p.id}:${h.sim.callCenterId(p.id)}`).join(',');
    const doctor = await runCli(['doctor', '--capture', captureDir], simulatorEnv(h.sim, h.database.url, { PANCAKE_CALL_CENTER_IDS: callCentres, LOG_LEVEL: 'warn' }));
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);

    const pageDirs = (await readdir(captureDir)).map((d) => path.join(captureDir, d));
    expect(pageDirs).toHaveLength(2);
    replay = await startReplayServer(pageDirs);
    target = await createMigratedDatabase('from_capture');
    const env = {
      DATABASE_URL: target.url,
      PANCAKE_BASE_URL: replay.baseUrl,
      PANCAKE_ACCESS_TOKEN: replay.userToken,
      PANCAKE_CALL_CENTER_IDS: callCentres,
      SYNC_SAFETY_LAG: '0s',
      PANCAKE_RATE_LIMIT: '1000',
      LOG_LEVEL: 'warn',
    };
    // The capture holds one local day of statistics (yesterday): columnar ones (tags) are read for
    // exactly that day, as their rows must line up with the days asked for. Engagement is left out:
    // its stream asks per day and per hour, and the capture layout keeps one answer per endpoint.
    const columnar = ['stats_tags'];
    const others = DEFAULT_STREAMS.map((s) => s.name).filter((n) => !columnar.includes(n) && n !== 'stats_engagement');
    const zone = h.sim.data.pages[0]!.timezone === 7 ? 'UTC+7' : 'UTC';
    const yesterday = dayStart(addDays(localDay(new Date(), zone), -1), zone).toISOString();
    for (const args of [['--since', '30d', '--streams', others.join(',')], ['--since', yesterday, '--streams', columnar.join(',')]]) {
      const result = await runCli(['sync', ...args], env);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    }

    const db = createDb(target.url, 2);
    try {
      const count = async (table: string) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]?.n);
      for (const table of ['pancake.pages', 'pancake.tags', 'pancake.page_users', 'pancake.conversations', 'pancake.messages', 'pancake.customers', 'pancake.posts', 'pancake.call_logs', 'pancake.stats_tags', 'pancake.stats_pages', 'pancake.stats_users']) {
        expect(await count(table), table).toBeGreaterThan(0);
      }
      const names = await sql<{ name: string | null }>`select customer_name as name from pancake.conversations`.execute(db);
      const real = new Set([...h.sim.data.conversations.values()].flat().map((c) => c.page_customer?.name ?? null));
      for (const { name } of names.rows) {
        expect(real.has(name), `${name} is a simulator customer's name`).toBe(false);
        expect(name).toMatch(/^Person \d+$/);
      }
    } finally {
      await db.destroy();
    }
  }, 120_000);
});
