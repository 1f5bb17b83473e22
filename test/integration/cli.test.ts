import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '../../src/simulator/index.js';
import { createMigratedDatabase } from '../support/db.js';
import { createSyncHarness, runCli, simulatorEnv, type SyncHarness } from '../support/harness.js';

describe('the CLI', () => {
  let h: SyncHarness;

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 3, pages: 2, conversationsPerPage: 8, historyDays: 20, messagesPerConversation: { min: 1, max: 10 } }, 'cli');
  });
  afterAll(async () => h?.close());

  it('--help lists the commands (demo and simulate with their options, though loaded on demand) and the environment', async () => {
    const result = await runCli(['--help'], {});
    expect(result.code).toBe(0);
    for (const word of ['migrate', 'sync', 'status', 'demo', 'simulate', 'DATABASE_URL', 'PANCAKE_ACCESS_TOKEN', 'Exit codes']) {
      expect(result.stdout).toContain(word);
    }
    expect(result.stdout).toMatch(/^ {2}demo \[options\] /m);
    expect(result.stdout).toMatch(/^ {2}simulate \[options\] /m);
  });

  it('demo and simulate show their whole help, though their modules load only on demand', async () => {
    // `simulate --help` likewise: cli-loaded-modules.test.ts, which also sees its modules load then.
    const simulate = await runCli(['help', 'simulate'], {});
    expect(simulate.code).toBe(0);
    for (const word of ['--seed', '--fault-rate', ...FAULT_KINDS]) expect(simulate.stdout).toContain(word);
    const demo = await runCli(['help', 'demo'], {});
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('--keep-running');
    const unknown = await runCli(['help', 'nope'], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Usage: pancake-sync');
  });

  // Missing and bad settings, and unknown streams: reliability.test.ts ("bad input") and bad-settings.test.ts.

  it('a wrong page token → a clear error naming the page, exit code 1; the other page still syncs', async () => {
    const [bad, good] = h.sim.data.pages.map((p) => p.id) as [string, string];
    const result = await runCli(
      // Conversations only: the page token is what the test is about, and that stream needs it.
      ['sync', '--since', '25d', '--streams', 'conversations'],
      simulatorEnv(h.sim, h.database.url, { PANCAKE_ACCESS_TOKEN: '', PANCAKE_PAGE_TOKENS: `${bad}:not-a-valid-token,${good}:${h.sim.pageToken(good)}` }),
    );
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain(`page ${bad}`);
    expect(result.stdout + result.stderr).toMatch(/refused the (page )?token/);
    expect(result.stdout + result.stderr).not.toContain('not-a-valid-token');
    const rows = await h.db.selectFrom('pancake.conversations').select('page_id').distinct().execute();
    expect(rows.map((r) => r.page_id)).toEqual([good]);
  });

  it('status --max-lag exits 1 when a stream is behind, for monitors', async () => {
    expect((await h.sync({ since: new Date(h.sim.data.now.getTime() - 25 * 86_400_000) })).exitCode).toBe(0);
    const fresh = await runCli(['status', '--max-lag', '26h'], { DATABASE_URL: h.database.url });
    expect(fresh.code, fresh.stdout + fresh.stderr).toBe(0);
    expect(fresh.stdout).toContain('Every stream is within');
    await h.db.updateTable('pancake.sync_state').set({ watermark: new Date(Date.now() - 3 * 86_400_000) }).where('stream', '=', 'conversations').execute();
    const late = await runCli(['status', '--max-lag', '26h', '--json'], { DATABASE_URL: h.database.url });
    expect(late.code).toBe(1);
    const report = JSON.parse(late.stdout) as { late: number; streams: Array<{ stream: string; late: boolean }> };
    expect(report.late).toBeGreaterThan(0);
    expect(report.streams.find((s) => s.stream === 'conversations')?.late).toBe(true);
  });

  it('demo: a full sync of the simulator whose summary matches the simulator, exit 0', async () => {
    const database = await createMigratedDatabase('demo');
    try {
      // A twentieth of the README's demo shop (120 conversations a page): the same path, less to store.
      const result = await runCli(['demo', '--conversations', '6'], { DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('Every table the simulator can count matches it.');
      expect(result.stdout).toMatch(/pancake\.messages +(\d+) +\1\n/);
    } finally {
      await database.drop();
    }
  });

  it('demo whose warehouse cannot be opened: the error, then the process ends (the simulator closed too)', async () => {
    // A port nothing listens on: the warehouse fails after the demo's simulator started. Before,
    // the simulator's server kept the process alive after the error, until someone killed it.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = await runCli(['demo', '--conversations', '2'], { DATABASE_URL: `postgres://nobody:secret@127.0.0.1:${port}/demo`, LOG_LEVEL: 'warn' });
    expect(result.signal).toBeNull();
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/ECONNREFUSED|connect|reach/i);
  }, 120_000);

  it('status --json reports watermarks and row counts', async () => {
    const result = await runCli(['status', '--json'], { DATABASE_URL: h.database.url });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { streams: Array<{ stream: string; rows: number; pageId: string }> };
    expect(report.streams.some((s) => s.stream === 'conversations' && s.rows > 0)).toBe(true);
  });
});
