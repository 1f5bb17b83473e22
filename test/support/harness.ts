import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { parseConfig, type Config, type Env } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createPancakeClient, type PancakeClient } from '../../src/pancake/client.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { runSync, type RunSummary, type SyncOptions } from '../../src/sync/runner.js';
import { createDb } from '../../src/warehouse/db.js';
import { migrateToLatest } from '../../src/warehouse/migrate.js';
import type { Database } from '../../src/warehouse/schema.js';
import type { Kysely } from 'kysely';
import { createTestDatabase, type TestDatabase } from './db.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The environment a test sync runs with: the simulator, its token, no safety lag. */
export function simulatorEnv(sim: Simulator, databaseUrl: string, extra: Env = {}): Env {
  return {
    DATABASE_URL: databaseUrl,
    PANCAKE_BASE_URL: sim.baseUrl,
    PANCAKE_ACCESS_TOKEN: sim.userToken,
    SYNC_SAFETY_LAG: '0s',
    PANCAKE_RATE_LIMIT: '1000',
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

export interface SyncHarness {
  sim: Simulator;
  database: TestDatabase;
  db: Kysely<Database>;
  config(extra?: Env): Config;
  client(config?: Config): PancakeClient;
  sync(options?: SyncOptions, extra?: Env): Promise<RunSummary>;
  close(): Promise<void>;
}

export async function createSyncHarness(simOptions: SimulatorOptions = {}, name = 'sync'): Promise<SyncHarness> {
  const sim = await startSimulator(simOptions);
  const database = await createTestDatabase(name);
  const db = createDb(database.url, 12);
  await migrateToLatest(db);
  const harness: SyncHarness = {
    sim,
    database,
    db,
    config: (extra = {}) => parseConfig(simulatorEnv(sim, database.url, extra)),
    client: (config = harness.config()) =>
      createPancakeClient({ baseUrl: config.baseUrl, accessToken: config.accessToken ?? '', pageTokens: config.pageTokens, rateLimit: config.rateLimitPerSecond, retries: config.retries, retryMinDelayMs: 20, timeoutMs: config.timeoutMs, concurrency: config.concurrency }),
    sync: (options = {}, extra = {}) => {
      const config = harness.config(extra);
      return runSync({ config, db, client: harness.client(config), log: silentLogger }, options);
    },
    async close() {
      await db.destroy();
      await database.drop();
      await sim.close();
    },
  };
  return harness;
}

/** Every synced table with its primary key (bookkeeping that holds run times left out). */
export async function syncedTables(db: Kysely<Database>): Promise<Array<[string, string]>> {
  const { rows } = await sql<{ table_name: string; key: string }>`
    select c.table_name, string_agg(k.column_name, ', ' order by k.ordinal_position) as key
    from information_schema.table_constraints c
    join information_schema.key_column_usage k using (constraint_schema, constraint_name)
    where c.table_schema = 'pancake' and c.constraint_type = 'PRIMARY KEY'
      and c.table_name not in ('sync_runs', 'sync_state', 'kysely_migration', 'kysely_migration_lock')
    group by c.table_name order by c.table_name`.execute(db);
  return rows.map((r) => [`pancake.${r.table_name}`, r.key]);
}

/** The warehouse at `url` equals the reference, table by table and row by row; returns the rows compared. */
export async function expectSameTables(reference: Kysely<Database>, url: string, label: string): Promise<number> {
  const db = createDb(url, 2);
  let rows = 0;
  try {
    for (const [table, key] of await syncedTables(reference)) {
      const expected = await tableRows(reference, table, key);
      const actual = await tableRows(db, table, key);
      expect(actual.length, `${label}: ${table} row count`).toBe(expected.length);
      expect(actual, `${label}: ${table}`).toEqual(expected);
      rows += expected.length;
    }
  } finally {
    await db.destroy();
  }
  return rows;
}

/** Every row of a table ordered by its key, without synced_at: what "identical tables" compares. */
export async function tableRows(db: Kysely<Database>, table: string, orderBy: string): Promise<unknown[]> {
  const { rows } = await sql.raw<Record<string, unknown>>(`select * from ${table} order by ${orderBy}`).execute(db);
  return rows.map(({ synced_at: _synced, updated_at: updatedAt, ...rest }) => (table.endsWith('_state') ? rest : { ...rest, updated_at: updatedAt }));
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (TypeScript through tsx) in a child process; `kill` sends SIGKILL unless told otherwise. */
export function runCli(args: string[], env: Env, options: CliSpawnOptions = {}): Promise<CliResult> {
  return runNodeCli(['--import', 'tsx', 'src/cli.ts'], args, env, options);
}

export interface CliSpawnOptions {
  /** Called once the child runs: how to signal it, and its pid. */
  onSpawn?: (kill: (signal?: NodeJS.Signals) => void, pid: number) => void;
}

/** Node with `entry` (a loader and a script, or a compiled script) and `args`, in the repo, with only `env`. */
export function runNodeCli(entry: string[], args: string[], env: Env, options: CliSpawnOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entry, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    options.onSpawn?.((signal = 'SIGKILL') => child.kill(signal), child.pid ?? 0);
  });
}

/**
 * Waits for the next whole second. Runs cover half-open ranges of whole seconds ending at "now"
 * (tests run without a safety lag), so a change made in the current second belongs to the next
 * run's range: a test that changes the shop and syncs at once waits for the second to end first.
 */
export async function afterThisSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1005 - (Date.now() % 1000)));
}
