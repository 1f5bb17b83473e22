import { join } from 'node:path';
import type { Command } from 'commander';
import { EXIT_INCOMPLETE } from '../errors.js';
import { SENDER_KINDS, countMessages, countSenderKinds, startSimulator, type Simulator } from '../simulator/index.js';
import { runSync } from '../sync/runner.js';
import { describeUrl } from '../warehouse/db.js';
import { messagesPerSenderKind, rowsPerTable } from '../warehouse/row-counts.js';
import { simulatorHistoryStart } from './simulator-settings.js';
import { printSummary } from './sync.js';
import { clientFromConfig, loadContext, openMigratedWarehouse, withExitCode } from './command-context.js';
import { printTable } from './print-table.js';
import { flagHelp, parseFlag } from './flags.js';
import { wholeNumberRule } from '../rules.js';

interface DemoFlags {
  keepRunning?: boolean;
  conversations: string;
}

/** Conversations per page of the demo's shop: the simulator's default, or fewer for a quicker demo. */
const CONVERSATIONS_RULE = wholeNumberRule(1, 10_000);

/** The simulator answers locally, so the demo need not pace itself like a real shop's token. */
const DEMO_RATE_LIMIT = 50;

/** The options and action of `demo`, declared in simulator-commands.ts. */
export function defineDemo(command: Command): void {
  command
    .option('--keep-running', 'keep the simulator and the embedded Postgres up after the summary, until Ctrl-C')
    .option('--conversations <n>', flagHelp('conversations per page of the simulated shop', CONVERSATIONS_RULE), '120')
    .action(withExitCode(async (flags: DemoFlags) => {
      const started = Date.now();
      const conversationsPerPage = parseFlag('--conversations', CONVERSATIONS_RULE, flags.conversations, '120');
      const { config: base, log } = loadContext();
      const simulator = await startSimulator({ seed: 1, conversationsPerPage });
      // The simulator is closed whatever fails after it started (a warehouse that cannot be opened
      // too): its listening server would otherwise keep the process alive after the error was printed.
      try {
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

          const counts = await rowsPerTable(warehouse.db);
          const expected = simulatorCounts(simulator);
          process.stdout.write('\nWarehouse contents after the demo sync:\n');
          printTable(counts.map(({ table, rows }) => ({ table: `pancake.${table}`, rows, 'in simulator': expected[table] ?? '' })));
          // The shop behaves like a real one: bots, automatic notices and ad clicks among the messages.
          const kinds = await messagesPerSenderKind(warehouse.db);
          const expectedKinds = countSenderKinds(simulator.data);
          process.stdout.write('\nMessages by sender_kind (who sent them):\n');
          printTable(SENDER_KINDS.map((kind) => ({ sender_kind: kind, rows: kinds.get(kind) ?? 0, 'in simulator': expectedKinds[kind] })));
          const match =
            Object.entries(expected).every(([table, n]) => counts.find((c) => c.table === table)?.rows === n) &&
            SENDER_KINDS.every((kind) => (kinds.get(kind) ?? 0) === expectedKinds[kind]);
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
          return match ? summary.exitCode : EXIT_INCOMPLETE;
        } finally {
          await warehouse.close();
        }
      } finally {
        await simulator.close();
      }
    }));
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
    // Every click of the conversation list's ads[] (the messages answers repeat them).
    ad_clicks: [...simulator.data.conversationById.values()].reduce((n, c) => n + (Array.isArray(c.ads) ? c.ads.length : 0), 0),
  };
}
