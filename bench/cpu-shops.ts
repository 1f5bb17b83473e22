// The shops of the CPU benchmark (bench/cpu.ts) and one measured run on each: a fresh database, the
// built CLI backfilling the whole history in a child process, then what it cost (CPU, requests,
// bytes on the wire) and what it stored (rows, checked against the simulator).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'kysely';
import { MAX_RATE_LIMIT } from '../src/pancake/defaults.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../src/simulator/index.js';
import { createDb } from '../src/warehouse/db.js';
import { migrateToLatest } from '../src/warehouse/migrate.js';
import { runMeasured, type CliSyncFigures } from './cli-sync.js';
import { createDatabase } from './database.js';
import { benchSyncEnv } from './sync-env.js';

const DAY = 86_400_000;
const HISTORY_DAYS = 90;

export interface CpuOptions {
  conversationsPerPage: number;
  smallConversationsPerPage: number;
  realisticConversationsPerPage: number;
  realisticSmallConversationsPerPage: number;
  pages: number;
  latencyMs: number;
  concurrency: number;
  runs: number;
  profile: boolean;
}

/** A shop to measure: its simulator data options and the streams the sync reads (null: the defaults). */
export interface CpuShop {
  name: string;
  describe(conversationsPerPage: number, options: CpuOptions): string;
  simulator(conversationsPerPage: number, options: CpuOptions): SimulatorOptions;
  streams: string[] | null;
}

export const CURRENT_SHOP: CpuShop = {
  name: 'current',
  describe: (n, o) => `current shop: ${o.pages} pages × ${n} conversations over ${HISTORY_DAYS} days, 5–25 messages each, every default stream`,
  simulator: (n, o) => ({ pages: o.pages, conversationsPerPage: n, messagesPerConversation: { min: 5, max: 25 } }),
  streams: null,
};

/**
 * A busy shop as issue 26 measured one: 3 pages, items of the real answers' size (shape 'busy'),
 * 1–48 messages per thread; conversations, messages and customers (statistics and the other
 * snapshots are a fixed cost that says nothing about the records' size).
 */
export const REALISTIC_SHOP: CpuShop = {
  name: 'realistic',
  describe: (n) => `realistic shop: 3 pages × ${n} conversations over ${HISTORY_DAYS} days, busy shape (real field sizes, 1–48 messages with a long tail), streams conversations, messages, customers`,
  simulator: (n) => ({ pages: 3, conversationsPerPage: n, shape: 'busy' }),
  streams: ['conversations', 'messages', 'customers'],
};

export type CpuRun = CliSyncFigures & { cpuMsPerRequest: number; rows: number; rowsMatch: boolean };

/** One setting's runs; the median run (by CPU per request) gives the figures. */
export interface CpuSetting {
  setting: string;
  cpu_ms_per_request: number;
  cpu_us_per_row: number;
  bytes_to_pg_per_byte_from_api: number;
  runs: CpuRun[];
  rows: { conversations: number; messages: number };
  /**
   * The reference build's runs (bench/cpu-reference.ts) on its own shop, each next to one of these
   * runs (`runs[i]` with `reference_build.runs[i]`): what the machine's speed was at that moment.
   */
  reference_build?: { setting: string; cpu_ms_per_request: number; runs: CpuRun[] };
}

export function medianRun(s: Pick<CpuSetting, 'runs'>): CpuRun {
  return [...s.runs].sort((x, y) => x.cpuMsPerRequest - y.cpuMsPerRequest)[Math.floor(s.runs.length / 2)]!;
}

/** A shop's simulator, started: measured runs read it, and it is closed once they are done. */
export interface OpenShop {
  shop: CpuShop;
  sim: Simulator;
  setting: string;
  rows: CpuSetting['rows'];
  close(): Promise<void>;
}

export async function openShop(options: CpuOptions, shop: CpuShop, conversationsPerPage: number): Promise<OpenShop> {
  const sim = await startSimulator({ seed: 42, historyDays: HISTORY_DAYS, latencyMs: options.latencyMs, rateLimitPerSecond: null, ...shop.simulator(conversationsPerPage, options) });
  const setting = `${shop.describe(conversationsPerPage, options)}; simulator latency ${options.latencyMs} ms, no rate limit (sync at ${MAX_RATE_LIMIT} requests/s per token), ${options.concurrency} in flight, whole-history backfill on a migrated empty database`;
  const rows = {
    conversations: [...sim.data.conversations.values()].reduce((n, list) => n + list.length, 0),
    messages: [...sim.data.messages.values()].reduce((n, list) => n + list.length, 0),
  };
  return { shop, sim, setting, rows, close: () => sim.close() };
}

/** The reference build (a built checkout of bench/cpu-reference.ts's revision) and the shop its figure was measured on. */
export interface ReferenceRuns {
  root: string;
  shop: OpenShop;
}

/**
 * `options.runs` runs of the shop, each on a fresh database; `profileDir`: under `node --cpu-prof`.
 * With `reference`, each run has a run of the reference build on its shop next to it (which of the
 * two goes first alternates), so that each of this build's runs can be set against the machine's
 * speed of that moment.
 */
export async function measureShop(adminUrl: string, options: CpuOptions, open: OpenShop, profileDir: string | null, reference?: ReferenceRuns): Promise<CpuSetting> {
  process.stderr.write(`cpu: ${open.setting}${reference ? ' (with the reference build)' : ''}\n`);
  const runs: CpuRun[] = [];
  const referenceRuns: CpuRun[] = [];
  for (let i = 0; i < options.runs; i++) {
    const ours = async (): Promise<void> => void runs.push(await measureRun(open, adminUrl, options, profileDir, THIS_BUILD));
    const theirs = async (): Promise<void> => {
      if (reference) referenceRuns.push(await measureRun(reference.shop, adminUrl, options, profileDir, reference.root));
    };
    if (i % 2 === 0) await ours().then(theirs);
    else await theirs().then(ours);
  }
  const median = medianRun({ runs });
  const cpu = median.userCpuSeconds + median.systemCpuSeconds;
  return {
    setting: open.setting,
    cpu_ms_per_request: median.cpuMsPerRequest,
    cpu_us_per_row: (cpu * 1e6) / median.rows,
    bytes_to_pg_per_byte_from_api: median.bytesToPostgres / median.bytesFromApi,
    runs,
    rows: open.rows,
    ...(reference && { reference_build: { setting: reference.shop.setting, cpu_ms_per_request: medianRun({ runs: referenceRuns }).cpuMsPerRequest, runs: referenceRuns } }),
  };
}

/** Bookkeeping tables (checkpoints, the run log, locks) are not stored rows. */
const BOOKKEEPING = ['sync_state', 'sync_runs', 'sync_locks', 'conversation_message_state'];

/** The checkout whose built CLI (dist/) is measured: this one. */
const THIS_BUILD = '.';

async function measureRun(open: OpenShop, adminUrl: string, options: CpuOptions, profileDir: string | null, buildRoot: string): Promise<CpuRun> {
  const { sim, shop, rows: expected } = open;
  const url = await createDatabase(adminUrl, 'pancake_bench_cpu');
  const db = createDb(url, 2);
  const cli = join(buildRoot, 'dist/src/cli.js');
  try {
    // Each build on its own schema: the reference's migrations are its own.
    if (buildRoot === THIS_BUILD) await migrateToLatest(db);
    else execFileSync(process.execPath, [cli, 'migrate'], { env: { PATH: process.env.PATH ?? '', DATABASE_URL: url, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
    const since = new Date(sim.data.now.getTime() - (HISTORY_DAYS + 1) * DAY).toISOString();
    const env = { ...benchSyncEnv(sim, url, MAX_RATE_LIMIT, options.concurrency), LOG_LEVEL: 'warn' };
    const args = ['--since', since, ...(shop.streams ? ['--streams', shop.streams.join(',')] : [])];
    const { figures: run } = await runMeasured(sim, env, [cli, 'sync', ...args], profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []);
    if (run.exitCode !== 0) throw new Error(`the measured sync exited with ${run.exitCode}`);
    const stored = await sql<{ conversations: string; messages: string }>`
      select (select count(*) from pancake.conversations) as conversations, (select count(*) from pancake.messages) as messages`.execute(db);
    const rowsMatch = Number(stored.rows[0]?.conversations) === expected.conversations && Number(stored.rows[0]?.messages) === expected.messages;
    if (!rowsMatch) process.stderr.write(`cpu: the warehouse holds ${JSON.stringify(stored.rows[0])}, the simulator ${JSON.stringify(expected)}\n`);
    const tables = await sql<{ name: string }>`
      select table_name as name from information_schema.tables where table_schema = 'pancake' and table_type = 'BASE TABLE'`.execute(db);
    let rows = 0;
    for (const { name } of tables.rows.filter((t) => !BOOKKEEPING.includes(t.name))) {
      const counted = await sql<{ n: string }>`select count(*) as n from ${sql.table(`pancake.${name}`)}`.execute(db);
      rows += Number(counted.rows[0]?.n ?? 0);
    }
    return { ...run, cpuMsPerRequest: ((run.userCpuSeconds + run.systemCpuSeconds) * 1000) / run.requests, rows, rowsMatch };
  } finally {
    await db.destroy();
  }
}
