// A rate limit shared with another integration (bench/README.md, "A shared rate limit"): Pancake's
// limit is 5 requests/s per page, and the shop's other tools (chatbots, CRMs) spend part of it.
// Here another client spends 2 of a page's 5 requests/s for the whole run while pancake-sync
// backfills that page with its defaults (PANCAKE_RATE_LIMIT=5), rate-limited answers coming as
// Pancake words them (HTTP 200, error_code 429, no Retry-After). Measured from the simulator's log:
//   share_429        = the product's rate-limited answers ÷ its requests       (target ≤ 0.05)
//   throughput_ratio = its successful requests per second ÷ the 3/s left to it  (target ≥ 0.8)
// Run as part of `npm run bench`, or alone:
//
//   npm run bench -- --shared-limit [--shared-conversations 700] [--latency 30] [--concurrency 8]
//
// The sync is the built CLI in a child process (`npm run bench` builds dist/ first). Writes
// `season.shared_limit` into bench/results.json, keeping every other key (and season's others).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { startSimulator } from '../src/simulator/index.js';
import { createDb } from '../src/warehouse/db.js';
import { flag } from './args.js';
import { runCliSync } from './cli-sync.js';
import { createDatabase, withBenchServer } from './database.js';
import { benchSyncEnv } from './sync-env.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DAY = 86_400_000;
const PAGE_LIMIT = 5;
const OTHER_CLIENT = 2;

export interface SharedLimitFigures {
  share_429: number;
  throughput_ratio: number;
  requests: number;
  rate_limited: number;
  successful_per_second: number;
  wall_seconds: number;
  /** The pace the page's token ended the run at (sync_runs.effective_rate). */
  effective_rate: number | null;
  exit_code: number | null;
  complete: boolean;
  setting: string;
}

export async function benchSharedLimit(adminUrl: string, argv: readonly string[]): Promise<SharedLimitFigures> {
  const conversations = Number(flag(argv, 'shared-conversations', '700'));
  const latencyMs = Number(flag(argv, 'latency', '30'));
  const concurrency = Number(flag(argv, 'concurrency', '8'));
  const sim = await startSimulator({
    seed: 42,
    pages: 1,
    conversationsPerPage: conversations,
    messagesPerConversation: { min: 5, max: 25 },
    historyDays: 60,
    latencyMs,
    rateLimitPerSecond: PAGE_LIMIT,
    rateLimitAnswer: 'body',
    otherClientLoad: { perSecond: OTHER_CLIENT },
  });
  const databaseUrl = await createDatabase(adminUrl, 'pancake_bench_shared_limit');
  const db = createDb(databaseUrl, 2);
  try {
    const page = sim.data.pages[0]!.id;
    const since = new Date(sim.data.now.getTime() - 61 * DAY).toISOString();
    process.stderr.write(`shared limit: 1 page, ${conversations} conversations; the page allows ${PAGE_LIMIT}/s, another client spends ${OTHER_CLIENT}/s\n`);
    const run = await runCliSync(sim, { ...benchSyncEnv(sim, databaseUrl, PAGE_LIMIT, concurrency), LOG_LEVEL: 'warn' }, ['--since', since]);
    // What counts against the page's budget: the requests made with its token.
    const mine = sim.requests.filter((r) => r.pageId === page && r.tokenId !== 'user');
    const limited = mine.filter((r) => r.rateLimited).length;
    const successful = mine.filter((r) => !r.rateLimited && r.status === 200).length;
    const wallSeconds = (Math.max(...mine.map((r) => r.finishedAt)) - Math.min(...mine.map((r) => r.startedAt))) / 1000;
    const perSecond = successful / wallSeconds;
    const stored = await sql<{ n: string; rate: string | null }>`
      select (select count(*) from pancake.conversations) as n, (select effective_rate from pancake.sync_runs order by id desc limit 1) as rate`.execute(db);
    const row = stored.rows[0]!;
    return {
      share_429: round(limited / mine.length),
      throughput_ratio: round(perSecond / (PAGE_LIMIT - OTHER_CLIENT)),
      requests: mine.length,
      rate_limited: limited,
      successful_per_second: round(perSecond),
      wall_seconds: round(wallSeconds),
      effective_rate: row.rate === null ? null : Number(row.rate),
      exit_code: run.exitCode,
      complete: Number(row.n) === sim.data.conversations.get(page)!.length,
      setting: `1 page, ${conversations} conversations, 60 days, latency ${latencyMs} ms, SYNC_CONCURRENCY=${concurrency}, PANCAKE_RATE_LIMIT=${PAGE_LIMIT}; the page allows ${PAGE_LIMIT}/s, another client spends ${OTHER_CLIENT}/s; rate limits as HTTP 200 + error_code 429 without Retry-After`,
    };
  } finally {
    await db.destroy();
    await sim.close();
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Sets `season.shared_limit` in bench/results.json, keeping everything else. */
function write(figures: SharedLimitFigures): void {
  const file = join(ROOT, 'bench', 'results.json');
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const season = typeof previous.season === 'object' && previous.season !== null ? (previous.season as Record<string, unknown>) : {};
  writeFileSync(file, `${JSON.stringify({ ...previous, season: { ...season, shared_limit: { ...figures, measuredAt: new Date().toISOString() } } }, null, 2)}\n`);
}

export function printSharedLimit(f: SharedLimitFigures): void {
  const rows: Array<[string, string, string]> = [
    ['shared limit: share_429', `${f.rate_limited} ÷ ${f.requests} = ${f.share_429}`, f.share_429 <= 0.05 ? 'target ≤ 0.05 met' : 'target ≤ 0.05 MISSED'],
    ['shared limit: throughput_ratio', `${f.successful_per_second}/s ÷ ${PAGE_LIMIT - OTHER_CLIENT}/s = ${f.throughput_ratio}`, f.throughput_ratio >= 0.8 ? 'target ≥ 0.8 met' : 'target ≥ 0.8 MISSED'],
    ['shared limit: run', `${f.wall_seconds} s, exit ${f.exit_code}, pace at the end ${f.effective_rate}/s`, f.complete && f.exit_code === 0 ? 'warehouse complete' : 'INCOMPLETE'],
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) process.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}\n`);
}

/** Measures, writes and prints the figures on a running benchmark server (`npm run bench` calls it). */
export async function runSharedLimit(adminUrl: string, argv: readonly string[]): Promise<void> {
  const figures = await benchSharedLimit(adminUrl, argv);
  write(figures);
  printSharedLimit(figures);
  process.stdout.write('\nWritten to bench/results.json (season.shared_limit)\n');
}

export async function main(argv: readonly string[]): Promise<void> {
  await withBenchServer((adminUrl) => runSharedLimit(adminUrl, argv));
}
