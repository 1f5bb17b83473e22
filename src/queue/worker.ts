import type { Config } from '../config.js';
import { EXIT_INCOMPLETE, EXIT_OK, type ExitCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PancakeClient } from '../pancake/client.js';
import { createProgress } from '../sync/progress.js';
import { openWarehouse } from '../warehouse/db.js';
import { migrateToLatest } from '../warehouse/migrate.js';
import { openLiveness } from './liveness.js';
import { settleLostTasks } from './lost-tasks.js';
import { pageTask } from './page-task.js';
import { QUEUE_SCHEMA } from '../warehouse/runs.js';
import { PAGE_TASK, createQueuePool, graphileLogger, loadGraphileWorker, migrateQueue } from './queue.js';

export interface WorkerOptions {
  config: Config;
  /** DATABASE_URL: workers only make sense on a Postgres they all reach. */
  databaseUrl: string;
  log: Logger;
  /** Shown by queue-status and sent to the API as `x-pancake-sync-worker`. */
  name: string;
  /** Page tasks this worker runs at once (SYNC_CONCURRENCY still caps its requests in flight). */
  concurrency: number;
  /** On SIGTERM/SIGINT, how long running tasks may take to finish before they are handed back. */
  shutdownTimeoutMs: number;
  /** How often to look for tasks held by workers that are gone. */
  reapIntervalMs: number;
  /** The API client; built by the command (it carries the worker header). */
  client: PancakeClient;
}

/** How often an idle worker looks for due tasks (new tasks also arrive by LISTEN/NOTIFY at once). */
const POLL_INTERVAL_MS = 1000;

/**
 * Runs page tasks from the queue until SIGTERM/SIGINT. Returns the exit code: EXIT_OK after a
 * clean stop, EXIT_INCOMPLETE when the queue itself failed. A stop first lets running tasks finish;
 * when they take longer than `shutdownTimeoutMs` (or a second signal comes), the process exits at
 * once and its tasks go back to the queue: the next look of any worker for dead workers releases
 * them, and the checkpoints make the re-run resume where this one stopped.
 */
export async function runWorker(options: WorkerOptions): Promise<ExitCode> {
  const { config, log, name, concurrency, client } = options;
  // Connections: each running task has one of its own and commits through 4 shared
  // ones (commits are short; more would only spend the server's max_connections, which every
  // worker draws on); graphile-worker needs one to LISTEN and a few for its short queries; plus
  // the liveness session. So concurrency + 9 per worker (docs/workers.md).
  const warehouse = await openWarehouse({ databaseUrl: options.databaseUrl, homeDir: config.homeDir, preparedStatements: config.preparedStatements, poolSize: concurrency + 4, logger: log });
  const queuePool = createQueuePool(warehouse.url, 4);
  const cleanups: Array<() => Promise<void>> = [() => queuePool.end(), () => warehouse.close()];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
  };
  try {
    await migrateToLatest(warehouse.db, { log });
    await migrateQueue(queuePool, log);
    const liveness = await openLiveness(warehouse.url, name, log, (error) => {
      // No cleanup: another worker may be taking this one's pages over right now, so nothing this
      // process still has in flight may reach the warehouse. Exiting drops every connection.
      log.fatal({ err: error }, `worker ${name} lost its liveness connection to Postgres: exiting so that its tasks can be handed back safely`);
      process.exit(EXIT_INCOMPLETE);
    });
    cleanups.push(() => liveness.close());
    const progress = createProgress({ log, target: { isTTY: false, write: () => true }, requests: () => client.stats.requests });
    cleanups.push(async () => progress.stop());
    const running = new Set<string>();
    const task = pageTask({ config, db: warehouse.db, client, log, liveness, progress });
    const { runTaskList } = await loadGraphileWorker();
    const pool = runTaskList(
      { schema: QUEUE_SCHEMA, logger: await graphileLogger(log), concurrency, noHandleSignals: true, pollInterval: POLL_INTERVAL_MS },
      {
        [PAGE_TASK]: async (payload, helpers) => {
          const pageId = (payload as { page?: { id?: string } } | null)?.page?.id ?? '?';
          running.add(pageId);
          try {
            await task(payload, helpers);
          } finally {
            running.delete(pageId);
          }
        },
      },
      queuePool,
    );
    await liveness.claim(pool.id);
    log.info({ worker: name, pool: pool.id, concurrency }, `worker ${name} started: up to ${concurrency} page task(s) at once`);

    // One round: keep our own locks fresh, hand back the tasks of dead workers, report the ones
    // that died on their last attempt.
    let reaping = false;
    const reap = async () => {
      if (reaping) return; // a slow round is still going: skip this tick
      reaping = true;
      try {
        await liveness.heartbeat();
        await settleLostTasks(warehouse.db, await liveness.reapDeadWorkers(), log);
      } catch (error) {
        log.error({ err: error }, 'could not look for the tasks of dead workers; trying again later');
      } finally {
        reaping = false;
      }
    };
    await reap();
    const reaper = setInterval(() => void reap(), options.reapIntervalMs);
    cleanups.push(async () => clearInterval(reaper));

    let handBackTimer: NodeJS.Timeout | undefined;
    const handBack = () => {
      log.warn({ pages: [...running] }, `worker ${name}: handing back ${running.size} running task(s); another worker resumes them from their last checkpoint`);
      process.exit(EXIT_OK);
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (handBackTimer !== undefined) return handBack();
      log.info({ pages: [...running] }, `worker ${name}: ${signal}: taking no new tasks; ${running.size} running task(s) get ${Math.round(options.shutdownTimeoutMs / 1000)} s to finish (signal again to hand them back now)`);
      handBackTimer = setTimeout(handBack, options.shutdownTimeoutMs);
      void pool.gracefulShutdown(`${signal} received`);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    cleanups.push(async () => {
      clearTimeout(handBackTimer);
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    });

    try {
      await pool.promise;
      log.info(`worker ${name} stopped`);
      return EXIT_OK;
    } catch (error) {
      log.error({ err: error }, `worker ${name}: the queue failed: ${error instanceof Error ? error.message : String(error)}`);
      return EXIT_INCOMPLETE;
    }
  } finally {
    await cleanup();
  }
}
