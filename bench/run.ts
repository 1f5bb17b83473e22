// `npm run bench`: measures extraction against the API's rate limit and loading against COPY.
// See bench/README.md for what each figure means and the latest numbers.
//
//   npm run bench -- --scale 1,4 --latency 30 --rate 100
//
// The sync runs as the real CLI in a child process (so its peak RSS is its own); the simulator and
// the measuring code run here.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { createDb } from '../src/warehouse/db.js';
import { measureLoader, type LoaderFigures } from './loader.js';
import { minimalRequests } from './minimum.js';
import { flag } from './args.js';
import { benchBackfill } from './backfill.js';
import { benchCpu } from './cpu.js';
import { runSharedLimit } from './shared-limit.js';
import { benchSeason } from './season.js';
import { benchSweep } from './sweep.js';
import { createDatabase, withBenchServer } from './database.js';
import { benchSyncEnv } from './sync-env.js';
import { runCliSync, type CliSyncFigures } from './cli-sync.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DAY = 86_400_000;

interface Options {
  scales: number[];
  latencyMs: number;
  rate: number;
  concurrency: number;
  pages: number;
}

function parseArgs(argv: string[]): Options {
  const get = (name: string, fallback: string): string => flag(argv, name, fallback);
  return {
    scales: get('scale', '1,4').split(',').map(Number),
    latencyMs: Number(get('latency', '30')),
    rate: Number(get('rate', '100')),
    concurrency: Number(get('concurrency', '16')),
    pages: Number(get('pages', '2')),
  };
}

type RunFigures = CliSyncFigures;

/** One `pancake-sync sync` in a child process, against the simulator, with its peak RSS. */
function runSync(sim: Simulator, databaseUrl: string, options: Options, args: string[]): Promise<RunFigures> {
  return runCliSync(sim, { ...benchSyncEnv(sim, databaseUrl, options.rate, options.concurrency), LOG_LEVEL: 'warn' }, args);
}

interface ScaleResult {
  scale: number;
  dataSet: { pages: number; conversations: number; messages: number };
  backfill: RunFigures & { minimalRequests: number; requestRatio: number; idealSeconds: number; rateLimitUsed: number; byEndpoint: Record<string, { made: number; minimum: number }> };
  incremental: RunFigures & { changedConversations: number; rowsWritten: number; budget: number };
  loader?: LoaderFigures & { perPageShareOfCopy: number; bulkShareOfCopy: number };
  matchesSimulator: boolean;
  warehouse: { conversations: number; messages: number };
}

async function benchScale(scale: number, options: Options, adminUrl: string): Promise<ScaleResult> {
  const sim = await startSimulator({
    seed: 42,
    pages: options.pages,
    conversationsPerPage: 5000 * scale,
    messagesPerConversation: { min: 5, max: 25 },
    historyDays: 90,
    latencyMs: options.latencyMs,
    rateLimitPerSecond: options.rate,
  });
  const databaseUrl = await createDatabase(adminUrl, `pancake_bench_${String(scale).replace(".", "_")}`);
  const db = createDb(databaseUrl, 4);
  try {
    const conversations = [...sim.data.conversations.values()].reduce((n, list) => n + list.length, 0);
    const messages = [...sim.data.messages.values()].reduce((n, list) => n + list.length, 0);
    process.stderr.write(`scale ${scale}: ${options.pages} pages, ${conversations} conversations, ${messages} messages\n`);

    const since = new Date(sim.data.now.getTime() - 91 * DAY).toISOString();
    sim.clearRequests();
    const backfill = await runSync(sim, databaseUrl, options, ['--since', since]);
    const { minimum, byEndpoint } = minimalRequests(sim.requests);
    // Each page has its own token, so the API allows `rate` requests per second per page.
    const idealSeconds = minimum / (options.rate * options.pages);

    const counts = await sql<{ conversations: string; messages: string }>`
      select (select count(*) from pancake.conversations) as conversations, (select count(*) from pancake.messages) as messages`.execute(db);
    const stored = { conversations: Number(counts.rows[0]?.conversations), messages: Number(counts.rows[0]?.messages) };
    const matchesSimulator = stored.conversations === conversations && stored.messages === messages;
    if (!matchesSimulator) process.stderr.write(`warehouse holds ${JSON.stringify(stored)}, the simulator ${JSON.stringify({ conversations, messages })}\n`);

    // A small change: new messages in 10 conversations, 5 re-tagged, 5 new conversations.
    // Reviews take no messages: the change goes to the other threads.
    const all = [...sim.data.conversations.values()].flat().filter((c) => c.type !== 'RATING');
    const changed = new Set<string>();
    for (let i = 0; i < 10; i++) changed.add(sim.addMessages(all[(i * 97) % all.length]!.id, 2)[0]!.conversation_id);
    for (let i = 0; i < 5; i++) {
      const id = all[(i * 131 + 7) % all.length]!.id;
      sim.touchConversation(id);
      changed.add(id);
    }
    for (let i = 0; i < 5; i++) changed.add(sim.addConversation(sim.data.pages[i % options.pages]!.id).id);
    // A run reads whole seconds up to the one it starts in (no safety lag here): a change made in
    // that second is the next run's. Let the second of the changes pass.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    sim.clearRequests();
    const incremental = await runSync(sim, databaseUrl, options, []);
    const lastRun = await sql<{ counts: Record<string, Record<string, { rowsWritten: number }>> }>`select counts from pancake.sync_runs order by id desc limit 1`.execute(db);
    const rowsWritten = Object.values(lastRun.rows[0]?.counts ?? {}).flatMap((streams) => Object.values(streams)).reduce((n, c) => n + (c.rowsWritten ?? 0), 0);
    const streamCount = Object.keys(Object.values(lastRun.rows[0]?.counts ?? {})[0] ?? {}).length;

    const result: ScaleResult = {
      scale,
      dataSet: { pages: options.pages, conversations, messages },
      backfill: { ...backfill, minimalRequests: minimum, requestRatio: backfill.requests / minimum, idealSeconds, rateLimitUsed: idealSeconds / backfill.wallSeconds, byEndpoint },
      incremental: { ...incremental, changedConversations: changed.size, rowsWritten, budget: 2 * options.pages * streamCount + changed.size },
      matchesSimulator,
      warehouse: stored,
    };
    if (scale === options.scales[0]) {
      const loader = await measureLoader(db, databaseUrl, 100_000);
      result.loader = { ...loader, perPageShareOfCopy: loader.loaderPerPageRowsPerSecond / loader.copyRowsPerSecond, bulkShareOfCopy: loader.loaderBulkRowsPerSecond / loader.copyRowsPerSecond };
    }
    return result;
  } finally {
    await db.destroy();
    await sim.close();
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  await withBenchServer(async (adminUrl) => {
    const results: ScaleResult[] = [];
    for (const scale of options.scales) results.push(await benchScale(scale, options, adminUrl));
    const first = results[0];
    const last = results.at(-1);
    const report = {
      measuredAt: new Date().toISOString(),
      machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      options,
      results,
      rssGrowth: first && last && first !== last ? last.backfill.peakRssMiB / first.backfill.peakRssMiB : null,
    };
    // Keep what other benchmarks wrote (bench/workers.ts adds `workers`).
    const file = join(ROOT, 'bench', 'results.json');
    const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
    writeFileSync(file, `${JSON.stringify({ ...previous, ...report }, null, 2)}\n`);
    printReport(report.results, report.rssGrowth);
    await benchBackfill(adminUrl, process.argv.slice(2));
    await benchCpu(adminUrl, process.argv.slice(2));
    await runSharedLimit(adminUrl, process.argv.slice(2));
    await benchSweep(adminUrl, process.argv.slice(2));
    await benchSeason(adminUrl, process.argv.slice(2));
  });
}

function printReport(results: ScaleResult[], rssGrowth: number | null): void {
  const rows: Array<[string, string, string]> = [];
  for (const r of results) {
    const b = r.backfill;
    rows.push([`scale ${r.scale}: data`, `${r.dataSet.pages} pages, ${r.dataSet.conversations} conversations, ${r.dataSet.messages} messages`, r.matchesSimulator ? 'warehouse = simulator' : 'MISMATCH']);
    rows.push(['(a) requests ÷ minimal', `${b.requests} ÷ ${b.minimalRequests} = ${b.requestRatio.toFixed(3)}`, b.requestRatio <= 1.05 ? 'target ≤ 1.05 met' : 'target ≤ 1.05 MISSED']);
    rows.push(['(b) rate limit used', `${b.idealSeconds.toFixed(1)} s ideal ÷ ${b.wallSeconds.toFixed(1)} s = ${b.rateLimitUsed.toFixed(3)}`, b.rateLimitUsed >= 0.9 ? 'target ≥ 0.9 met' : 'target ≥ 0.9 MISSED']);
    if (r.loader) {
      const l = r.loader;
      rows.push(['(c) loader ÷ COPY', `${Math.round(l.loaderBulkRowsPerSecond)} ÷ ${Math.round(l.copyRowsPerSecond)} rows/s = ${l.bulkShareOfCopy.toFixed(2)} (1000-row batches); ${l.perPageShareOfCopy.toFixed(2)} in 30-row commits`, l.bulkShareOfCopy >= 0.5 ? 'target ≥ 0.5 met' : 'target ≥ 0.5 MISSED']);
    }
    rows.push(['(d) peak RSS', `${b.peakRssMiB.toFixed(0)} MiB`, b.peakRssMiB <= 256 ? 'target ≤ 256 MB met' : 'target ≤ 256 MB MISSED']);
    const i = r.incremental;
    rows.push(['(e) incremental', `${i.requests} requests, ${i.rowsWritten} rows for ${i.changedConversations} changed conversations (budget ${i.budget})`, i.requests <= i.budget ? 'target met' : 'target MISSED']);
  }
  if (rssGrowth !== null) rows.push(['(d) RSS growth', `largest ÷ smallest scale = ${rssGrowth.toFixed(2)}`, rssGrowth <= 1.2 ? 'target ≤ 1.2 met' : 'target ≤ 1.2 MISSED']);
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) process.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}\n`);
  process.stdout.write('\nWritten to bench/results.json\n');
}

// `--workers 1,2,4` is the scale-out benchmark: bench/workers.ts; `--analytics` the views alone: bench/analytics.ts.
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write('usage: npm run bench -- [--scale 1,4] [--latency 30] [--rate 100] [--concurrency 16] [--pages 2]\n       npm run bench -- --backfill [--conversations 1000] [--pages 2] [--latency 30] [--backfill-rate 25] [--concurrency 16]\n       npm run bench -- --cpu [--cpu-shops current,realistic] [--cpu-conversations 5000] [--cpu-small 1000] [--cpu-realistic-conversations 3000] [--cpu-realistic-small 1000] [--pages 2] [--cpu-latency 10] [--concurrency 16] [--cpu-runs 3] [--no-recent-first] [--no-reference] [--profile]\n       npm run bench -- --cpu-parts [--parts-conversations 300] [--parts-rounds 5]\n       npm run bench -- --workers 1,2,4 [--pages 24] [--rate 2] [--latency 30] [--concurrency 6]\n       npm run bench -- --analytics [--history-days 730] [--conversations-per-day 28] [--latency 30] [--rate 100]\n       npm run bench -- --shared-limit [--shared-conversations 700] [--latency 30] [--concurrency 8]\n       npm run bench -- --sweep [--sweep-conversations 120,2000] [--pages 2]\n       npm run bench -- --season [--season-pages 4] [--season-conversations 60] [--season-nights 30] [--night-pages 300]\nSee bench/README.md.\n');
} else if (process.argv.includes('--workers')) await (await import('./workers.js')).main(process.argv.slice(2));
else if (process.argv.includes('--cpu')) await (await import('./cpu.js')).main(process.argv.slice(2));
else if (process.argv.includes('--cpu-parts')) await (await import('./cpu-parts.js')).main(process.argv.slice(2));
else if (process.argv.includes('--backfill')) await (await import('./backfill.js')).main(process.argv.slice(2));
else if (process.argv.includes('--analytics')) await (await import('./analytics.js')).main(process.argv.slice(2));
else if (process.argv.includes('--shared-limit')) await (await import('./shared-limit.js')).main(process.argv.slice(2));
else if (process.argv.includes('--sweep')) await (await import('./sweep.js')).main(process.argv.slice(2));
else if (process.argv.includes('--season')) await (await import('./season.js')).main(process.argv.slice(2));
else {
  await main();
  await (await import('./analytics.js')).main(process.argv.slice(2));
}
