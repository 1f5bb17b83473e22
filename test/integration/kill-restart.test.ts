import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/simulator/shop/random.js';
import { runCompiledCli, startUnreaped } from '../support/compiled-cli.js';
import { createSyncHarness, simulatorEnv, type SyncHarness } from '../support/harness.js';
import { perTier } from '../support/tier.js';

// Issue 23, "a dead holder is dead at once": a sync SIGKILLed at a random moment and the next one
// started at once. The same-host liveness check (`process.kill(pid, 0)`) counted a process still
// being torn down, or a zombie its parent had not reaped yet, as alive (and a recycled pid as the
// holder): the next run skipped the dead run's streams, and two such runs in a row exited 1. Here
// the killed run's parent never reaps it, as a shell script or a container without an init would
// not, so it is a zombie for the whole of the next run. Each next run takes over every lock of the
// dead one, skips nothing and exits 0. `npm test` runs a few rounds; `npm run test:soak` the 20 of
// the issue (test/support/tier.ts).

const ROUNDS = perTier(3, 20);
const DAY = 86_400_000;

function processState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '?';
  } catch {
    return 'gone';
  }
}

describe(`a sync killed at a random moment, the next started at once (${ROUNDS} rounds)`, () => {
  let h: SyncHarness;
  let env: Record<string, string | undefined>;
  let requestsPerRun = 0;

  beforeAll(async () => {
    // A tiny shop, kept live so that every run has conversations and messages to walk; a little
    // latency so that a kill lands inside a run.
    h = await createSyncHarness({ seed: 23, pages: 2, conversationsPerPage: 6, historyDays: 4, latencyMs: 3, liveShop: { perSecond: 20 } }, 'kill_restart');
    env = simulatorEnv(h.sim, h.database.url, { SYNC_START: new Date(h.sim.data.now.getTime() - 5 * DAY).toISOString(), LOG_LEVEL: 'warn' });
    h.sim.clearRequests();
    const first = await runCompiledCli(['sync'], env);
    expect(first.code, first.stderr).toBe(0);
    requestsPerRun = h.sim.requests.length;
  });
  afterAll(async () => h?.close());

  it('each next run takes over every lock of the dead one, skips nothing and exits 0', async () => {
    const rng = Random.of('kill-restart', 23);
    let locksTakenOver = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // An incremental run makes fewer requests than the first: kill within the first half of it,
      // once it holds a lock.
      const point = rng.int(1, Math.max(2, Math.floor(requestsPerRun / 2)));
      h.sim.clearRequests();
      const killed = await startUnreaped(['sync'], env);
      try {
        let held: Array<{ page_id: string; stream: string }> = [];
        for (const deadline = Date.now() + 60_000; held.length === 0 || h.sim.requests.length < point; await sleep(2)) {
          if (Date.now() > deadline) throw new Error(`round ${round}: the run never held a lock at request ${point}`);
          held = await h.db.selectFrom('pancake.sync_locks').select(['page_id', 'stream']).where('pid', '=', killed.pid).execute();
        }
        process.kill(killed.pid, 'SIGKILL');
        // At once: the killed process is being torn down, then a zombie nobody reaps.
        const resumed = await runCompiledCli(['sync'], env);
        const label = `round ${round}, killed at request ${point} holding ${held.length} lock(s): ${resumed.stderr}`;
        expect(processState(killed.pid), label).toBe('Z');
        expect(resumed.code, label).toBe(0);
        expect(resumed.stderr, label).not.toMatch(/another pancake-sync process|skipped/);
        // Every lock the dead run held was taken over (and released at the end): none is left.
        expect(await h.db.selectFrom('pancake.sync_locks').selectAll().execute(), label).toEqual([]);
        const [run, dead] = await h.db.selectFrom('pancake.sync_runs').select(['status', 'counts', 'pid']).orderBy('id', 'desc').limit(2).execute();
        expect(run?.status, label).toBe('succeeded');
        const statuses = Object.values(run!.counts as Record<string, Record<string, { status: string }>>).flatMap((page) => Object.values(page).map((s) => s.status));
        expect(statuses.filter((s) => s !== 'done' && s !== 'unavailable'), label).toEqual([]);
        expect(dead, label).toMatchObject({ pid: killed.pid, status: 'aborted' });
        locksTakenOver += held.length;
      } finally {
        killed.release();
      }
    }
    // The dead runs are never left running, and none ends before it began.
    const runs = await h.db.selectFrom('pancake.sync_runs').select(['status', 'started_at', 'finished_at']).execute();
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);
    expect(runs.filter((r) => r.finished_at !== null && r.finished_at < r.started_at)).toEqual([]);
    expect(locksTakenOver).toBeGreaterThanOrEqual(ROUNDS);
  }, 600_000);
});
