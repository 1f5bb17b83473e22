import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHostile } from '../../src/simulator/index.js';
import { createDb } from '../../src/warehouse/db.js';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';
import { createSyncHarness, runCli, simulatorEnv, syncedTables, tableRows, type SyncHarness } from '../support/harness.js';
import { perTier } from '../support/tier.js';

const DAY = 86_400_000;
const HISTORY_DAYS = perTier(20, 40);


describe('concurrent runs', () => {
  let h: SyncHarness;
  let second: TestDatabase;
  beforeAll(async () => {
    // The two processes must overlap: each run lasts about (requests x latency). In the CI tier, few
    // requests made slow (16 ms each) give them a longer run than many fast ones would, at a fraction
    // of the CPU: 20 days of history (the statistics streams ask once a day and page), 30
    // conversations a page with short message lists (one request a conversation). The soak tier syncs
    // a larger shop, fast.
    h = await createSyncHarness(perTier(
      { seed: 31, pages: 2, conversationsPerPage: 30, historyDays: HISTORY_DAYS, messagesPerConversation: { min: 1, max: 12 }, latencyMs: 16 },
      { seed: 31, pages: 2, conversationsPerPage: 80, historyDays: HISTORY_DAYS, messagesPerConversation: { min: 1, max: 25 }, latencyMs: 3 },
    ), 'concurrent_ref');
    second = await createMigratedDatabase('concurrent');
  });
  afterAll(async () => {
    await second?.drop();
    await h?.close();
  });

  it('two sync processes started together never interleave: the second skips what the first holds, both exit 0, the tables equal a single run', async () => {
    const since = new Date(h.sim.data.now.getTime() - (HISTORY_DAYS + 1) * DAY).toISOString();
    const env = simulatorEnv(h.sim, second.url, { LOG_LEVEL: 'info' });
    const [a, b] = await Promise.all([runCli(['sync', '--since', since], env), runCli(['sync', '--since', since], env)]);
    expect([a.code, b.code], `${a.stderr}\n----\n${b.stderr}`).toEqual([0, 0]);
    expect(a.stderr + b.stderr).toMatch(/another pancake-sync process is syncing/);
    // Whatever one process skipped, a run after both finishes has nothing left to fix.
    await h.sync({ since: new Date(since) });
    const db = createDb(second.url, 2);
    try {
      for (const [table, key] of await syncedTables(h.db)) {
        expect(await tableRows(db, table, key), table).toEqual(await tableRows(h.db, table, key));
      }
    } finally {
      await db.destroy();
    }
  });
});

describe('schema safety', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await createSyncHarness({ seed: 32, pages: 1, conversationsPerPage: 5 }, 'schema');
  });
  afterAll(async () => h?.close());

  it('migrate on an up-to-date database is a no-op, and sync refuses a newer schema with a message', async () => {
    const env = { DATABASE_URL: h.database.url };
    const again = await runCli(['migrate'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('up to date');
    await sql`insert into pancake_private.kysely_migration (name, timestamp) values ('9999_from_the_future', now())`.execute(h.db);
    const refused = await runCli(['sync'], simulatorEnv(h.sim, h.database.url));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/newer than this pancake-sync.*9999_from_the_future.*Upgrade pancake-sync/s);
    const runs = await h.db.selectFrom('pancake.sync_runs').select('id').execute();
    expect(runs).toHaveLength(0);
    await sql`delete from pancake_private.kysely_migration where name = '9999_from_the_future'`.execute(h.db);
  });
});

describe('bad input', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    // In the CI tier, few conversations, each with 10-12 messages: makeHostile (every 3rd) still
    // reaches all four kinds of hostile conversation and all five kinds of hostile message (1 MB texts
    // among them), without tens of megabytes of them. The soak tier: 30 conversations of the default lengths.
    h = await createSyncHarness(perTier(
      { seed: 33, pages: 1, conversationsPerPage: 12, historyDays: 20, messagesPerConversation: { min: 10, max: 12 } },
      { seed: 33, pages: 1, conversationsPerPage: 30, historyDays: 20 },
    ), 'badinput');
  });
  afterAll(async () => h?.close());

  const cases: Array<{ name: string; args?: string[]; env: (base: Record<string, string | undefined>) => Record<string, string | undefined>; says: RegExp }> = [
    { name: 'missing token', env: (e) => ({ ...e, PANCAKE_ACCESS_TOKEN: undefined }), says: /PANCAKE_ACCESS_TOKEN is not set.*example: PANCAKE_ACCESS_TOKEN=/s },
    { name: 'unknown stream', args: ['--streams', 'conversations,chats'], env: (e) => e, says: /"chats".*Valid streams: .*conversations, messages.*example: --streams/s },
    { name: 'bad date', args: ['--since', 'last tuesday'], env: (e) => e, says: /--since must be.*example: --since 2026-01-01/s },
    { name: 'since after until', args: ['--since', '2026-03-01', '--until', '2026-02-01'], env: (e) => e, says: /--since .* must be before --until.*example/s },
    { name: 'two bad numbers (both named at once)', env: (e) => ({ ...e, SYNC_CONCURRENCY: '-4', SYNC_LOOKBACK: '-1' }), says: /SYNC_LOOKBACK must be a duration.*got "-1".*example: SYNC_LOOKBACK=.*SYNC_CONCURRENCY must be a whole number from 1 to 256, got -4.*example: SYNC_CONCURRENCY=8/s },
    { name: 'non-numeric number', env: (e) => ({ ...e, PANCAKE_RATE_LIMIT: 'fast' }), says: /PANCAKE_RATE_LIMIT must be a number of requests per second per token, more than 0 and at most 1000.*example: PANCAKE_RATE_LIMIT=5/s },
    { name: 'unreachable database', env: (e) => ({ ...e, DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:9/warehouse' }), says: /Cannot connect to the database.*example: postgres:\/\//s },
    { name: 'bad PANCAKE_BASE_URL', env: (e) => ({ ...e, PANCAKE_BASE_URL: 'pages dot fm' }), says: /PANCAKE_BASE_URL must be an http:\/\/ or https:\/\/ origin.*example: PANCAKE_BASE_URL=https:\/\/pages.fm/s },
  ];

  for (const c of cases) {
    it(`${c.name} → one message naming the setting with an example, exit 2, nothing written`, async () => {
      h.sim.clearRequests();
      const env = c.env(simulatorEnv(h.sim, h.database.url));
      const result = await runCli(['sync', ...(c.args ?? [])], Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)));
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(c.says);
      expect(result.stderr.match(/^pancake-sync: /gm)).toHaveLength(1);
      expect(result.stderr).not.toContain('secret');
      expect(h.sim.requests).toHaveLength(0);
      const runs = await h.db.selectFrom('pancake.sync_runs').select('id').execute();
      expect(runs).toHaveLength(0);
    });
  }

  it('hostile API data (unknown fields, missing fields, nulls, 1 MB texts, broken UTF-16, NUL) is stored and never crashes the run', async () => {
    const touched = makeHostile(h.sim.data, 3);
    // Every kind of hostile conversation (4) and message (5) is among them.
    expect(touched.conversations.length).toBeGreaterThanOrEqual(4);
    expect(touched.messages.length).toBeGreaterThanOrEqual(4 * 5);
    const summary = await h.sync({ since: new Date(h.sim.data.now.getTime() - 21 * DAY), streams: ['conversations', 'messages'] });
    expect(summary.failures).toEqual([]);
    const conversations = await h.db.selectFrom('pancake.conversations').select(['id', 'raw', 'snippet', 'message_count']).where('id', 'in', touched.conversations).execute();
    expect(conversations).toHaveLength(touched.conversations.length);
    for (const c of conversations) expect((c.raw as Record<string, unknown>).brand_new_field).toBeDefined();
    const messages = await h.db.selectFrom('pancake.messages').select(['id', 'text']).where('id', 'in', touched.messages).execute();
    expect(messages).toHaveLength(touched.messages.length);
    expect(messages.some((m) => (m.text?.length ?? 0) > 1_000_000)).toBe(true);
    expect(messages.some((m) => m.text?.includes('\ufffd'))).toBe(true);
  });
});
