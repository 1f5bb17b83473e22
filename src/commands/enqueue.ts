import { Command } from 'commander';
import { requireCredentials } from '../config.js';
import { EXIT_INCOMPLETE, EXIT_OK } from '../errors.js';
import { enqueueRun } from '../queue/enqueue.js';
import { createQueuePool, migrateQueue } from '../queue/queue.js';
import { flagHelp, parseFlag } from './flags.js';
import { MAX_ATTEMPTS_RULE, requireDatabaseUrl } from './queue-flags.js';
import { addRunOptions, parseRunOptions, type RunFlags } from './run-options.js';
import { clientFromConfig, loadContext, openMigratedWarehouse, withExitCode } from './command-context.js';

interface EnqueueFlags extends RunFlags {
  maxAttempts: string;
  json?: boolean;
}

/** Default attempts per task: the client already retries each request; a task failing 5 times is broken. */
export const DEFAULT_MAX_ATTEMPTS = 5;

export function enqueueCommand(): Command {
  return addRunOptions(new Command('enqueue').description('put a run on the queue, one task per page, for `pancake-sync worker` processes to share'))
    .option('--max-attempts <n>', flagHelp('attempts per page task before it is reported as failed (retries back off exponentially)', MAX_ATTEMPTS_RULE), String(DEFAULT_MAX_ATTEMPTS))
    .option('--json', 'print the queued run as JSON on stdout')
    .action(withExitCode(async (flags: EnqueueFlags) => {
      const { config, log } = loadContext();
      requireCredentials(config);
      const databaseUrl = requireDatabaseUrl(config, 'enqueue');
      const maxAttempts = parseFlag('--max-attempts', MAX_ATTEMPTS_RULE, flags.maxAttempts, '5');
      const options = { ...parseRunOptions(flags, new Date()), maxAttempts };
      const warehouse = await openMigratedWarehouse({ ...config, databaseUrl }, log);
      const queuePool = createQueuePool(warehouse.url, 2);
      try {
        await migrateQueue(queuePool, log);
        const result = await enqueueRun({ config, db: warehouse.db, client: clientFromConfig(config, log), log }, options);
        if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else {
          process.stdout.write(`Run ${result.runId}: ${result.pages.length} page task(s) queued (streams: ${result.streams.join(', ')}), at most ${maxAttempts} attempt(s) each.\n`);
          for (const id of result.missing) process.stdout.write(`  not queued: page ${id} is not among the pages this token can read\n`);
          if (result.userTokenRefused !== null) process.stdout.write(`  ${result.userTokenRefused}\n`);
          process.stdout.write('Workers (`pancake-sync worker`) pick them up; follow them with `pancake-sync queue-status`.\n');
        }
        return result.missing.length > 0 || result.userTokenRefused !== null ? EXIT_INCOMPLETE : EXIT_OK;
      } finally {
        await queuePool.end();
        await warehouse.close();
      }
    }));
}
