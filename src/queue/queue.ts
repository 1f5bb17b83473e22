import type { Logger as GraphileLogger } from 'graphile-worker';
import pg from 'pg';
import type { Logger } from '../logger.js';
import type { PageInfo } from '../sync/stream.js';
import { QUEUE_SCHEMA } from '../warehouse/runs.js';

// The job queue is graphile-worker, in the warehouse's own Postgres (docs/workers.md says why).
// A run is one task per page; every task of a page goes to that page's named queue, which
// graphile-worker runs strictly one job at a time across all workers: that is what keeps a page's
// token and checkpoints single-writer without any locking of our own. Its SQL (the queue's schema,
// jobs, workers' sessions) is in src/warehouse/runs/.
// graphile-worker (with cosmiconfig and js-yaml behind it) is imported where it is used, never at the
// top: most commands (`sync`, `status`, `--help`) only need the names below, and loading it would
// cost each of them a good part of its start-up (test/integration/cli-loaded-modules.test.ts).

/** The task identifier of "sync the selected streams of one page". */
export const PAGE_TASK = 'sync_page';

/** One named queue per page: graphile-worker never runs two jobs of one queue at once. */
export function pageQueueName(pageId: string): string {
  return `page:${pageId}`;
}

export function pageIdOfQueue(queueName: string | null): string | null {
  return queueName?.startsWith('page:') ? queueName.slice('page:'.length) : null;
}

/** Unique per run and page, so status can tell a task's run from graphile-worker's public `jobs` view. */
export function pageJobKey(runId: string, pageId: string): string {
  return `run:${runId}:page:${pageId}`;
}

export function runIdOfJobKey(key: string | null): string | null {
  return /^run:(\d+):page:/.exec(key ?? '')?.[1] ?? null;
}

/** What `enqueue` puts in a task: everything a worker needs without listing pages again. */
export interface PageTaskPayload {
  /** The sync_runs row the task reports into. */
  runId: string;
  page: PageInfo;
  /** Stream names in run order; never empty. */
  streams: string[];
  /** `--since` / `--until` as ISO strings, or null. */
  since: string | null;
  until: string | null;
  /** `--sweep`; absent in tasks queued by earlier versions. */
  sweep?: boolean;
}

export class InvalidTaskPayloadError extends Error {
  constructor(detail: string) {
    super(`Not a pancake-sync page task (${detail}). Queue runs with \`pancake-sync enqueue\`; delete this job from ${QUEUE_SCHEMA} if something else added it.`);
    this.name = 'InvalidTaskPayloadError';
  }
}

/** Checks a payload read back from the queue: it is JSON that anyone with SQL access could have written. */
export function parsePageTaskPayload(raw: unknown): PageTaskPayload {
  const value = raw as Partial<Record<keyof PageTaskPayload, unknown>> | null;
  if (typeof value !== 'object' || value === null) throw new InvalidTaskPayloadError('payload is not an object');
  const page = value.page as Partial<Record<keyof PageInfo, unknown>> | null | undefined;
  if (typeof value.runId !== 'string' || !/^\d+$/.test(value.runId)) throw new InvalidTaskPayloadError('runId must be a sync_runs id');
  if (!page || typeof page.id !== 'string' || typeof page.timezone !== 'string') throw new InvalidTaskPayloadError('page must have an id and a timezone');
  if (!Array.isArray(value.streams) || value.streams.length === 0 || !value.streams.every((s) => typeof s === 'string')) throw new InvalidTaskPayloadError('streams must be a list of stream names');
  const instant = (name: 'since' | 'until'): string | null => {
    const v = value[name];
    if (v === null || v === undefined) return null;
    if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw new InvalidTaskPayloadError(`${name} must be an ISO instant or null`);
    return v;
  };
  return {
    runId: value.runId,
    page: { id: page.id, name: typeof page.name === 'string' ? page.name : null, timezone: page.timezone, ...(typeof page.status === 'string' && { status: page.status }) },
    streams: value.streams as string[],
    since: instant('since'),
    until: instant('until'),
    ...(value.sweep === true && { sweep: true }),
  };
}

/**
 * graphile-worker, loaded on first use (see the top of this file). It is a CommonJS package: its
 * exports are taken from the default export, which Node and a bundle (esbuild gives a CommonJS
 * module imported on demand no named exports) both provide.
 */
export async function loadGraphileWorker(): Promise<typeof import('graphile-worker')> {
  return (await import('graphile-worker')).default;
}

/**
 * A pg pool for graphile-worker. An idle client's error (server restarted, backend terminated)
 * must not crash the process: the next query on it reports the problem where it can be handled.
 */
export function createQueuePool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * Creates or upgrades graphile-worker's own tables. Safe when several processes start at once:
 * graphile-worker serializes its migrations with an advisory lock.
 */
export async function migrateQueue(pool: pg.Pool, log: Logger): Promise<void> {
  const { runMigrations } = await loadGraphileWorker();
  await runMigrations({ pgPool: pool, schema: QUEUE_SCHEMA, logger: await graphileLogger(log) });
}

/**
 * graphile-worker's log lines through our pino logger (so tokens are masked like everywhere else).
 * Its `info` lines are per-job chatter; they go to debug.
 */
export async function graphileLogger(log: Logger): Promise<GraphileLogger> {
  const { Logger: GraphileLogger } = await loadGraphileWorker();
  const queueLog = log.child({ component: 'graphile-worker' });
  return new GraphileLogger(() => (level, message) => {
    if (level === 'error') queueLog.error(message);
    else if (level === 'warning') queueLog.warn(message);
    else queueLog.debug(message);
  });
}
