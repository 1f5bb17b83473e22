// CPU per API request (bench/README.md, "CPU per request"): the sync process's CPU time (getrusage,
// user + system) ÷ the API requests it made, on a fast API, where nothing but the sync's own work
// limits it. Part of `npm run bench`, or alone:
//
//   npm run bench -- --cpu [--cpu-conversations 5000] [--cpu-small 1000] [--pages 2] [--cpu-latency 10] [--concurrency 16] [--cpu-runs 3] [--profile]
//
// Setting: the simulator answers every request after `--cpu-latency` ms and enforces no rate limit;
// the sync is the built CLI (dist/) in a child process with the highest rate limit it accepts, on
// a migrated, empty database, backfilling the whole history. Each run gets a fresh database and
// must store exactly the simulator's conversations and messages. The median run is kept. With
// `--profile`, the runs are made under `node --cpu-prof` and the self time per function and file
// is printed (not recorded: the profiler itself costs CPU).
//
// A process's CPU has a part that does not grow with the history: node's start-up and JIT warm-up
// (about 0.4 s), and the 90 days of statistics (hourly per-user rows: megabytes for a few
// requests). The same setting is therefore also run with `--cpu-small` conversations per page, and
// the difference of the two gives the CPU of one more API request (the slope) and the part that
// does not grow (the intercept): a real first backfill (tens of thousands of conversations per
// page) costs about the slope per request.
//
// Written into bench/results.json under `backfill` as `cpu_ms_per_request` (the large setting's
// median; `cpu` holds the detail, the small setting, the slope and the intercept); every other key
// stays.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { MAX_RATE_LIMIT } from '../src/pancake/defaults.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { createDb } from '../src/warehouse/db.js';
import { migrateToLatest } from '../src/warehouse/migrate.js';
import { flag } from './args.js';
import { runCliSync, type CliSyncFigures } from './cli-sync.js';
import { summarizeProfiles } from './cpu-profile.js';
import { createDatabase, withBenchServer } from './database.js';
import { benchSyncEnv } from './sync-env.js';

const RESULTS = join(fileURLToPath(new URL('.', import.meta.url)), 'results.json');
const DAY = 86_400_000;
const HISTORY_DAYS = 90;
const TARGET_MS = 1;

interface Options {
  conversationsPerPage: number;
  pages: number;
  latencyMs: number;
  concurrency: number;
  smallConversationsPerPage: number;
  runs: number;
  profile: boolean;
}

type CpuRun = CliSyncFigures & { cpuMsPerRequest: number; rowsMatch: boolean };

/** One setting's runs; the median run's CPU ms ÷ its requests. */
export interface CpuSetting {
  setting: string;
  cpu_ms_per_request: number;
  runs: CpuRun[];
  rows: { conversations: number; messages: number };
}

export interface CpuFigures extends CpuSetting {
  small: CpuSetting;
  /** CPU ms of one more request: (large median's CPU − small median's CPU) ÷ (their requests' difference). */
  marginal_ms_per_request: number;
  /** CPU seconds that do not grow with the history (start-up, statistics): the intercept. */
  fixed_cpu_seconds: number;
}

function parseArgs(argv: readonly string[]): Options {
  const get = (name: string, fallback: string): number => Number(flag(argv, name, fallback));
  return {
    conversationsPerPage: get('cpu-conversations', '5000'),
    smallConversationsPerPage: get('cpu-small', '1000'),
    pages: get('pages', '2'),
    latencyMs: get('cpu-latency', '10'),
    concurrency: get('concurrency', '16'),
    runs: get('cpu-runs', '3'),
    profile: argv.includes('--profile'),
  };
}

/** Measures CPU per request against `adminUrl`'s server and records it under `backfill`. */
export async function benchCpu(adminUrl: string, argv: readonly string[]): Promise<CpuFigures> {
  const options = parseArgs(argv);
  const profileDir = options.profile ? mkdtempSync(join(tmpdir(), 'pancake-bench-cpu-prof-')) : null;
  try {
    const large = await measureSetting(adminUrl, options, options.conversationsPerPage, profileDir);
    if (profileDir) {
      printProfile(profileDir);
      printSetting(large);
      return { ...large, small: large, marginal_ms_per_request: large.cpu_ms_per_request, fixed_cpu_seconds: 0 };
    }
    const small = await measureSetting(adminUrl, options, options.smallConversationsPerPage, null);
    const cpuSeconds = (s: CpuSetting): { seconds: number; requests: number } => {
      const run = medianRun(s);
      return { seconds: run.userCpuSeconds + run.systemCpuSeconds, requests: run.requests };
    };
    const [a, b] = [cpuSeconds(large), cpuSeconds(small)];
    const marginal = ((a.seconds - b.seconds) * 1000) / (a.requests - b.requests);
    const figures: CpuFigures = { ...large, small, marginal_ms_per_request: marginal, fixed_cpu_seconds: b.seconds - (marginal * b.requests) / 1000 };
    record(figures);
    printFigures(figures);
    return figures;
  } finally {
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  }
}

function medianRun(s: CpuSetting): CpuRun {
  return [...s.runs].sort((x, y) => x.cpuMsPerRequest - y.cpuMsPerRequest)[Math.floor(s.runs.length / 2)]!;
}

async function measureSetting(adminUrl: string, options: Options, conversationsPerPage: number, profileDir: string | null): Promise<CpuSetting> {
  const sim = await startSimulator({ seed: 42, pages: options.pages, conversationsPerPage, messagesPerConversation: { min: 5, max: 25 }, historyDays: HISTORY_DAYS, latencyMs: options.latencyMs, rateLimitPerSecond: null });
  try {
    const setting = `${options.pages} pages × ${conversationsPerPage} conversations over ${HISTORY_DAYS} days, 5–25 messages each, simulator latency ${options.latencyMs} ms, no rate limit (sync at ${MAX_RATE_LIMIT} requests/s per token), ${options.concurrency} in flight, whole-history backfill on a migrated empty database`;
    process.stderr.write(`cpu: ${setting}\n`);
    const rows = {
      conversations: [...sim.data.conversations.values()].reduce((n, list) => n + list.length, 0),
      messages: [...sim.data.messages.values()].reduce((n, list) => n + list.length, 0),
    };
    const runs: CpuRun[] = [];
    for (let i = 0; i < options.runs; i++) runs.push(await measureRun(sim, adminUrl, options, rows, profileDir));
    const setting0: CpuSetting = { setting, cpu_ms_per_request: 0, runs, rows };
    return { ...setting0, cpu_ms_per_request: medianRun(setting0).cpuMsPerRequest };
  } finally {
    await sim.close();
  }
}

async function measureRun(sim: Simulator, adminUrl: string, options: Options, expected: CpuSetting['rows'], profileDir: string | null): Promise<CpuRun> {
  const url = await createDatabase(adminUrl, 'pancake_bench_cpu');
  const db = createDb(url, 2);
  try {
    await migrateToLatest(db);
    const since = new Date(sim.data.now.getTime() - (HISTORY_DAYS + 1) * DAY).toISOString();
    const env = { ...benchSyncEnv(sim, url, MAX_RATE_LIMIT, options.concurrency), LOG_LEVEL: 'warn' };
    const run = await runCliSync(sim, env, ['--since', since], profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []);
    if (run.exitCode !== 0) throw new Error(`the measured sync exited with ${run.exitCode}`);
    const stored = await sql<{ conversations: string; messages: string }>`
      select (select count(*) from pancake.conversations) as conversations, (select count(*) from pancake.messages) as messages`.execute(db);
    const rowsMatch = Number(stored.rows[0]?.conversations) === expected.conversations && Number(stored.rows[0]?.messages) === expected.messages;
    if (!rowsMatch) process.stderr.write(`cpu: the warehouse holds ${JSON.stringify(stored.rows[0])}, the simulator ${JSON.stringify(expected)}\n`);
    return { ...run, cpuMsPerRequest: ((run.userCpuSeconds + run.systemCpuSeconds) * 1000) / run.requests, rowsMatch };
  } finally {
    await db.destroy();
  }
}

/** Sets `backfill.cpu_ms_per_request` and `backfill.cpu`, keeping every other key. */
function record(figures: CpuFigures): void {
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  const backfill = typeof previous.backfill === 'object' && previous.backfill !== null ? (previous.backfill as Record<string, unknown>) : {};
  const { cpu_ms_per_request, ...cpu } = figures;
  writeFileSync(RESULTS, `${JSON.stringify({ ...previous, backfill: { ...backfill, cpu_ms_per_request, cpu: { measuredAt: new Date().toISOString(), ...cpu } } }, null, 2)}\n`);
}

function printSetting(s: CpuSetting): void {
  process.stdout.write(`cpu per request: ${s.setting}\n`);
  for (const r of s.runs) {
    process.stdout.write(`  ${r.requests} requests, ${r.userCpuSeconds.toFixed(2)} s user + ${r.systemCpuSeconds.toFixed(2)} s system in ${r.wallSeconds.toFixed(1)} s = ${r.cpuMsPerRequest.toFixed(3)} ms/request${r.rowsMatch ? '' : ' (ROWS DIFFER)'}\n`);
  }
  process.stdout.write(`  median ${s.cpu_ms_per_request.toFixed(3)} ms/request\n`);
}

function printFigures(f: CpuFigures): void {
  printSetting(f.small);
  printSetting(f);
  const met = f.cpu_ms_per_request <= TARGET_MS && [...f.runs, ...f.small.runs].every((r) => r.rowsMatch);
  process.stdout.write(`  one more request: ${f.marginal_ms_per_request.toFixed(3)} ms; not growing with the history: ${f.fixed_cpu_seconds.toFixed(2)} s\n`);
  process.stdout.write(`cpu_ms_per_request ${f.cpu_ms_per_request.toFixed(3)} (${f.runs[0]?.requests ?? 0} requests): target ≤ ${TARGET_MS} ms ${met ? 'met' : 'MISSED'}\n`);
}

function printProfile(dir: string): void {
  const { functions, files, totalMs } = summarizeProfiles(dir);
  const line = (t: { name: string; ms: number }) => `  ${t.ms.toFixed(0).padStart(7)} ms  ${((t.ms / totalMs) * 100).toFixed(1).padStart(5)} %  ${t.name}\n`;
  process.stdout.write(`self time of ${(totalMs / 1000).toFixed(2)} s sampled, by file:\n`);
  files.slice(0, 25).forEach((t) => process.stdout.write(line(t)));
  process.stdout.write('by function:\n');
  functions.slice(0, 40).forEach((t) => process.stdout.write(line(t)));
}

/** `npm run bench -- --cpu`: this benchmark alone, on an embedded Postgres unless BENCH_DATABASE_URL is set. */
export async function main(argv: readonly string[]): Promise<void> {
  await withBenchServer((adminUrl) => benchCpu(adminUrl, argv));
}
