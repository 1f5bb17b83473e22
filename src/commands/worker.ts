import { hostname } from 'node:os';
import { Command } from 'commander';
import { requireCredentials } from '../config.js';
import { runWorker } from '../queue/worker.js';
import { flagHelp, parseFlag } from './flags.js';
import { REAP_INTERVAL_RULE, requireDatabaseUrl, SHUTDOWN_TIMEOUT_RULE, WORKER_CONCURRENCY_RULE } from './queue-flags.js';
import { clientFromConfig, loadContext, withExitCode } from './command-context.js';

interface WorkerFlags {
  concurrency: string;
  name?: string;
  shutdownTimeout: string;
  reapInterval: string;
}

export function workerCommand(): Command {
  return new Command('worker')
    .description('run page tasks from the queue (see `enqueue`) until SIGTERM; start as many as you like, on any machine that reaches DATABASE_URL')
    .option('--concurrency <n>', flagHelp('page tasks at once in this worker (SYNC_CONCURRENCY still caps its requests in flight)', WORKER_CONCURRENCY_RULE), '4')
    .option('--name <name>', 'how queue-status names this worker (default: host:pid)')
    .option('--shutdown-timeout <duration>', flagHelp('on SIGTERM/SIGINT, how long running tasks may take to finish before they are handed back', SHUTDOWN_TIMEOUT_RULE), '30s')
    .option('--reap-interval <duration>', flagHelp('how often to hand back the tasks of workers that died (crashed, killed, lost their machine)', REAP_INTERVAL_RULE), '10s')
    .action(withExitCode(async (flags: WorkerFlags) => {
      const { config, log } = loadContext();
      requireCredentials(config);
      const databaseUrl = requireDatabaseUrl(config, 'worker');
      const concurrency = parseFlag('--concurrency', WORKER_CONCURRENCY_RULE, flags.concurrency, '4');
      const shutdownTimeoutMs = parseFlag('--shutdown-timeout', SHUTDOWN_TIMEOUT_RULE, flags.shutdownTimeout, '30s');
      const reapIntervalMs = parseFlag('--reap-interval', REAP_INTERVAL_RULE, flags.reapInterval, '10s');
      const name = flags.name ?? `${hostname()}:${process.pid}`;
      // The header names the worker in the API's logs (and the simulator's request log).
      const client = clientFromConfig(config, log, { headers: { 'x-pancake-sync-worker': name } });
      return runWorker({ config, databaseUrl, log, name, concurrency, shutdownTimeoutMs, reapIntervalMs, client });
    }));
}
