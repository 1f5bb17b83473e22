import { sql } from 'kysely';
import { expect } from 'vitest';
import { parseConfig, type Config, type Env } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createPancakeClient, type PancakeClient } from '../../src/pancake/client.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { runSync, type RunSummary, type SyncOptions } from '../../src/sync/runner.js';
import { createDb } from '../../src/warehouse/db.js';
import type { Database } from '../../src/warehouse/schema.js';
import type { Kysely } from 'kysely';
import { createMigratedDatabase, type TestDatabase } from './db.js';

export { REPO_ROOT, runCli, type CliResult, type CliSpawnOptions } from './compiled-cli.js';

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
  /** A sync in this process at the shop's clock (`sim.now()`). */
  sync(options?: SyncOptions, extra?: Env): Promise<RunSummary>;
  /**
   * A sync of the same shop into another warehouse, in this process, as `pancake-sync sync` would
   * make it there (at the real clock): where a test needs no process boundary, such as the run
   * after a killed one.
   */
  syncInto(url: string, options?: SyncOptions, extra?: Env): Promise<RunSummary>;
  /**
   * Moves the shop's clock (clock 'manual') one second on, changing nothing else. Runs read
   * half-open ranges of whole seconds up to their start (tests run without a safety lag), so a
   * change stamped in the current second is the next run's: this is how a test gets there, instead
   * of waiting for the real second to end.
   */
  nextSecond(): Date;
  close(): Promise<void>;
}

/**
 * The `now` of a manual clock when the test gives none: a whole second a few minutes before the real
 * clock. Simulated time must stay behind the real one (a stored watermark counts only up to the
 * moment it was written, src/warehouse/state.ts), and a test moves it on by a few seconds at most.
 */
export function manualClockStart(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000);
}

/**
 * A simulator, a migrated database of its own (a copy of the run's template, db.ts) and a sync
 * between them. With `clock: 'manual'`
 * (and no `now`, manualClockStart()) the shop's clock moves only when the test moves it
 * (`nextSecond`, `sim.advanceTo`), and every `sync()` runs at it.
 */
export async function createSyncHarness(simOptions: SimulatorOptions = {}, name = 'sync'): Promise<SyncHarness> {
  const sim = await startSimulator(simOptions.clock === 'manual' ? { now: manualClockStart(), ...simOptions } : simOptions);
  const database = await createMigratedDatabase(name);
  const db = createDb(database.url, 12);
  const harness: SyncHarness = {
    sim,
    database,
    db,
    config: (extra = {}) => parseConfig(simulatorEnv(sim, database.url, extra)),
    client: (config = harness.config()) =>
      createPancakeClient({ baseUrl: config.baseUrl, accessToken: config.accessToken ?? '', pageTokens: config.pageTokens, rateLimit: config.rateLimitPerSecond, retries: config.retries, retryMinDelayMs: 20, timeoutMs: config.timeoutMs, concurrency: config.concurrency }),
    sync: (options = {}, extra = {}) => {
      const config = harness.config(extra);
      return runSync({ config, db, client: harness.client(config), log: silentLogger, now: sim.now() }, options);
    },
    async syncInto(url, options = {}, extra = {}) {
      const config = harness.config({ ...extra, DATABASE_URL: url });
      const other = createDb(url, config.concurrency + 4);
      try {
        return await runSync({ config, db: other, client: harness.client(config), log: silentLogger }, options);
      } finally {
        await other.destroy();
      }
    },
    nextSecond() {
      if (simOptions.clock !== 'manual') throw new Error('nextSecond() needs a harness with clock: \'manual\'');
      const next = new Date(sim.now().getTime() + 1000);
      sim.advanceTo(next, false);
      return next;
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

/** Every synced table's rows (tableRows), read once: a reference that many trials compare with. */
export interface TablesSnapshot {
  tables: Array<{ table: string; key: string; rows: unknown[] }>;
}

export async function snapshotTables(db: Kysely<Database>): Promise<TablesSnapshot> {
  const tables: TablesSnapshot['tables'] = [];
  for (const [table, key] of await syncedTables(db)) tables.push({ table, key, rows: await tableRows(db, table, key) });
  return { tables };
}

/**
 * The warehouse at `url` equals the reference (a database, or its snapshot when many trials compare
 * with the same one), table by table and row by row; returns the rows compared.
 */
export async function expectSameTables(reference: Kysely<Database> | TablesSnapshot, url: string, label: string): Promise<number> {
  const expectedTables = 'selectFrom' in reference ? await snapshotTables(reference) : reference;
  const db = createDb(url, 2);
  let rows = 0;
  try {
    for (const { table, key, rows: expected } of expectedTables.tables) {
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
