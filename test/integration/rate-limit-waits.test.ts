import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createPancakeClient } from '../../src/pancake/client.js';
import { buildStatus } from '../../src/commands/status.js';
import { runSync, type RunSummary } from '../../src/sync/runner.js';
import { createSyncHarness, runCli, simulatorEnv, type SyncHarness } from '../support/harness.js';

// Rate limits over a night: an API that rate-limits forever must not keep a run going (issue: a 200
// with error_code 429 on every request was retried until SIGTERM), a spell of them must be waited
// out with a reason in the log, and a limit shared with another integration must be paced down to,
// not failed on. Budgets here are seconds, so no test waits long.

interface LogLine {
  level: number;
  msg: string;
}

const STREAMS = ['tags', 'page_users', 'conversations', 'customers', 'posts', 'messages'];

describe('rate-limited answers', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await createSyncHarness({ seed: 95, pages: 2, conversationsPerPage: 6, historyDays: 3 }, 'rate_limit_waits');
    // Page tokens stored once; the rest of the file only reads with them.
    expect((await h.sync({ streams: STREAMS })).exitCode).toBe(0);
  });
  afterAll(async () => {
    h.sim.setFaults(null);
    await h?.close();
  });

  async function run(waits: { rateLimitWaitMs: number; rateLimitRunWaitMs: number }, extra: Env = {}): Promise<{ summary: RunSummary; lines: LogLine[] }> {
    const lines: LogLine[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } });
    const config = h.config(extra);
    const client = createPancakeClient({ baseUrl: config.baseUrl, accessToken: config.accessToken ?? '', rateLimit: config.rateLimitPerSecond, retryMinDelayMs: 20, timeoutMs: 5_000, logger: log, ...waits });
    const summary = await runSync({ config, db: h.db, client, log }, { streams: STREAMS });
    return { summary, lines };
  }

  it('an API answering error_code 429 forever ends the run within the budget: exit 1, one line naming the setting (CLI)', async () => {
    h.sim.setFaults({ rate: 1, kinds: ['rate_limit_body'] });
    h.sim.clearRequests();
    try {
      const cli = await runCli(['sync', '--json'], simulatorEnv(h.sim, h.database.url, { PANCAKE_RATE_LIMIT_WAIT: '2s', PANCAKE_RATE_LIMIT_RUN_WAIT: '3s', LOG_LEVEL: 'error' }));
      expect(cli.code).toBe(1);
      const summary = JSON.parse(cli.stdout) as RunSummary;
      // The page list itself is rate-limited: the run cannot start, and says why.
      expect(summary.failures).toEqual([expect.objectContaining({ pageId: null, kind: 'wait_too_long', message: expect.stringMatching(/kept rate-limiting a request for \d+(\.\d)?s, and PANCAKE_RATE_LIMIT_WAIT allows 2\.0s/) })]);
      // Paced and paused, not hammered: a handful of requests in all.
      expect(h.sim.requests.length).toBeGreaterThanOrEqual(2);
      expect(h.sim.requests.length).toBeLessThanOrEqual(5);
    } finally {
      h.sim.setFaults(null);
    }
  });

  it('a page whose requests are rate-limited forever fails once its request budget is spent, in one line; the other page is done', async () => {
    const [limited, other] = h.sim.data.pages.map((p) => p.id) as [string, string];
    h.sim.setFaults({ rate: 1, kinds: ['rate_limit_body'], pageIds: [limited] });
    h.sim.clearRequests();
    try {
      const { summary, lines } = await run({ rateLimitWaitMs: 1_500, rateLimitRunWaitMs: 60_000 });
      expect(summary.exitCode).toBe(1);
      expect(summary.failures).toEqual([expect.objectContaining({ pageId: limited, kind: 'wait_too_long', message: expect.stringMatching(/PANCAKE_RATE_LIMIT_WAIT allows 1\.5s: the page was given up for this run/) })]);
      expect(lines.filter((l) => l.level >= 50)).toHaveLength(1);
      expect(summary.outcomes.filter((o) => o.pageId === other).every((o) => o.status === 'done')).toBe(true);
      // One failure; the page's other streams are skipped (messages, following a walk that read nothing, have nothing to do).
      const statuses = summary.outcomes.filter((o) => o.pageId === limited).map((o) => o.status);
      expect(statuses.filter((s) => s === 'failed')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'skipped_page_failed').length).toBeGreaterThanOrEqual(STREAMS.length - 2);
      expect(h.sim.requests.filter((r) => r.pageId === limited).length).toBeLessThanOrEqual(4 * STREAMS.length);
    } finally {
      h.sim.setFaults(null);
    }
  });

  it("the page's budget over the run ends it too (PANCAKE_RATE_LIMIT_RUN_WAIT), however patient each request may be", async () => {
    const [limited] = h.sim.data.pages.map((p) => p.id) as [string];
    h.sim.setFaults({ rate: 1, kinds: ['rate_limit_body'], pageIds: [limited] });
    try {
      const { summary, lines } = await run({ rateLimitWaitMs: 600_000, rateLimitRunWaitMs: 2_500 });
      expect(summary.exitCode).toBe(1);
      expect(summary.failures).toEqual([expect.objectContaining({ pageId: limited, kind: 'wait_too_long', message: expect.stringMatching(/has rate-limited the requests for page \d+ for \d(\.\d)?s in this run, and PANCAKE_RATE_LIMIT_RUN_WAIT allows 2\.5s/) })]);
      expect(lines.filter((l) => l.level >= 50)).toHaveLength(1);
      // Said while it waited: the page is being rate-limited, its pace and why.
      expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toContainEqual(expect.stringMatching(/Pancake is rate-limiting the requests for page \d+ \(\d+ rate-limited answers so far\): pacing at [\d.]+ requests\/s and waiting; the page's limit is shared/));
    } finally {
      h.sim.setFaults(null);
    }
  });

  it("a limit shared with another integration is paced down to, not failed on; the run and sync_runs report the pace and the 429s", async () => {
    const [page] = h.sim.data.pages.map((p) => p.id) as [string];
    // The page's limit is 10/s; another client spends 9 of them for the whole run.
    h.sim.setRateLimit(10);
    h.sim.setOtherClientLoad({ perSecond: 9, pageIds: [page] });
    h.sim.clearRequests();
    try {
      const { summary } = await run({ rateLimitWaitMs: 300_000, rateLimitRunWaitMs: 3_600_000 }, { PANCAKE_RATE_LIMIT: '10', PANCAKE_PAGE_IDS: page });
      expect(summary.exitCode, JSON.stringify(summary.failures)).toBe(0);
      const limitedBySim = h.sim.requests.filter((r) => r.rateLimited).length;
      expect(limitedBySim).toBeGreaterThan(0);
      expect(summary.rateLimited).toBe(limitedBySim);
      expect(summary.effectiveRate).toBeLessThan(10);
      expect(summary.pageHealth[page]).toMatchObject({ token: 'stored', tokenState: 'working', rateLimited: limitedBySim, rate: summary.effectiveRate });
      const row = await h.db.selectFrom('pancake.sync_runs').select(['rate_limited', 'effective_rate']).where('id', '=', summary.runId).executeTakeFirstOrThrow();
      expect({ rateLimited: row.rate_limited, rate: Number(row.effective_rate) }).toEqual({ rateLimited: limitedBySim, rate: summary.effectiveRate });
      const status = await buildStatus(h.db, new Date(), null, h.config());
      expect(status.pages?.find((p) => p.pageId === page)).toMatchObject({ effectiveRate: summary.effectiveRate, rateLimited: limitedBySim });
    } finally {
      h.sim.setRateLimit(null);
      h.sim.setOtherClientLoad(null);
    }
  });
});
