import { join } from 'node:path';
import { Command } from 'commander';
import { sql, type Kysely } from 'kysely';
import { countMessages, startSimulator, type Simulator } from '../simulator/index.js';
import { runSync } from '../sync/runner.js';
import { describeUrl } from '../warehouse/db.js';
import type { Database } from '../warehouse/schema.js';
import { simulatorHistoryStart } from './simulator-settings.js';
import { printSummary } from './sync.js';
import { clientFromConfig, loadContext, openMigratedWarehouse, printTable, withExitCode } from './shared.js';

interface DemoFlags {
  keepRunning?: boolean;
}

/** The simulator answers locally, so the demo need not pace itself like a real shop's token. */
const DEMO_RATE_LIMIT = 50;

export function demoCommand(): Command {
  return new Command('demo')
    .description('start the simulator and a Postgres (embedded unless DATABASE_URL is set), run a full sync, print a summary')
    .option('--keep-running', 'keep the simulator and the embedded Postgres up after the summary, until Ctrl-C')
    .action(withExitCode(async (flags: DemoFlags) => {
      const started = Date.now();
      const { config: base, log } = loadContext();
      const simulator = await startSimulator({ seed: 1 });
      const historyStart = simulatorHistoryStart(simulator);
      // The demo keeps its own embedded database, apart from the one real syncs use.
      const config = {
        ...base,
        baseUrl: simulator.baseUrl,
        accessToken: simulator.userToken,
        pageTokens: new Map<string, string>(),
        pageIds: null,
        callCenterIds: new Map(simulator.data.pages.map((p) => [p.id, simulator.callCenterId(p.id)])),
        homeDir: join(base.homeDir, 'demo'),
        safetyLagMs: 0,
      };
      const warehouse = await openMigratedWarehouse(config, log);
      try {
        const client = clientFromConfig(config, log, { rateLimit: DEMO_RATE_LIMIT });
        const summary = await runSync({ config, db: warehouse.db, client, log }, { since: historyStart });
        printSummary(summary);

        const counts = await tableCounts(warehouse.db);
        const expected = simulatorCounts(simulator);
        process.stdout.write('\nWarehouse contents after the demo sync:\n');
        printTable(counts.map(({ table, rows }) => ({ table: `pancake.${table}`, rows, 'in simulator': expected[table] ?? '' })));
        const match = Object.entries(expected).every(([table, n]) => counts.find((c) => c.table === table)?.rows === n);
        process.stdout.write(`\n${match ? 'Every table the simulator can count matches it.' : 'MISMATCH: the warehouse differs from the simulator.'}\n`);
        process.stdout.write(`Time taken: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        // The embedded database's password is a local, throwaway one; a DATABASE_URL's is the user's own.
        process.stdout.write(`Connect a BI tool or psql to: ${warehouse.embedded ? warehouse.url : describeUrl(warehouse.url)}\n`);
        if (!flags.keepRunning) process.stdout.write(`(the ${warehouse.embedded ? 'embedded database stops' : 'simulator stops'} when the demo ends; run \`npm run demo -- --keep-running\` to keep it up)\n`);
        else {
          process.stdout.write(`Simulator: ${simulator.baseUrl} (PANCAKE_ACCESS_TOKEN=${simulator.userToken}). Press Ctrl-C to stop.\n`);
          await new Promise<void>((resolve) => {
            process.once('SIGINT', () => resolve());
            process.once('SIGTERM', () => resolve());
          });
        }
        log.debug({ database: describeUrl(warehouse.url) }, 'demo done');
        return match ? summary.exitCode : 1;
      } finally {
        await warehouse.close();
        await simulator.close();
      }
    }));
}

/** Rows per synced table (bookkeeping left out). */
async function tableCounts(db: Kysely<Database>): Promise<Array<{ table: string; rows: number }>> {
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'pancake' and table_type = 'BASE TABLE'
      and table_name not in ('sync_runs', 'sync_state', 'conversation_message_state', 'kysely_migration', 'kysely_migration_lock')
    order by table_name`.execute(db);
  const result: Array<{ table: string; rows: number }> = [];
  for (const { name } of tables) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(`pancake.${name}`)}`.execute(db);
    result.push({ table: name, rows: Number(rows[0]?.n ?? 0) });
  }
  return result;
}

/** What the simulator holds, for the tables that are one row per simulator record. */
function simulatorCounts(simulator: Simulator): Record<string, number> {
  const sum = <T>(map: Map<string, T[]>) => [...map.values()].reduce((n, list) => n + list.length, 0);
  return {
    pages: simulator.data.pages.length,
    conversations: sum(simulator.data.conversations),
    messages: countMessages(simulator.data),
    customers: sum(simulator.data.entities.customers),
    call_logs: sum(simulator.data.entities.callLogs),
    posts: sum(simulator.data.entities.posts),
    tags: sum(simulator.data.tags),
  };
}
