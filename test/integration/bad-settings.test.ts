import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { runCompiledCli } from '../support/compiled-cli.js';
import { simulatorEnv } from '../support/harness.js';

// Issue 23: settings validated by one rule each, the same for flags and environment. Every bad
// setting the issue found was accepted (PANCAKE_TIMEOUT=30d overflowed Node's timers and every
// request timed out at 1 ms; SYNC_START=1900-01-01 planned 46,361 requests; `--pages ''` meant all
// pages while PANCAKE_PAGE_IDS=',,' meant none) or ended in "unexpected error". Each now exits 2
// with one line naming the setting and what it accepts, before any request.

/** Nothing listens here: no command below may get as far as connecting. */
const NO_DATABASE = 'postgres://nobody:pw@127.0.0.1:9/none';
const FUTURE = `${new Date().getUTCFullYear() + 4}-01-01`;

describe('bad settings: exit 2 with one line, before any request', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, pages: 1, conversationsPerPage: 2, historyDays: 3 });
  });
  afterAll(async () => sim?.close());

  const cases: Array<{ name: string; args: string[]; env?: Record<string, string>; says: RegExp }> = [
    { name: 'PANCAKE_TIMEOUT=30d (past what Node timers hold)', args: ['sync'], env: { PANCAKE_TIMEOUT: '30d' }, says: /^pancake-sync: Configuration problem: PANCAKE_TIMEOUT must be a duration .* from 1s to 1h, got "30d" \(example: PANCAKE_TIMEOUT=30s\)$/ },
    { name: 'SYNC_START=1900-01-01 (refused for --since too)', args: ['sync'], env: { SYNC_START: '1900-01-01' }, says: /SYNC_START is 1900-01-01, before 2015, when Pancake began: check the year/ },
    { name: `SYNC_START=${FUTURE} (in the future)`, args: ['sync'], env: { SYNC_START: FUTURE }, says: new RegExp(`SYNC_START is ${FUTURE} .*in the future`) },
    { name: "--pages '' (an empty list, not all pages)", args: ['sync', '--pages', ''], says: /^pancake-sync: --pages must name at least one: page ids separated by commas.*; got ""/ },
    { name: '--pages ,,,', args: ['sync', '--pages', ',,,'], says: /^pancake-sync: --pages must name at least one: page ids separated by commas.*; got ",,,"/ },
    { name: "PANCAKE_PAGE_IDS=',,' (the same error as --pages)", args: ['sync'], env: { PANCAKE_PAGE_IDS: ',,' }, says: /PANCAKE_PAGE_IDS must name at least one: page ids separated by commas.*; got ",,"/ },
    { name: '--streams , (an empty list)', args: ['sync', '--streams', ','], says: /--streams must name at least one/ },
    { name: 'worker --concurrency 100000', args: ['worker', '--concurrency', '100000'], env: { DATABASE_URL: NO_DATABASE }, says: /^pancake-sync: --concurrency must be a whole number from 1 to 100, got 100000 \(example: --concurrency 4\)$/ },
    { name: 'worker --reap-interval 0', args: ['worker', '--reap-interval', '0'], env: { DATABASE_URL: NO_DATABASE }, says: /^pancake-sync: --reap-interval must be a duration .* from 100ms to 1h, got "0"/ },
    { name: 'doctor --since 1900', args: ['doctor', '--since', '1900'], says: /^pancake-sync: --since is 1900, a bare number: write a date such as 1900-01-01/ },
    { name: 'doctor --since 1900-01-01', args: ['doctor', '--since', '1900-01-01'], says: /--since is 1900-01-01, before 2015/ },
    { name: 'simulate --port 99999', args: ['simulate', '--port', '99999'], says: /^pancake-sync: --port must be a whole number from 0 to 65535, got 99999 \(example: --port 4010\)$/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      sim.clearRequests();
      const result = await runCompiledCli(c.args, simulatorEnv(sim, NO_DATABASE, { LOG_LEVEL: 'info', ...c.env }));
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trimEnd().split('\n'), result.stderr).toHaveLength(1);
      expect(result.stderr.trimEnd()).toMatch(c.says);
      expect(result.stdout).toBe('');
      expect(sim.requests).toHaveLength(0);
    });
  }

  it('--help shows what each flag accepts', async () => {
    const result = await runCompiledCli(['worker', '--help'], {});
    // Help is wrapped to the terminal: words are compared across line breaks.
    const words = (text: string) => text.replace(/\s+/g, ' ');
    expect(words(result.stdout)).toMatch(/--concurrency <n> page tasks at once .*accepts a whole number from 1 to 100/);
    expect(words(result.stdout)).toMatch(/--reap-interval <duration> .*accepts a duration .*from 100ms to 1h/);
    const sync = await runCompiledCli(['sync', '--help'], {});
    expect(words(sync.stdout)).toMatch(/--since <date> .*from 2015-01-01 until now/);
    const top = await runCompiledCli(['--help'], {});
    expect(words(top.stdout)).toMatch(/PANCAKE_TIMEOUT per request, body included; accepts a duration .*from 1s to 1h \(default: 30s\)/);
  });
});
