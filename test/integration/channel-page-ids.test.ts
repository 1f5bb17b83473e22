import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createDb } from '../../src/warehouse/db.js';
import type { Database } from '../../src/warehouse/schema.js';
import type { Kysely } from 'kysely';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';
import { runCli } from '../support/harness.js';

// Page ids are opaque strings: a website chat (`web_…`), a personal Zalo account (`pzl_…`) and a
// Facebook page (digits) in the configuration, the tokens and the call-center ids, synced end to
// end by the real CLI (regression: the configuration refused anything but digits).

const IDS = ['web_1664524051101747', 'pzl_84901234567', '1234567890123456'];

describe('pages of any channel', () => {
  let sim: Simulator;
  let database: TestDatabase;
  let db: Kysely<Database>;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 9, pages: 3, pageIds: IDS, conversationsPerPage: 15, historyDays: 20 });
    database = await createMigratedDatabase('channels');
    db = createDb(database.url, 4);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
    await sim?.close();
  });

  it('PANCAKE_PAGE_IDS, PANCAKE_PAGE_TOKENS and PANCAKE_CALL_CENTER_IDS take them, and every stream of every page syncs', async () => {
    const env = {
      DATABASE_URL: database.url,
      PANCAKE_BASE_URL: sim.baseUrl,
      PANCAKE_PAGE_IDS: IDS.join(','),
      PANCAKE_PAGE_TOKENS: IDS.map((id) => `${id}:${sim.pageToken(id)}`).join(','),
      PANCAKE_CALL_CENTER_IDS: IDS.map((id) => `${id}:${sim.callCenterId(id)}`).join(','),
      SYNC_SAFETY_LAG: '0s',
      PANCAKE_RATE_LIMIT: '1000',
      LOG_LEVEL: 'info',
    };
    const result = await runCli(['sync', '--since', '25d', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { outcomes: Array<{ pageId: string; stream: string; status: string }> };
    expect(new Set(summary.outcomes.map((o) => o.pageId))).toEqual(new Set(IDS));
    expect(summary.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    for (const id of IDS) expect(result.stderr).toContain(id); // logs name the page as it is

    for (const table of ['pancake.conversations', 'pancake.messages', 'pancake.call_logs', 'pancake.customers'] as const) {
      const rows = await db.selectFrom(table).select('page_id').select((eb) => eb.fn.countAll<string>().as('n')).groupBy('page_id').execute();
      expect(new Set(rows.map((r) => r.page_id)), table).toEqual(new Set(IDS));
    }
    const messages = await db.selectFrom('pancake.messages').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    // Every message of every conversation the 25 days brought in (the conversations stored, not a
    // cutoff computed here: the run's own clock drew the line a few seconds earlier).
    const stored = await db.selectFrom('pancake.conversations').select('id').execute();
    expect(stored.length).toBeGreaterThan(0);
    const storedIds = new Set(stored.map((c) => c.id));
    const surelyInside = [...sim.data.conversationById.values()].filter((c) => Date.parse(`${c.updated_at}Z`) >= Date.now() - 25 * 86_400_000 + 60_000);
    expect(surelyInside.filter((c) => !storedIds.has(c.id)).map((c) => c.id)).toEqual([]);
    const expected = stored.reduce((n, c) => n + (sim.data.messages.get(c.id)?.length ?? 0), 0);
    expect(Number(messages.n)).toBe(expected);
  });
});
