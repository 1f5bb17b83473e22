import { join } from 'node:path';
import { Command } from 'commander';
import { sql } from 'kysely';
import { countMessages, startSimulator } from '../simulator/index.js';
import { runSync } from '../sync/runner.js';
import { describeUrl } from '../warehouse/db.js';
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
      const historyStart = new Date(simulator.data.now.getTime() - 121 * 86_400_000);
      // The demo keeps its own embedded database, apart from the one real syncs use.
      const config = {
        ...base,
        baseUrl: simulator.baseUrl,
        accessToken: simulator.userToken,
        pageTokens: new Map<string, string>(),
        pageIds: null,
        homeDir: join(base.homeDir, 'demo'),
        safetyLagMs: 0,
      };
      const warehouse = await openMigratedWarehouse(config, log);
      try {
        const client = clientFromConfig(config, log, { rateLimit: DEMO_RATE_LIMIT });
        const summary = await runSync({ config, db: warehouse.db, client, log }, { since: historyStart });
        printSummary(summary);

        const counts = await sql<{ table: string; rows: string }>`
          select 'pages' as table, count(*) as rows from pancake.pages
          union all select 'conversations', count(*) from pancake.conversations
          union all select 'messages', count(*) from pancake.messages`.execute(warehouse.db);
        let simulatorConversations = 0;
        for (const list of simulator.data.conversations.values()) simulatorConversations += list.length;
        const expected: Record<string, number> = {
          pages: simulator.data.pages.length,
          conversations: simulatorConversations,
          messages: countMessages(simulator.data),
        };
        process.stdout.write('\nWarehouse contents after the demo sync:\n');
        printTable(counts.rows.map((r) => ({ table: `pancake.${r.table}`, rows: Number(r.rows), 'in simulator': expected[r.table] ?? null })));
        const match = counts.rows.every((r) => Number(r.rows) === expected[r.table]);
        process.stdout.write(`\n${match ? 'Every table matches the simulator.' : 'MISMATCH: the warehouse differs from the simulator.'}\n`);
        process.stdout.write(`Time taken: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        process.stdout.write(`Connect a BI tool or psql to: ${warehouse.url}\n`);
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
