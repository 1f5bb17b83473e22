import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '../../src/simulator/index.js';
import { createSyncHarness, runCli, simulatorEnv, syncedTables, tableRows, type SyncHarness } from '../support/harness.js';
import { perTier } from '../support/tier.js';

const DAY = 86_400_000;
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
// Message lists of up to 40 items (some take a second request), not the default 70. In the CI tier,
// 25 conversations a page and 10 days of history (the statistics streams ask once a day and page):
// about 150 requests a sync, where the first test's fault seed has drawn every kind by the 30th. The
// soak tier syncs the larger shop (40 a page, 35 days).
const HISTORY_DAYS = perTier(10, 35);
const DATA = { seed: 41, now: NOW, pages: 2, conversationsPerPage: perTier(25, 40), historyDays: HISTORY_DAYS, messagesPerConversation: { min: 1, max: 40 } };
/** Draws every transient fault kind within its first 30 faulty-or-not requests at rate 0.2 (FaultPlan). */
const EVERY_KIND_SEED = 64;
// Short client timeouts so that the 'timeout' fault costs seconds, not minutes.
const FAULTY_ENV = { PANCAKE_TIMEOUT: '1s', PANCAKE_RETRIES: '12' };


describe('faults', () => {
  let clean: SyncHarness;
  let faulty: SyncHarness;
  const since = new Date(NOW.getTime() - (HISTORY_DAYS + 2) * DAY);

  beforeAll(async () => {
    clean = await createSyncHarness(DATA, 'faults_clean');
    faulty = await createSyncHarness(DATA, 'faults_faulty');
    const first = await clean.sync({ since });
    expect(first.failures).toEqual([]);
  });
  afterAll(async () => {
    await clean?.close();
    await faulty?.close();
  });

  it('with 20 % faults of every kind, a full sync ends with the same tables as a fault-free one', async () => {
    const kinds = FAULT_KINDS.filter((k) => k !== 'expired_token');
    faulty.sim.setFaults({ rate: 0.2, kinds, seed: EVERY_KIND_SEED, timeoutMs: 1500, retryAfterSeconds: 0.2 });
    const summary = await faulty.sync({ since }, FAULTY_ENV);
    faulty.sim.setFaults(null);
    expect(summary.failures).toEqual([]);
    const injected = new Set(faulty.sim.requests.map((r) => r.fault).filter(Boolean));
    expect([...injected].sort()).toEqual([...kinds].sort());
    for (const [table, key] of await syncedTables(clean.db)) {
      expect(await tableRows(faulty.db, table, key), table).toEqual(await tableRows(clean.db, table, key));
    }
  });

  it('a page whose faults outlast the retries fails alone: the other page finishes, exit 1, sync_runs says which and why', async () => {
    const [broken, healthy] = faulty.sim.data.pages.map((p) => p.id) as [string, string];
    faulty.sim.setFaults({ rate: 1, kinds: ['server_error'], pageIds: [broken] });
    const tokens = `${broken}:${faulty.sim.pageToken(broken)},${healthy}:${faulty.sim.pageToken(healthy)}`;
    const summary = await faulty.sync({ since }, { PANCAKE_ACCESS_TOKEN: '', PANCAKE_PAGE_TOKENS: tokens, PANCAKE_RETRIES: '2' });
    faulty.sim.setFaults(null);
    expect(summary.exitCode).toBe(1);
    // The healthy page finishes: every stream done, but call logs, unavailable without PANCAKE_CALL_CENTER_IDS.
    expect(summary.outcomes.filter((o) => o.pageId === healthy).every((o) => o.status === 'done' || (o.stream === 'call_logs' && o.status === 'unavailable'))).toBe(true);
    expect(summary.outcomes.filter((o) => o.pageId === broken).some((o) => o.status === 'failed')).toBe(true);
    const run = await faulty.db.selectFrom('pancake.sync_runs').select(['status', 'errors']).where('id', '=', summary.runId).executeTakeFirstOrThrow();
    expect(run.status).toBe('partial');
    const errors = run.errors as Array<{ pageId: string; stream: string; kind: string; message: string }>;
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error.pageId).toBe(broken);
      expect(error.stream).toBeTruthy();
      expect(error.kind).toBe('server');
      expect(error.message).toMatch(/Pancake server error for page \d+ \(HTTP 50[023]\)/);
    }
    // The retry budget bounds the damage: at most 1 + PANCAKE_RETRIES requests per failed call.
    const brokenRequests = faulty.sim.requests.filter((r) => r.pageId === broken && r.fault === 'server_error');
    expect(brokenRequests.length).toBeLessThanOrEqual(errors.length * 3 + 3 * 10);
  });

  it('secrets: after a faulty run, no token appears in logs, errors, raw columns, sync_runs or status --json', async () => {
    const secrets = [faulty.sim.userToken, ...faulty.sim.data.pages.map((p) => faulty.sim.pageToken(p.id))];
    faulty.sim.setFaults({ rate: 0.2, seed: 9, timeoutMs: 1500, retryAfterSeconds: 0.2 });
    const [first] = faulty.sim.data.pages.map((p) => p.id) as [string];
    const env = simulatorEnv(faulty.sim, faulty.database.url, {
      ...FAULTY_ENV,
      LOG_LEVEL: 'debug',
      // One page with a token the API refuses, so auth errors are logged and recorded too.
      PANCAKE_PAGE_TOKENS: `${first}:${faulty.sim.pageToken(first)}-revoked`,
    });
    const run = await runCli(['sync', '--since', since.toISOString()], env);
    faulty.sim.setFaults(null);
    const status = await runCli(['status', '--json'], { DATABASE_URL: faulty.database.url });
    expect(run.stderr).toContain('"level":20'); // debug lines, with their redacted URLs, were written
    expect(run.stderr).toMatch(/refused the (page )?token/);
    const { rows } = await sql<{ text: string }>`
      select string_agg(t::text, ' ') as text from (
        select row_to_json(x)::text as t from pancake.sync_runs x
        union all select raw::text from pancake.conversations
        union all select raw::text from pancake.messages
        union all select row_to_json(s)::text from pancake.sync_state s) all_text`.execute(faulty.db);
    const haystacks = { stdout: run.stdout, stderr: run.stderr, status: status.stdout, warehouse: rows[0]?.text ?? '' };
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of secrets) expect(text.includes(secret), `a token leaked into ${where}`).toBe(false);
    }
    expect(`${run.stdout}${run.stderr}`).toContain('***');
  });
});
