// `npm run bench -- --analytics`: the pancake_analytics views at two years of history.
//
//   npm run bench -- --analytics [--history-days 730] [--conversations-per-day 28] [--latency 30] [--rate 100]
//
// A simulated shop of 3 pages is synced (backfill), two years of history are then written straight
// into its warehouse (bench/analytics-data.ts: ≈ 1.2 M messages), and the summaries are rebuilt.
// Measured: every view answering a one-page, seven-day question and a whole-view scan (p50 of 5),
// and what keeping the summaries current costs an incremental run that synced a change of 20
// conversations (the refreshes' time past the streams plus the change-noting triggers' time, over
// the run's wall time; the median of 3 runs, each after its own change). Each run must prove it
// synced its change: conversations refreshed and rows written, else the benchmark fails. Figures go into bench/results.json under "analytics" and are explained in
// bench/README.md.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { parseConfig } from '../src/config.js';
import { createPancakeClient } from '../src/pancake/client.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { runSync } from '../src/sync/runner.js';
import { refreshPendingAnalytics } from '../src/warehouse/analytics/refresh.js';
import { createDb } from '../src/warehouse/db.js';
import { migrateToLatest } from '../src/warehouse/migrate.js';
import type { Database } from '../src/warehouse/schema.js';
import type { Logger } from '../src/logger.js';
import { generateHistory } from './analytics-data.js';
import { flag } from './args.js';
import { freshDatabase, machine, withBenchPostgres, writeResult } from './bench-db.js';

const TARGETS = { onePage7dMs: 10, wholeMs: 50, refreshShare: 0.05 };
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Refresh {
  durationMs: number;
  conversations: number;
  days: number;
  /** When it ended (epoch ms, from the log line). */
  time: number;
}

/**
 * One `pancake-sync sync` as the real CLI in a child process (as the main benchmark runs it), so
 * that the refreshes it logs are timed in a process of their own, not in this one's event loop
 * shared with the simulator. Returns the run's wall time and its analytics refreshes.
 */
async function cliSync(env: Record<string, string>): Promise<{ wallMs: number; runMs: number; status: string; refreshes: Refresh[]; streamsDoneAt: number }> {
  const refreshes: Refresh[] = [];
  let finished: { durationMs?: number; status?: string } = {};
  let streamsDoneAt = 0;
  let pending = '';
  const onLine = (line: string) => {
    if (!line.startsWith('{')) return;
    const entry = JSON.parse(line) as { msg?: string; time?: number; durationMs?: number; conversations?: number; days?: number; status?: string };
    if (/^analytics of page .* refreshed$/.test(entry.msg ?? '')) refreshes.push({ durationMs: entry.durationMs ?? 0, conversations: entry.conversations ?? 0, days: entry.days ?? 0, time: entry.time ?? 0 });
    // The end of every stream of every page, however it ended.
    if (/^\S+ of page \S+ (done|failed|is unavailable)/.test(entry.msg ?? '')) streamsDoneAt = Math.max(streamsDoneAt, entry.time ?? 0);
    if (entry.msg === 'sync finished') finished = entry;
  };
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/src/cli.js', 'sync'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH, ...env, LOG_LEVEL: 'debug' } });
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.on('error', reject);
    child.on('close', () => {
      onLine(pending);
      resolve();
    });
  });
  // Wall time as the main benchmark's incremental figure counts it: the process, start-up included.
  return { wallMs: performance.now() - t0, runMs: finished.durationMs ?? 0, status: finished.status ?? 'unknown', refreshes, streamsDoneAt };
}
const RUNS = 5;

interface ViewFigures {
  one_page_7d_ms: number;
  whole_ms: number;
  /** Rows of the whole view, and the time to fetch them all into this process (for reference). */
  rows: number;
  whole_fetch_ms: number;
}

function p50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]! * 10) / 10;
}

async function timed(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: the first run pays for planning caches and cold pages
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return p50(times);
}

/** A seven-day question in each view's own terms: its days, or the weeks or months that hold them. */
function sevenDays(columns: string[]): string {
  if (columns.includes('day')) return 'day > current_date - 7';
  if (columns.includes('week_start')) return 'week_start > current_date - 14';
  if (columns.includes('month_start')) return `month_start >= date_trunc('month', current_date - 7)::date`;
  if (columns.includes('waiting_since')) return 'waiting_since > current_date - 7'; // the queue: who began waiting this week
  return 'true'; // a view of the present (per assignee, per tag)
}

async function measureViews(url: string, pageId: string): Promise<Record<string, ViewFigures>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: views } = await client.query<{ name: string; columns: string[] }>(`
      select table_name as name, array_agg(column_name::text) as columns from information_schema.columns
      where table_schema = 'pancake_analytics' group by table_name order by table_name`);
    const figures: Record<string, ViewFigures> = {};
    for (const { name, columns } of views) {
      const one = await timed(RUNS, () => client.query(`select * from pancake_analytics.${name} where page_id = $1 and ${sevenDays(columns)}`, [pageId]));
      // The whole view computed to its last row in Postgres (a cursor moved to its end), without
      // shipping the rows: what a dashboard's aggregate over the view costs.
      const whole = await timed(RUNS, async () => {
        await client.query('begin');
        await client.query(`declare whole no scroll cursor for select * from pancake_analytics.${name}`);
        await client.query('move all in whole');
        await client.query('rollback');
      });
      const t0 = performance.now();
      const { rowCount } = await client.query(`select * from pancake_analytics.${name}`);
      figures[name] = { one_page_7d_ms: one, whole_ms: whole, rows: rowCount ?? 0, whole_fetch_ms: Math.round(performance.now() - t0) };
      process.stderr.write(`  ${name}: ${one} ms one page, ${whole} ms whole\n`);
    }
    return figures;
  } finally {
    await client.end();
  }
}

/** Time spent in the change-noting triggers so far (track_functions must be on for the writers). */
async function triggerMilliseconds(db: Kysely<Database>): Promise<number> {
  await sql`select pg_stat_clear_snapshot()`.execute(db);
  const { rows } = await sql<{ ms: number | null }>`select sum(total_time) as ms from pg_stat_user_functions where funcname like 'analytics_note_%'`.execute(db);
  return Number(rows[0]?.ms ?? 0);
}

/**
 * How much longer the run took for its refreshes: the last refresh's end past the last stream's.
 * A page's last refresh starts when the streams it summarizes are done and may end while others
 * (statistics) still run; refreshes of different pages overlap.
 */
function addedWallMs(refreshes: readonly Refresh[], streamsDoneAt: number): number {
  if (refreshes.length === 0) return 0;
  return Math.max(0, Math.max(...refreshes.map((r) => r.time)) - streamsDoneAt);
}

/** The main benchmark's small change of 20 conversations: new messages in 10, 5 re-tagged, 5 new. */
const CHANGED_CONVERSATIONS = 20;
async function smallChange(sim: Simulator): Promise<void> {
  const all = [...sim.data.conversations.values()].flat().filter((c) => c.type !== 'RATING'); // reviews take no messages
  for (let i = 0; i < 10; i++) sim.addMessages(all[(i * 97) % all.length]!.id, 2);
  for (let i = 0; i < 5; i++) sim.touchConversation(all[(i * 131 + 7) % all.length]!.id);
  for (let i = 0; i < 5; i++) sim.addConversation(sim.data.pages[i % sim.data.pages.length]!.id);
  // A run covers whole seconds up to now (SYNC_SAFETY_LAG=0s): a change made in the second the run
  // starts would belong to the next run, and this one would measure a refresh of nothing.
  await new Promise((resolve) => setTimeout(resolve, 1050 - (Date.now() % 1000)));
}

const INCREMENTAL_RUNS = 3;

interface IncrementalFigures {
  /** (time the refreshes added past the streams + the triggers' time) ÷ the run's wall time. */
  share: number;
  /** Every refresh added up, as if none overlapped, over the same wall time. */
  summedShare: number;
  changedConversations: number;
  refreshedConversations: number;
  rowsWritten: number;
  wallMs: number;
  runMs: number;
  addedMs: number;
  refreshMs: number;
  triggerMs: number | null;
  refreshes: Refresh[];
  status: string;
}

/** One incremental run of the CLI after a change of 20 conversations, and what keeping the summaries current cost it. */
async function measuredIncremental(sim: Simulator, db: Kysely<Database>, env: Record<string, string>, tracked: boolean): Promise<IncrementalFigures> {
  await smallChange(sim);
  const triggersBefore = tracked ? await triggerMilliseconds(db) : null;
  const run = await cliSync(env);
  await new Promise((r) => setTimeout(r, 200));
  const triggersAfter = tracked ? await triggerMilliseconds(db) : null;
  const refreshes = run.refreshes;
  const refreshedConversations = refreshes.reduce((a, b) => a + b.conversations, 0);
  const rowsWritten = await rowsWrittenByLatestRun(db);
  // Proof that the run synced the change: without it the share would measure an idle refresh.
  if (refreshedConversations < CHANGED_CONVERSATIONS || rowsWritten === 0) {
    throw new Error(`the incremental run did not sync the change: ${refreshedConversations} conversations refreshed (at least ${CHANGED_CONVERSATIONS} expected), ${rowsWritten} rows written`);
  }
  const refreshMs = refreshes.reduce((a, b) => a + b.durationMs, 0);
  const triggerMs = triggersBefore !== null && triggersAfter !== null ? triggersAfter - triggersBefore : null;
  const addedMs = addedWallMs(refreshes, run.streamsDoneAt);
  // The cost in the run's wall time: the refreshes' tail, and the triggers as if all their time
  // were on the critical path. Also kept: every refresh's time added up, as if none overlapped.
  return {
    share: (addedMs + (triggerMs ?? 0)) / run.wallMs,
    summedShare: (refreshMs + (triggerMs ?? 0)) / run.wallMs,
    changedConversations: CHANGED_CONVERSATIONS,
    refreshedConversations,
    rowsWritten,
    wallMs: Math.round(run.wallMs),
    runMs: run.runMs,
    addedMs,
    refreshMs,
    triggerMs,
    refreshes,
    status: run.status,
  };
}

/** Rows the latest run wrote, over every page and stream (pancake.sync_runs.counts). */
async function rowsWrittenByLatestRun(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: number | null }>`
    select sum((s.value ->> 'rowsWritten')::int)::int as n
    from pancake.sync_runs r, jsonb_each(r.counts) p, jsonb_each(p.value) s
    where r.id = (select max(id) from pancake.sync_runs) and jsonb_typeof(s.value) = 'object'`.execute(db);
  return rows[0]?.n ?? 0;
}

export async function main(argv: string[]): Promise<void> {
  const options = {
    historyDays: Number(flag(argv, 'history-days', '730')),
    conversationsPerDay: Number(flag(argv, 'conversations-per-day', '28')),
    latencyMs: Number(flag(argv, 'latency', '30')),
    rate: Number(flag(argv, 'rate', '100')),
  };
  await withBenchPostgres(async (adminUrl) => {
    const url = await freshDatabase(adminUrl, 'pancake_bench_analytics');
    const db = createDb(url, 4);
    const sim = await startSimulator({ seed: 42, pages: 3, conversationsPerPage: 300, messagesPerConversation: { min: 5, max: 25 }, historyDays: 30, latencyMs: options.latencyMs, rateLimitPerSecond: options.rate });
    try {
      await migrateToLatest(db);
      // Function timing for the triggers (needs a superuser; without one the trigger share is left out).
      const tracked = await sql.raw(`alter database pancake_bench_analytics set track_functions = 'pl'`).execute(db).then(() => true, () => false);
      const env = {
        DATABASE_URL: url, PANCAKE_BASE_URL: sim.baseUrl, PANCAKE_ACCESS_TOKEN: sim.userToken, PANCAKE_RATE_LIMIT: String(options.rate), SYNC_CONCURRENCY: '16',
        SYNC_SAFETY_LAG: '0s', SYNC_START: '31d', LOG_LEVEL: 'silent', PANCAKE_CALL_CENTER_IDS: sim.data.pages.map((p) => `${p.id}:${sim.callCenterId(p.id)}`).join(','),
      };
      const sync = async (log: Logger) => {
        const config = parseConfig(env);
        const syncDb = createDb(url, 12);
        const client = createPancakeClient({ baseUrl: config.baseUrl, accessToken: config.accessToken ?? '', pageTokens: config.pageTokens, rateLimit: config.rateLimitPerSecond, retries: config.retries, retryMinDelayMs: 20, timeoutMs: config.timeoutMs, concurrency: config.concurrency });
        try {
          return await runSync({ config, db: syncDb, client, log });
        } finally {
          await syncDb.destroy(); // its connections' function statistics reach the server as they close
        }
      };
      process.stderr.write('analytics: backfill of the simulated shop...\n');
      await sync(pino({ level: 'silent' }));

      const pageIds = sim.data.pages.map((p) => p.id);
      process.stderr.write(`analytics: writing ${options.historyDays} days of history for ${pageIds.length} pages...\n`);
      await generateHistory(db, { pageIds, days: options.historyDays, conversationsPerDay: options.conversationsPerDay, end: new Date() });
      for (const id of pageIds) await sql`insert into pancake_private.analytics_dirty (page_id, source) values (${id}, 'rebuild')`.execute(db);
      const t0 = performance.now();
      await refreshPendingAnalytics(db);
      const rebuildSeconds = (performance.now() - t0) / 1000;
      await sql`vacuum analyze`.execute(db);
      const { rows: sizes } = await sql<{ messages: number; conversations: number }>`
        select (select count(*)::int from pancake.messages) as messages, (select count(*)::int from pancake.conversations) as conversations`.execute(db);
      process.stderr.write(`analytics: ${sizes[0]!.messages} messages; summaries rebuilt in ${rebuildSeconds.toFixed(1)} s; timing the views...\n`);
      const views = await measureViews(url, pageIds[0]!);

      process.stderr.write(`analytics: an incremental run after a change of ${CHANGED_CONVERSATIONS} conversations...\n`);
      await cliSync(env); // the backfill's tail (today's statistics, its own lookback) is not this run's work
      // Three runs, each after its own change: the share moves with the machine's load, its median less.
      const runs: IncrementalFigures[] = [];
      for (let i = 0; i < INCREMENTAL_RUNS; i++) runs.push(await measuredIncremental(sim, db, env, tracked));
      const median = [...runs].sort((a, b) => a.share - b.share)[Math.floor(runs.length / 2)]!;
      const refreshShare = median.share;
      const refreshedConversations = median.refreshedConversations;

      const report = {
        measuredAt: new Date().toISOString(),
        machine: machine(),
        options,
        pages: pageIds.length,
        messages: sizes[0]!.messages,
        conversations: sizes[0]!.conversations,
        rebuildSeconds,
        views,
        refresh_share: refreshShare,
        refreshed_conversations: refreshedConversations,
        incremental: median,
        incremental_runs: runs.map((r) => ({ share: r.share, refreshedConversations: r.refreshedConversations, rowsWritten: r.rowsWritten, wallMs: r.wallMs, addedMs: r.addedMs, triggerMs: r.triggerMs })),
        targets: TARGETS,
        met: {
          onePage7d: Object.values(views).every((v) => v.one_page_7d_ms <= TARGETS.onePage7dMs),
          whole: Object.values(views).every((v) => v.whole_ms <= TARGETS.wholeMs),
          refreshShare: refreshShare <= TARGETS.refreshShare,
        },
      };
      writeResult('analytics', report);
      printReport(report);
    } finally {
      await sim.close();
      await db.destroy();
    }
  });
}

function printReport(report: { messages: number; views: Record<string, ViewFigures>; refresh_share: number; refreshed_conversations: number; incremental: IncrementalFigures; incremental_runs: Array<{ share: number }>; met: Record<string, boolean> }): void {
  const out = process.stdout;
  out.write(`\nanalytics at ${report.messages} messages (targets: one page, 7 days ≤ ${TARGETS.onePage7dMs} ms; whole view ≤ ${TARGETS.wholeMs} ms; p50 of ${RUNS})\n`);
  const width = Math.max(...Object.keys(report.views).map((n) => n.length));
  for (const [name, v] of Object.entries(report.views)) {
    out.write(`  ${name.padEnd(width)}  ${String(v.one_page_7d_ms).padStart(7)} ms  ${String(v.whole_ms).padStart(7)} ms  (${v.rows} rows, fetched in ${v.whole_fetch_ms} ms)\n`);
  }
  const i = report.incremental;
  const triggers = i.triggerMs === null ? 'untracked' : `${i.triggerMs.toFixed(0)} ms`;
  out.write(`  keeping them current (median of ${INCREMENTAL_RUNS} runs: ${report.incremental_runs.map((r) => `${(r.share * 100).toFixed(1)} %`).join(', ')}): (${i.addedMs.toFixed(0)} ms added by the refreshes + ${triggers} triggers) ÷ ${i.wallMs.toFixed(0)} ms incremental run (the CLI process) = ${(report.refresh_share * 100).toFixed(1)} %, ${report.refreshed_conversations} conversations refreshed\n`);
  out.write(`  (every refresh added up, as if none overlapped: ${i.refreshMs.toFixed(0)} ms = ${(i.summedShare * 100).toFixed(1)} %)\n`);
  out.write(`  targets: one page ${report.met.onePage7d ? 'met' : 'MISSED'}, whole ${report.met.whole ? 'met' : 'MISSED'}, refresh share ${report.met.refreshShare ? 'met' : 'MISSED'}\nWritten to bench/results.json ("analytics")\n`);
}
