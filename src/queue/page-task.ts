import type { Task } from 'graphile-worker';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { PancakeClient } from '../pancake/client.js';
import { isSettled, pageCounts, syncPage, type PageSyncSink } from '../sync/page-sync.js';
import type { ProgressReporter } from '../sync/progress.js';
import { selectStreams } from '../sync/registry.js';
import { buildSettings } from '../sync/runner.js';
import type { Database } from '../warehouse/schema.js';
import { withLockSession } from '../warehouse/locks.js';
import { recordPageHealth, recordTaskResult } from '../warehouse/runs.js';
import type { Liveness } from './liveness.js';
import { parsePageTaskPayload } from './queue.js';

export interface PageTaskDeps {
  config: Config;
  db: Kysely<Database>;
  client: PancakeClient;
  log: Logger;
  liveness: Liveness;
  progress: ProgressReporter;
}

/** Thrown so that graphile-worker retries the task (with its backoff) or, on the last attempt, keeps it as failed. */
export class PageTaskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PageTaskError';
  }
}

/**
 * The `sync_page` task: the selected streams of one page, exactly as `sync` runs them (same
 * per-(page, stream) locks and checkpoints), so a task that is run again after a crash
 * resumes from the last commit and duplicates nothing.
 */
export function pageTask(deps: PageTaskDeps): Task {
  return async (rawPayload, helpers) => {
    const payload = parsePageTaskPayload(rawPayload);
    const { job } = helpers;
    const pageId = payload.page.id;
    const log = deps.log.child({ pageId, runId: payload.runId, jobId: job.id, attempt: job.attempts });
    await deps.liveness.ready;
    // Throwing leaves the job alone: graphile-worker only fails a job that is still locked by us.
    if (!(await deps.liveness.ownsJob(job.id))) throw new PageTaskError(`the task of page ${pageId} was handed to another worker while this one was starting; leaving it to that worker`);

    const streams = selectStreams(payload.streams);
    const settings = buildSettings(deps.config, { since: payload.since ? new Date(payload.since) : null, until: payload.until ? new Date(payload.until) : null, sweep: payload.sweep === true }, new Date());
    const sink: PageSyncSink = { outcomes: [], failures: [], health: {} };
    const requestsBefore = deps.client.stats.byPage?.get(pageId) ?? 0;
    // The rate-limit wait budget of a run counts this task's waits, not the worker's earlier tasks'.
    deps.client.pacing.startRun(pageId);
    log.info({ streams: payload.streams }, `page ${pageId}: task started (attempt ${job.attempts} of ${job.max_attempts})`);
    await withLockSession(deps.db, (locks) =>
      syncPage({ config: deps.config, db: deps.db, client: deps.client, log: deps.log, streams, settings, locks, progress: deps.progress }, payload.page, sink),
    );
    const requests = (deps.client.stats.byPage?.get(pageId) ?? 0) - requestsBefore;
    const health = sink.health?.[pageId];
    if (health) await recordPageHealth(deps.db, payload.runId, pageId, health);

    // Only a page whose every stream is done (or unavailable) is done. `skipped_locked` means another
    // process (an in-process `sync`) holds a stream of this page: retried later, like a failure.
    const notDone = sink.outcomes.filter((o) => !isSettled(o.status));
    const ok = notDone.length === 0 && sink.failures.length === 0;
    const settled = ok || job.attempts >= job.max_attempts;
    const runStatus = await recordTaskResult(deps.db, payload.runId, { pageId, page: pageCounts(sink.outcomes), failures: sink.failures, requests, settled });
    if (runStatus) log.info({ status: runStatus }, `run ${payload.runId} finished: ${runStatus}`);
    if (ok) {
      log.info({ requests }, `page ${pageId}: task done`);
      return;
    }
    const reasons = sink.failures.length > 0 ? sink.failures.map((f) => `${f.stream ?? 'page'}: ${f.message}`) : notDone.map((o) => `${o.stream}: ${o.status}`);
    throw new PageTaskError(`page ${pageId}: ${reasons.join('; ')}${settled ? ' (last attempt: reported as failed)' : ' (will be retried)'}`);
  };
}
