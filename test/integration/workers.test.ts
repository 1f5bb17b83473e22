import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { enqueueRun } from '../../src/queue/enqueue.js';
import { createQueuePool, migrateQueue } from '../../src/queue/queue.js';
import type { QueueStatus } from '../../src/queue/status.js';
import { createDb } from '../../src/warehouse/db.js';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';
import type { RequestHold } from '../../src/simulator/index.js';
import { createSyncHarness, runCli, simulatorEnv, type SyncHarness } from '../support/harness.js';
import { perTier, TIER } from '../support/tier.js';
import { waitUntil } from '../support/wait.js';
import { crossWorkerOverlaps, expectSameTables, killAll, startWorker, waitForRun, type WorkerProcess } from '../support/workers.js';

// Issue 11: worker processes share queued runs through the warehouse's Postgres. Each scenario
// syncs simulated pages (small data each; 12 in `npm test`, 30 in `npm run test:soak`,
// test/support/tier.ts) into a fresh database with the real CLI in child processes, and compares the
// result row by row with one in-process `sync` of the same shop. Nothing here depends on how fast
// the machine is: a worker is stopped at a known request of its own (the simulator holds its
// answers from there on: docs/simulator.md, "Held answers"), workers meant to share a run are each
// held inside a task until all are, and every wait has a deadline generous enough for a busy
// 2-core machine. Every scenario starts from a copy of one warehouse whose schema and queue are
// migrated once (concurrent-migrate.test.ts proves migrating with several processes at once).

const DAY = 86_400_000;
const PAGES = perTier(12, 30);
const FAST = ['--reap-interval', '500ms'];
/** A scenario spawns up to 3 workers and a few CLI commands: minutes on a loaded machine, not seconds. */
const SCENARIO_TIMEOUT_MS = 300_000;

describe(`workers sharing a queued run (${PAGES} pages, ${TIER})`, () => {
  let reference: SyncHarness;
  /** Migrated, the queue's schema too; nothing connects to it, so that scenarios can copy it. */
  let migrated: TestDatabase;
  let since: string;
  let workers: WorkerProcess[] = [];
  const holds: RequestHold[] = [];
  const databases: TestDatabase[] = [];

  beforeAll(async () => {
    reference = await createSyncHarness({ seed: 31, pages: PAGES, conversationsPerPage: 4, messagesPerConversation: { min: 1, max: 40 }, historyDays: 5 }, 'workers_ref');
    since = new Date(reference.sim.data.now.getTime() - 6 * DAY).toISOString();
    // The expected tables. Streams that wait for a busy pool wait, they do not fail
    // (test/integration/pool-waits.test.ts), so one run makes them even on a loaded machine.
    const summary = await reference.sync({ since: new Date(since) }, { SYNC_CONCURRENCY: '4' });
    expect(summary.exitCode, JSON.stringify(summary.failures)).toBe(0);
    migrated = await createMigratedDatabase('workers_migrated');
    databases.push(migrated);
    const pool = createQueuePool(migrated.url, 1);
    try {
      await migrateQueue(pool, silentLogger);
    } finally {
      await pool.end();
    }
  });
  afterEach(async () => {
    await killAll(workers);
    workers = [];
    reference.sim.setFaults(null);
    for (const hold of holds.splice(0)) hold.release();
  });
  afterAll(async () => {
    for (const d of databases) await d.drop();
    await reference?.close();
  });

  async function freshWarehouse(label: string) {
    const database = await migrated.copy(`workers_${label}`);
    databases.push(database);
    // SYNC_START = since: an incremental run's first pass covers what the reference's --since did.
    const env = simulatorEnv(reference.sim, database.url, { SYNC_CONCURRENCY: '4', SYNC_START: since });
    return { database, env, db: createDb(database.url, 2) };
  }

  /** `pancake-sync enqueue` as a user runs it. */
  async function enqueue(env: Record<string, string | undefined>, args: string[] = ['--since', since]): Promise<string> {
    const result = await runCli(['enqueue', '--json', ...args], env);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as { runId: string }).runId;
  }

  /** The same in this process: a second less to wait than spawning the CLI. */
  async function enqueueHere(url: string, options: { pages?: string[]; maxAttempts?: number } = {}): Promise<string> {
    const db = createDb(url, 2);
    try {
      const config = reference.config();
      const result = await enqueueRun({ config, db, client: reference.client(config), log: silentLogger }, { since: new Date(since), pages: options.pages ?? null, maxAttempts: options.maxAttempts ?? 5 });
      return result.runId;
    } finally {
      await db.destroy();
    }
  }

  /**
   * Holds `worker`'s requests from its `nth` on and resolves once one is held: the worker is then
   * inside a task (it has a request in flight) and stays there until the hold is released.
   */
  async function holdWorkerAt(worker: WorkerProcess, nth: number): Promise<RequestHold> {
    let made = 0;
    const hold = reference.sim.holdRequests((entry) => entry.worker === worker.name && ++made >= nth);
    holds.push(hold);
    const exited = worker.exited.then((result) => {
      throw new Error(`${worker.name} exited before its request ${nth}: ${result.stderr.slice(-2000)}`);
    });
    await Promise.race([hold.reached, exited]);
    return hold;
  }

  /** Stops workers with SIGTERM (they are idle by now) and expects clean exits. */
  async function stopAll(list: WorkerProcess[]): Promise<void> {
    for (const w of list) w.signal('SIGTERM');
    for (const w of list) {
      const result = await w.exited;
      expect(result.code, `${w.name}: ${result.stderr.slice(-2000)}`).toBe(0);
    }
  }

  it('3 workers share two queued runs: the warehouse equals a single-process sync, and no page is ever in two workers at once', async () => {
    const { database, env, db } = await freshWarehouse('three');
    try {
      const first = await enqueue(env);
      // Every page gets a second (incremental) task, often taken by another worker than its first.
      const second = await enqueue(env, []);
      reference.sim.clearRequests();
      workers = ['w1', 'w2', 'w3'].map((name) => startWorker(name, env, ['--concurrency', '3', ...FAST]));
      // Every worker takes part however the machine schedules their starts: each is held inside its
      // first task until all three are (3 × 3 tasks at most, fewer than the first run's).
      const started = await Promise.all(workers.map((w) => holdWorkerAt(w, 1)));
      for (const hold of started) hold.release();
      expect(await waitForRun(db, first, workers)).toBe('succeeded');
      expect(await waitForRun(db, second, workers)).toBe('succeeded');
      await stopAll(workers);

      await expectSameTables(reference.db, database.url, '3 workers');
      const { overlaps, sharedPages } = crossWorkerOverlaps(reference.sim.requests);
      expect(overlaps).toEqual([]);
      // Meaningful only if pages did move between workers, and every worker took part.
      expect(sharedPages).toBeGreaterThan(0);
      expect(new Set(reference.sim.requests.map((r) => r.worker))).toEqual(new Set(['w1', 'w2', 'w3']));
    } finally {
      await db.destroy();
    }
  }, SCENARIO_TIMEOUT_MS);

  it('a worker SIGKILLed mid-run: the other two take its tasks over and finish; the warehouse equals a single-process sync', async () => {
    const { database, env, db } = await freshWarehouse('kill');
    try {
      const runId = await enqueueHere(database.url);
      reference.sim.clearRequests();
      // k1 starts alone and is killed inside its tasks (its 10th request held), while the others run.
      const victim = startWorker('k1', env, ['--concurrency', '3', ...FAST]);
      workers = [victim];
      const hold = await holdWorkerAt(victim, 10);
      const survivors = ['k2', 'k3'].map((name) => startWorker(name, env, ['--concurrency', '3', ...FAST]));
      workers.push(...survivors);
      victim.signal('SIGKILL');
      expect((await victim.exited).signal).toBe('SIGKILL');
      hold.release();
      expect(await waitForRun(db, runId, survivors)).toBe('succeeded');
      await stopAll(survivors);

      await expectSameTables(reference.db, database.url, 'k1 killed');
      const { overlaps, sharedPages } = crossWorkerOverlaps(reference.sim.requests);
      expect(overlaps).toEqual([]);
      expect(sharedPages, 'the killed worker\'s pages were finished by another worker').toBeGreaterThan(0);
    } finally {
      await db.destroy();
    }
  }, SCENARIO_TIMEOUT_MS);

  it('SIGTERM: a worker finishes its running tasks and exits 0; one with --shutdown-timeout 0 hands them back at once', async () => {
    const { database, env, db } = await freshWarehouse('term');
    try {
      const runId = await enqueueHere(database.url);
      reference.sim.clearRequests();
      // Logged at info: the test waits for each worker to say it took the signal.
      const signalEnv = { ...env, LOG_LEVEL: 'info' };
      const finisher = startWorker('t1', signalEnv, ['--concurrency', '3', '--shutdown-timeout', '300s', ...FAST]);
      const quitter = startWorker('t2', signalEnv, ['--concurrency', '3', '--shutdown-timeout', '0s', ...FAST]);
      workers = [finisher, quitter];
      // Both are inside tasks when signalled, and stay there until they have taken the signal.
      const held = await Promise.all([holdWorkerAt(finisher, 10), holdWorkerAt(quitter, 10)]);
      finisher.signal('SIGTERM');
      quitter.signal('SIGTERM');
      for (const w of workers) await waitUntil(() => /SIGTERM: taking no new tasks/.test(w.stderr) || !w.running, `${w.name} to take SIGTERM`);
      for (const hold of held) hold.release();
      const [finished, quit] = await Promise.all([finisher.exited, quitter.exited]);
      expect(finished.code, finished.stderr.slice(-2000)).toBe(0);
      expect(quit.code, quit.stderr.slice(-2000)).toBe(0);

      // Nothing that t1 started was left for someone else; t2's running tasks were handed back.
      const startedByT1 = new Set(reference.sim.requests.filter((r) => r.worker === 't1').map((r) => r.tokenId));
      const takeover = startWorker('t3', env, ['--concurrency', '4', ...FAST]);
      workers.push(takeover);
      expect(await waitForRun(db, runId, [takeover])).toBe('succeeded');
      await stopAll([takeover]);
      const byT3 = new Set(reference.sim.requests.filter((r) => r.worker === 't3').map((r) => r.tokenId));
      expect([...startedByT1].filter((page) => page !== 'user' && byT3.has(page))).toEqual([]);
      const { overlaps, sharedPages } = crossWorkerOverlaps(reference.sim.requests);
      expect(overlaps).toEqual([]);
      expect(sharedPages, 't2\'s running tasks were finished by t3').toBeGreaterThan(0);
      await expectSameTables(reference.db, database.url, 'SIGTERM');
    } finally {
      await db.destroy();
    }
  }, SCENARIO_TIMEOUT_MS);

  it('a page that keeps failing is retried --max-attempts times with backoff, then reported in queue-status, while the other pages finish', async () => {
    const { env, db } = await freshWarehouse('failing');
    try {
      const pages = reference.sim.data.pages.slice(0, 4).map((p) => p.id);
      const broken = pages[0]!;
      reference.sim.setFaults({ rate: 1, kinds: ['expired_token'], pageIds: [broken] });
      const runId = await enqueue(env, ['--since', since, '--pages', pages.join(','), '--max-attempts', '2']);
      reference.sim.clearRequests();
      workers = ['f1', 'f2'].map((name) => startWorker(name, env, ['--concurrency', '2', ...FAST]));
      expect(await waitForRun(db, runId, workers)).toBe('partial');

      const status = await runCli(['queue-status', '--json'], env);
      expect(status.code, status.stderr).toBe(0);
      const report = JSON.parse(status.stdout) as QueueStatus;
      expect(report.failed.map((t) => [t.pageId, t.runId, t.attempts])).toEqual([[broken, runId, 2]]);
      expect(report.failed[0]?.lastError).toContain(broken);
      expect(report.running).toEqual([]);
      expect(report.workers.map((w) => w.name).sort()).toEqual(['f1', 'f2']);
      expect(report.runs.find((r) => r.runId === runId)).toMatchObject({ status: 'partial', tasks: 4, done: 3, failed: 1, left: 0 });
      // `status` shows the same queue next to the watermarks.
      const overall = JSON.parse((await runCli(['status', '--json'], env)).stdout) as { queue?: QueueStatus };
      expect(overall.queue?.failed.map((t) => t.pageId)).toEqual([broken]);
      expect(overall.queue?.workers.map((w) => w.name).sort()).toEqual(['f1', 'f2']);
      // Two attempts, each stopped by the refused token before anything else was asked.
      const tokenRequests = reference.sim.requests.filter((r) => r.endpoint === 'generate_page_token' && r.pageId === broken);
      expect(tokenRequests).toHaveLength(2);
      expect(tokenRequests[1]!.startedAt - tokenRequests[0]!.startedAt, 'backoff between attempts').toBeGreaterThan(2000);

      const run = await db.selectFrom('pancake.sync_runs').select(['errors']).where('id', '=', runId).executeTakeFirstOrThrow();
      expect((run.errors as Array<{ pageId: string }>).map((e) => e.pageId)).toEqual([broken]);
      await stopAll(workers);
    } finally {
      await db.destroy();
    }
  }, SCENARIO_TIMEOUT_MS);

  it('a worker that dies on a task\'s last attempt: another worker reports that page as failed and the run still finishes', async () => {
    const { database, env, db } = await freshWarehouse('lost');
    try {
      const pages = reference.sim.data.pages.slice(4, 7).map((p) => p.id);
      const runId = await enqueueHere(database.url, { pages, maxAttempts: 1 });
      reference.sim.clearRequests();
      const victim = startWorker('d1', env, ['--concurrency', '1', ...FAST]);
      workers = [victim];
      const hold = await holdWorkerAt(victim, 5);
      victim.signal('SIGKILL');
      await victim.exited;
      hold.release();
      const lost = reference.sim.requests.find((r) => r.worker === 'd1' && r.tokenId !== 'user')?.tokenId;
      workers.push(startWorker('d2', env, ['--concurrency', '2', ...FAST]));
      expect(await waitForRun(db, runId, workers.slice(1))).toBe('partial');

      const report = JSON.parse((await runCli(['queue-status', '--json'], env)).stdout) as QueueStatus;
      expect(report.failed.map((t) => [t.pageId, t.attempts])).toEqual([[lost, 1]]);
      expect(report.failed[0]?.lastError).toContain('died during its last attempt');
      expect(report.runs.find((r) => r.runId === runId)).toMatchObject({ tasks: 3, done: 2, failed: 1, left: 0 });
      await stopAll(workers.slice(1));
    } finally {
      await db.destroy();
    }
  }, SCENARIO_TIMEOUT_MS);
});
