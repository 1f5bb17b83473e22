import type { Kysely } from 'kysely';
import type { Env } from '../../src/config.js';
import type { RequestLogEntry } from '../../src/simulator/index.js';
import type { Database } from '../../src/warehouse/schema.js';
import { spawnCli, type CliResult } from './compiled-cli.js';
import { WAIT_TIMEOUT_MS } from './wait.js';

export { expectSameTables } from './harness.js';

// Worker processes for the scale-out tests: the real CLI in children, stoppable by any signal.

export interface WorkerProcess {
  name: string;
  /** What it wrote to stderr so far. */
  readonly stderr: string;
  /** Resolves when the process has exited. */
  exited: Promise<CliResult>;
  signal(signal: NodeJS.Signals): void;
  readonly running: boolean;
}

/** `pancake-sync worker --name <name> …args` (the compiled CLI, test/support/compiled-cli.ts). */
export function startWorker(name: string, env: Env, args: string[] = []): WorkerProcess {
  const child = spawnCli(['worker', '--name', name, ...args], env);
  let stdout = '';
  let stderr = '';
  let running = true;
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running = false;
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    name,
    get stderr() {
      return stderr;
    },
    exited,
    signal: (signal) => {
      if (running) child.kill(signal);
    },
    get running() {
      return running;
    },
  };
}

/** SIGKILLs whatever still runs (a failed test must not leave workers behind) and waits for them. */
export async function killAll(workers: WorkerProcess[]): Promise<void> {
  for (const w of workers) w.signal('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
}

/**
 * Polls until the run's sync_runs row is finished; returns its status. Fails early when every worker
 * has exited; the deadline is only there so that a hang ends, generous for a busy machine.
 */
export async function waitForRun(db: Kysely<Database>, runId: string, workers: WorkerProcess[] = [], timeoutMs = WAIT_TIMEOUT_MS): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await db.selectFrom('pancake.sync_runs').select(['status', 'finished_at']).where('id', '=', runId).executeTakeFirst();
    if (run?.finished_at) return run.status;
    const dead = workers.filter((w) => !w.running);
    if (dead.length === workers.length && workers.length > 0) throw new Error(`every worker exited before run ${runId} finished`);
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}


/**
 * Pairs of requests made with one page's token by two different workers whose times overlap:
 * what "one page is never in two workers at once" forbids. Also returns how many pages were
 * served by more than one worker, which is what makes an empty list mean something.
 */
export function crossWorkerOverlaps(requests: readonly RequestLogEntry[]): { overlaps: string[]; sharedPages: number } {
  const byPage = new Map<string, RequestLogEntry[]>();
  for (const r of requests) {
    if (r.worker === null || r.tokenId === null || r.tokenId === 'user') continue;
    (byPage.get(r.tokenId) ?? byPage.set(r.tokenId, []).get(r.tokenId)!).push(r);
  }
  const overlaps: string[] = [];
  let sharedPages = 0;
  for (const [page, list] of byPage) {
    if (new Set(list.map((r) => r.worker)).size > 1) sharedPages += 1;
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i]!;
        const b = list[j]!;
        const aEnd = a.finishedAt || Number.POSITIVE_INFINITY;
        const bEnd = b.finishedAt || Number.POSITIVE_INFINITY;
        if (a.worker !== b.worker && a.startedAt < bEnd && b.startedAt < aEnd) overlaps.push(`page ${page}: ${a.worker} #${a.seq} and ${b.worker} #${b.seq}`);
      }
    }
  }
  return { overlaps, sharedPages };
}
