import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStatus } from '../../src/commands/status.js';
import type { Env } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { runSync, type RunSummary } from '../../src/sync/runner.js';
import { addRecentMessages } from '../support/recent-change.js';
import { createSyncHarness, runCli, simulatorEnv, type SyncHarness } from '../support/harness.js';

// The user token over a season (issue: on day 90 every run stopped, although every stored page
// token still worked, and nothing warned before). The simulator issues it as Pancake does, a JWT
// with `exp`; it can expire it (error_code 103) and renew it (the old one then gets error_code 102).

const DAY = 86_400_000;
const STREAMS = { streams: ['tags', 'conversations', 'messages'] };

interface LogLine {
  level: number;
  msg: string;
  kind?: string;
}

describe('the user token over a season', () => {
  let h: SyncHarness;
  let expiresAt: Date;
  let pages: [string, string, string];

  beforeAll(async () => {
    // Whole seconds: a JWT's exp is in seconds.
    expiresAt = new Date(Math.floor((Date.now() + 9.5 * DAY) / 1000) * 1000);
    h = await createSyncHarness({ seed: 91, pages: 3, conversationsPerPage: 6, historyDays: 5, userTokenExpiresAt: expiresAt }, 'user_token');
    pages = h.sim.data.pages.map((p) => p.id) as [string, string, string];
  });
  afterAll(async () => h?.close());

  /** One in-process run, its log lines kept. */
  async function run(extra: Env = {}): Promise<{ summary: RunSummary; lines: LogLine[] }> {
    const lines: LogLine[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } });
    const config = h.config(extra);
    const summary = await runSync({ config, db: h.db, client: h.client(config), log }, STREAMS);
    return { summary, lines };
  }
  const status = (extra: Env = {}) => buildStatus(h.db, new Date(), null, h.config(extra));
  /** A change a run reads: messages dated in the last whole second (within SYNC_LOOKBACK). */
  const newMessages = (pageId: string) => addRecentMessages(h.sim, pageId, 2);
  const storedMessages = async (conversationId: string) =>
    Number((await sql<{ n: string }>`select count(*) as n from pancake.messages where conversation_id = ${conversationId}`.execute(h.db)).rows[0]!.n);

  it('from 14 days before it expires, every run logs one warning naming PANCAKE_ACCESS_TOKEN and the date; the summary, sync_runs and status say when', async () => {
    for (let night = 1; night <= 2; night++) {
      const { summary, lines } = await run();
      expect(summary.exitCode, JSON.stringify(summary.failures)).toBe(0);
      expect(summary.userToken).toEqual({ expiresAt, state: 'accepted' });
      const warnings = lines.filter((l) => l.level === 40);
      expect(warnings.map((l) => l.msg)).toEqual([expect.stringMatching(new RegExp(`^PANCAKE_ACCESS_TOKEN expires on ${expiresAt.toISOString().slice(0, 10)} \\d\\d:\\d\\d UTC \\(in 9 days\\): generate a new user token`))]);
    }
    const row = await h.db.selectFrom('pancake.sync_runs').select(['user_token_expires_at', 'user_token_state']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(row).toEqual({ user_token_expires_at: expiresAt, user_token_state: 'accepted' });
    const report = await status();
    expect(report.userToken).toMatchObject({ expiresAt, state: 'accepted', warning: expect.stringMatching(/^PANCAKE_ACCESS_TOKEN expires on/) });
    // A reader without the token reads the expiry the last run recorded.
    expect((await buildStatus(h.db, new Date())).userToken).toMatchObject({ expiresAt, state: 'accepted' });
    expect(report.pages?.map((p) => [p.pageId, p.listStatus, p.tokenSource, p.tokenHealth?.state])).toEqual(pages.map((id) => [id, 'activated', 'stored', 'working']).sort());
    // doctor says it too.
    const doctor = await runCli(['doctor', '--json', '--pages', pages[0]], simulatorEnv(h.sim, h.database.url));
    expect(JSON.parse(doctor.stdout).userToken).toEqual({ expiresAt: expiresAt.toISOString(), warning: expect.stringMatching(/^PANCAKE_ACCESS_TOKEN expires on/), refused: null });
  });

  it('once refused, a run syncs every page whose token it holds, says in ONE line what cannot happen and what to do, and exits 1', async () => {
    const [a, b, c] = pages;
    // Page c has no stored token: nothing can read it without a user token.
    await sql`delete from pancake_private.page_tokens where page_id = ${c}`.execute(h.db);
    const changed = newMessages(a);
    h.sim.expireUserToken();
    h.sim.clearRequests();

    const { summary, lines } = await run();
    expect(summary.exitCode).toBe(1);
    expect(summary.status).toBe('partial');
    expect(summary.userToken).toEqual({ expiresAt, state: 'refused' });
    expect(summary.pages.map((p) => p.id).sort()).toEqual([a, b].sort());
    expect(summary.outcomes.filter((o) => o.status !== 'done')).toEqual([]);
    expect(summary.failures).toEqual([
      {
        pageId: null,
        stream: null,
        kind: 'user_token_refused',
        message: expect.stringMatching(
          new RegExp(`^Pancake refused PANCAKE_ACCESS_TOKEN \\(error_code 103\\): synced the 2 page\\(s\\) whose page token is stored or in PANCAKE_PAGE_TOKENS.*; 1 page\\(s\\) without a stored token were skipped \\(${c}\\)\\. Without it no new page is found and no refused page token can be renewed: generate a new user token`),
        ),
      },
    ]);
    expect(lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([summary.failures[0]!.message]);
    // The new messages of a page with a stored token were read; the page list was asked once, nothing was generated.
    expect(await storedMessages(changed)).toBe(h.sim.data.messages.get(changed)!.length);
    expect(h.sim.requests.filter((r) => r.endpoint === 'list_pages').map((r) => r.status)).toEqual([200]);
    expect(h.sim.requests.filter((r) => r.endpoint === 'generate_page_token')).toEqual([]);

    const report = await status();
    expect(report.userToken).toMatchObject({ state: 'refused', runId: summary.runId });
    expect(report.pages?.find((p) => p.pageId === c)).toMatchObject({ listStatus: 'activated', tokenSource: 'none' });
    expect(report.pages?.find((p) => p.pageId === a)).toMatchObject({ tokenSource: 'stored', tokenHealth: { state: 'working', runId: summary.runId } });
  });

  it('a page token in PANCAKE_PAGE_TOKENS is synced too; status keeps showing the refusal; the CLI prints the line and exits 1', async () => {
    const [, , c] = pages;
    const env = { PANCAKE_PAGE_TOKENS: `${c}:${h.sim.pageToken(c)}` };
    const { summary } = await run(env);
    expect(summary.exitCode).toBe(1);
    expect(summary.pages.map((p) => p.id)).toContain(c);
    expect(summary.failures).toEqual([expect.objectContaining({ kind: 'user_token_refused', message: expect.stringMatching(/synced the 3 page\(s\).*from the page list of earlier runs\. Without it/) })]);
    expect((await status(env)).userToken).toMatchObject({ state: 'refused' });

    const cli = await runCli(['sync', '--streams', 'tags'], simulatorEnv(h.sim, h.database.url, { LOG_LEVEL: 'error' }));
    expect(cli.code).toBe(1);
    expect(cli.stderr.trim().split('\n')).toEqual([expect.stringMatching(/Pancake refused PANCAKE_ACCESS_TOKEN \(error_code 103\)/)]);
    expect(cli.stdout).toMatch(/\n {2}user token \(PANCAKE_ACCESS_TOKEN\): refused by Pancake; expires \d{4}-\d\d-\d\d \d\d:\d\d UTC\n/);
    // A queued run does the same: the pages with a token get a task, the line says the rest.
    const queued = await runCli(['enqueue', '--streams', 'tags'], simulatorEnv(h.sim, h.database.url, { LOG_LEVEL: 'silent' }));
    expect(queued.code).toBe(1);
    expect(queued.stdout).toMatch(/: 2 page task\(s\) queued .*\n {2}Pancake refused PANCAKE_ACCESS_TOKEN \(error_code 103\): queued the 2 page\(s\)/s);
    const doctor = await runCli(['doctor'], simulatorEnv(h.sim, h.database.url));
    expect(doctor.code).toBe(1);
    expect(doctor.stdout.trim()).toMatch(/^Pancake refused PANCAKE_ACCESS_TOKEN, the user token \(error_code 103: .*\): generate a new one/);
    const shown = await runCli(['status'], simulatorEnv(h.sim, h.database.url));
    expect(shown.stdout).toMatch(/User token \(PANCAKE_ACCESS_TOKEN\): expires .*\n {2}REFUSED by Pancake in run #\d+/);
    expect(shown.stdout).toMatch(/\nPages:\npage +name +list +token +token health +pace +429s\n/);
  });

  it('renewed, the next run is accepted (status stops showing the refusal); the replaced token is refused with error_code 102', async () => {
    const renewedExpiry = new Date(Math.floor((Date.now() + 90 * DAY) / 1000) * 1000);
    const replaced = h.sim.userToken;
    const renewed = h.sim.renewUserToken(renewedExpiry);
    expect(renewed).not.toBe(replaced);
    const old = await run({ PANCAKE_ACCESS_TOKEN: replaced });
    expect(old.summary.failures).toEqual([expect.objectContaining({ kind: 'user_token_refused', message: expect.stringMatching(/^Pancake refused PANCAKE_ACCESS_TOKEN \(error_code 102\)/) })]);

    const changed = newMessages(pages[2]);
    const { summary, lines } = await run({ PANCAKE_ACCESS_TOKEN: renewed });
    expect(summary.exitCode, JSON.stringify(summary.failures)).toBe(0);
    expect(summary.userToken).toEqual({ expiresAt: renewedExpiry, state: 'accepted' });
    expect(lines.filter((l) => l.level === 40)).toEqual([]);
    expect(await storedMessages(changed)).toBe(h.sim.data.messages.get(changed)!.length);
    const report = await status({ PANCAKE_ACCESS_TOKEN: renewed });
    expect(report.userToken).toMatchObject({ expiresAt: renewedExpiry, state: 'accepted', runId: summary.runId, warning: null });
    expect(report.pages?.every((p) => p.tokenSource === 'stored' && p.tokenHealth?.state === 'working')).toBe(true);
  });
});
