// `npm run bench -- --workers 1,2,4`: does throughput grow with the number of workers when the
// API's per-page rate limit binds, not the CPU? (bench/run.ts hands `--workers` over to this file.)
//
//   npm run bench -- --workers 1,2,4 --pages 24 --rate 2 --latency 30 --concurrency 6
//
// Each page's token may make `rate` requests per second, and each worker runs at most
// `concurrency` page tasks at once: one worker can use `concurrency × rate` requests per second,
// all pages together `pages × rate`. With 24 pages, rate 2 and concurrency 6, one worker reaches a
// quarter of what the pages allow and four workers all of it, so the ideal is linear from 1 to 4.
// The workers are real `pancake-sync worker` processes (dist/); the simulator, the database and
// the measuring code run here. Figures go into bench/results.json under "workers".
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { parseConfig, type Env } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { createPancakeClient } from '../src/pancake/client.js';
import { enqueueRun } from '../src/queue/enqueue.js';
import { createQueuePool, migrateQueue } from '../src/queue/queue.js';
import { LIVENESS_APP } from '../src/warehouse/runs.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { createDb } from '../src/warehouse/db.js';
import { startEmbeddedPostgres } from '../src/warehouse/embedded.js';
import { migrateToLatest } from '../src/warehouse/migrate.js';
import type { Database } from '../src/warehouse/schema.js';
import { flag } from './args.js';
import { createDatabase } from './database.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DAY = 86_400_000;
/** What "scales" means here: throughput at the most workers ≥ 0.8 × (that many × one worker's). */
const TARGET_EFFICIENCY = 0.8;

interface Options {
  workers: number[];
  pages: number;
  /** Requests per second per page token (the simulator enforces it; the client paces to it). */
  rate: number;
  latencyMs: number;
  /** Page tasks per worker at once. */
  concurrency: number;
  conversationsPerPage: number;
}

function parseArgs(argv: string[]): Options {
  const get = (name: string, fallback: string): string => flag(argv, name, fallback);
  return {
    workers: get('workers', '1,2,4').split(',').map(Number),
    pages: Number(get('pages', '24')),
    rate: Number(get('rate', '2')),
    latencyMs: Number(get('latency', '30')),
    concurrency: Number(get('concurrency', '6')),
    conversationsPerPage: Number(get('conversations', '20')),
  };
}

interface WorkersResult {
  workers: number;
  wallSeconds: number;
  requests: number;
  /** 429s the simulator sent: the client's pacing should keep this near 0. */
  rateLimited: number;
  requestsPerSecond: number;
  /** min(workers × concurrency, pages) × rate: what the rate limits allow this many workers. */
  idealRequestsPerSecond: number;
  rateLimitUse: number;
  /** Throughput ÷ (workers × one worker's throughput). */
  efficiency: number;
  matchesSimulator: boolean;
  /** Bytes on disk (table + indexes + TOAST) per stored row, for docs/scale-out.md's extrapolation. */
  bytesPerRow: { conversations: number; messages: number };
}

async function measure(sim: Simulator, adminUrl: string, options: Options, count: number, since: Date): Promise<Omit<WorkersResult, 'efficiency'>> {
  const url = await createDatabase(adminUrl, `pancake_bench_workers_${count}`);
  const db = createDb(url, 4);
  const pool = createQueuePool(url, 2);
  const children: ChildProcess[] = [];
  try {
    await migrateToLatest(db);
    await migrateQueue(pool, silentLogger);
    const env: Env = {
      PATH: process.env.PATH,
      DATABASE_URL: url,
      PANCAKE_BASE_URL: sim.baseUrl,
      // Page tokens, no user token: many workers would otherwise share the user token's rate limit
      // to generate page tokens (docs/workers.md recommends the same in production).
      PANCAKE_PAGE_TOKENS: sim.data.pages.map((p) => `${p.id}:${sim.pageToken(p.id)}`).join(','),
      PANCAKE_RATE_LIMIT: String(options.rate),
      SYNC_SAFETY_LAG: '0s',
      LOG_LEVEL: 'warn',
    };
    for (let i = 1; i <= count; i++) {
      children.push(spawn(process.execPath, ['dist/src/cli.js', 'worker', '--name', `bench-${i}`, '--concurrency', String(options.concurrency)], { cwd: ROOT, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'ignore', 'inherit'] }));
    }
    await until(async () => (await liveWorkers(db)) === count, 60_000, `${count} worker(s) to start`);

    sim.clearRequests();
    const t0 = performance.now();
    const config = parseConfig(env);
    const client = createPancakeClient({ baseUrl: config.baseUrl, pageTokens: config.pageTokens, rateLimit: config.rateLimitPerSecond });
    const { runId } = await enqueueRun({ config, db, client, log: silentLogger }, { since, maxAttempts: 5 });
    await until(async () => (await db.selectFrom('pancake.sync_runs').select('finished_at').where('id', '=', runId).executeTakeFirst())?.finished_at != null, 3_600_000, `run ${runId} to finish`);
    const wallSeconds = (performance.now() - t0) / 1000;

    const requests = sim.requests.length;
    const idealRequestsPerSecond = Math.min(count * options.concurrency, options.pages) * options.rate;
    const requestsPerSecond = requests / wallSeconds;
    return {
      workers: count,
      wallSeconds,
      requests,
      rateLimited: sim.requests.filter((r) => r.status === 429).length,
      requestsPerSecond,
      idealRequestsPerSecond,
      rateLimitUse: requestsPerSecond / idealRequestsPerSecond,
      matchesSimulator: await matchesSimulator(db, sim),
      bytesPerRow: { conversations: await bytesPerRow(db, 'pancake.conversations'), messages: await bytesPerRow(db, 'pancake.messages') },
    };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode !== null ? null : new Promise((resolve) => child.once('exit', resolve)))));
    await pool.end();
    await db.destroy();
  }
}

async function bytesPerRow(db: Kysely<Database>, table: string): Promise<number> {
  await sql`vacuum analyze ${sql.raw(table)}`.execute(db);
  const { rows } = await sql<{ bytes: string; n: string }>`select pg_total_relation_size(${table}::regclass) as bytes, (select count(*) from ${sql.raw(table)}) as n`.execute(db);
  return Math.round(Number(rows[0]?.bytes) / Math.max(1, Number(rows[0]?.n)));
}

/**
 * What the queue's own tables cost: `jobs` page tasks waiting at once (as a nightly run of that
 * many pages with no worker running), in bytes per task, and what is left once they are done.
 */
async function queueCost(adminUrl: string, jobs: number): Promise<{ jobs: number; bytesPerWaitingTask: number; bytesWhenEmpty: number }> {
  const url = await createDatabase(adminUrl, 'pancake_bench_queue');
  const db = createDb(url, 2);
  const pool = createQueuePool(url, 2);
  try {
    await migrateQueue(pool, silentLogger);
    const size = async () => Number((await sql<{ bytes: string }>`select sum(pg_total_relation_size(c.oid)) as bytes from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'pancake_queue' and c.relkind = 'r'`.execute(db)).rows[0]?.bytes);
    const empty = await size();
    const specs = Array.from({ length: jobs }, (_, i) => {
      const pageId = String(100_000_000_000_000 + i);
      return { identifier: 'sync_page', payload: { runId: '1', page: { id: pageId, name: `Page ${i}`, timezone: 'UTC+7' }, streams: ['tags', 'page_users', 'conversations', 'messages', 'customers', 'posts'], since: null, until: null }, queue_name: `page:${pageId}`, max_attempts: 5, job_key: `run:1:page:${pageId}` };
    });
    await sql`select 1 from pancake_queue.add_jobs(array(select json_populate_recordset(null::pancake_queue.job_spec, ${JSON.stringify(specs)}::json)))`.execute(db);
    await sql`vacuum analyze`.execute(db);
    const full = await size();
    return { jobs, bytesPerWaitingTask: Math.round((full - empty) / jobs), bytesWhenEmpty: empty };
  } finally {
    await pool.end();
    await db.destroy();
  }
}

async function liveWorkers(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where application_name like ${`${LIVENESS_APP} pool-%`} and datname = current_database()`.execute(db);
  return rows[0]?.n ?? 0;
}

async function matchesSimulator(db: Kysely<Database>, sim: Simulator): Promise<boolean> {
  const { rows } = await sql<{ conversations: number; messages: number }>`
    select (select count(*)::int from pancake.conversations) as conversations, (select count(*)::int from pancake.messages) as messages`.execute(db);
  const conversations = [...sim.data.conversations.values()].reduce((n, list) => n + list.length, 0);
  const messages = [...sim.data.messages.values()].reduce((n, list) => n + list.length, 0);
  return rows[0]?.conversations === conversations && rows[0]?.messages === messages;
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function main(argv: string[]): Promise<void> {
  const options = parseArgs(argv);
  let adminUrl = process.env.BENCH_DATABASE_URL ?? null;
  let stop: (() => Promise<void>) | null = null;
  let dataDir: string | null = null;
  if (!adminUrl) {
    dataDir = mkdtempSync(join(tmpdir(), 'pancake-bench-pg-'));
    const embedded = await startEmbeddedPostgres({ dataDir, database: 'postgres', durable: false });
    adminUrl = embedded.url;
    stop = embedded.stop;
  }
  // Messages of at most 30 per conversation are one request each, and every conversation lies in
  // the window: all pages cost the same number of requests, so no single page is a long tail.
  const sim = await startSimulator({ seed: 11, pages: options.pages, conversationsPerPage: options.conversationsPerPage, messagesPerConversation: { min: 1, max: 30 }, historyDays: 7, latencyMs: options.latencyMs, rateLimitPerSecond: options.rate });
  try {
    const since = new Date(sim.data.now.getTime() - 8 * DAY);
    const measured: Array<Omit<WorkersResult, 'efficiency'>> = [];
    for (const count of options.workers) {
      process.stderr.write(`${count} worker(s)...\n`);
      measured.push(await measure(sim, adminUrl, options, count, since));
    }
    const base = measured[0]!;
    const results: WorkersResult[] = measured.map((m) => ({ ...m, efficiency: m.requestsPerSecond / ((m.workers / base.workers) * base.requestsPerSecond) }));
    const last = results.at(-1)!;
    const report = {
      measuredAt: new Date().toISOString(),
      machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      options,
      results,
      queue: await queueCost(adminUrl, 10_000),
      target: `throughput at ${last.workers} workers ≥ ${TARGET_EFFICIENCY} × linear from ${base.workers}`,
      met: last.efficiency >= TARGET_EFFICIENCY,
    };
    // The file is shared with the main benchmark: keep its figures, replace only ours.
    const file = join(ROOT, 'bench', 'results.json');
    const existing = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
    writeFileSync(file, `${JSON.stringify({ ...existing, workers: report }, null, 2)}\n`);
    for (const r of results) {
      process.stdout.write(
        `${r.workers} worker(s): ${r.requests} requests in ${r.wallSeconds.toFixed(1)} s = ${r.requestsPerSecond.toFixed(1)} req/s ` +
          `(rate limits allow ${r.idealRequestsPerSecond}: ${(r.rateLimitUse * 100).toFixed(0)} % used), ${r.efficiency.toFixed(2)} × linear, ${r.rateLimited} × 429${r.matchesSimulator ? '' : ', WAREHOUSE ≠ SIMULATOR'}\n`,
      );
    }
    process.stdout.write(`queue tables: ${report.queue.bytesPerWaitingTask} bytes per waiting task (${report.queue.jobs} measured), ${Math.round(report.queue.bytesWhenEmpty / 1024)} KiB empty\n`);
    process.stdout.write(`\n${report.target}: ${report.met ? 'met' : 'MISSED'} (${last.efficiency.toFixed(2)}) on ${report.machine.cores} cores\nWritten to bench/results.json ("workers")\n`);
  } finally {
    await sim.close();
    await stop?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}
