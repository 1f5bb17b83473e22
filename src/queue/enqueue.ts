import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { PancakeClient } from '../pancake/client.js';
import { EmptyPageListError } from '../sync/errors.js';
import { allListed, resolveRunPages, storeBarePages, storePages } from '../sync/pages.js';
import { expiryWarning, tokenExpiry, userTokenRefusedLine } from '../sync/user-token.js';
import { selectStreams } from '../sync/registry.js';
import type { SyncOptions } from '../sync/runner.js';
import type { PageInfo } from '../sync/stream.js';
import type { Database } from '../warehouse/schema.js';
import { finishRun, recordPagesListed, runStatus, startQueuedRun, startRun, type RunFailure } from '../warehouse/runs.js';
import { PAGE_TASK, pageJobKey, pageQueueName, type PageTaskPayload } from './queue.js';

export interface EnqueueOptions extends SyncOptions {
  /** Attempts per task before it is reported as failed (graphile-worker's max_attempts). */
  maxAttempts: number;
}

export interface EnqueueResult {
  runId: string;
  /** Pages that got a task. */
  pages: PageInfo[];
  /** Requested pages the token cannot read (recorded as the run's failures). */
  missing: string[];
  streams: string[];
  /** Pancake refused PANCAKE_ACCESS_TOKEN: the pages with a stored token were queued; this says so. */
  userTokenRefused: string | null;
}

/**
 * Puts a run on the queue: one task per page, each in its page's named queue. The sync_runs row
 * and the tasks are written in one transaction (startQueuedRun), so a run never exists without its
 * tasks (or tasks without their run).
 */
export async function enqueueRun(deps: { config: Config; db: Kysely<Database>; client: PancakeClient; log: Logger }, options: EnqueueOptions): Promise<EnqueueResult> {
  const { config, db, client, log } = deps;
  const streams = selectStreams(options.streams).map((s) => s.name);
  const now = new Date();
  const expiresAt = config.accessToken ? tokenExpiry(config.accessToken) : null;
  const expiring = expiryWarning(expiresAt, now);
  if (expiring !== null) log.warn({ expiresAt }, expiring);
  const resolved = await resolveRunPages({ client, config, db, log }, options.pages ?? null);
  const refusedLine = resolved.userTokenRefused === null ? null : userTokenRefusedLine(resolved.userTokenRefused, { synced: resolved.pages.length, withoutToken: resolved.withoutToken, expiresAt, now, queued: true });
  if (refusedLine !== null) log.error({ kind: 'user_token_refused' }, refusedLine);
  const userToken = config.accessToken ? { expiresAt, state: resolved.userTokenRefused === null ? 'accepted' : 'refused' } : null;
  if (resolved.listed) {
    try {
      await storePages(db, resolved.listed, null, resolved.pages);
    } catch (error) {
      // A failed run that saw no page: the next enqueue that sees none too believes it (see storePages).
      if (error instanceof EmptyPageListError) {
        const id = await startRun(db, { streams, mode: 'queue', queuedPages: [] });
        await recordPagesListed(db, id, 0);
        const errors = [{ pageId: null, stream: null, kind: error.name, message: error.message }];
        await finishRun(db, id, { status: runStatus({ interrupted: false, failures: errors.length, streamStatuses: [] }), counts: {}, errors, requests: client.stats.requests });
      }
      throw error;
    }
  } else await storeBarePages(db, resolved.pages);
  const failures: RunFailure[] = resolved.missing.map((id) => ({ pageId: id, stream: null, kind: 'not_found', message: `page ${id} is not among the pages this token can read; check PANCAKE_PAGE_IDS / --pages` }));
  if (refusedLine !== null) failures.push({ pageId: null, stream: null, kind: 'user_token_refused', message: refusedLine });
  for (const message of resolved.refused) {
    log.warn(message);
    failures.push({ pageId: null, stream: null, kind: 'invalid_page_id', message });
  }
  const since = options.since?.toISOString() ?? null;
  const until = options.until?.toISOString() ?? null;

  const runOptions = { streams, pages: options.pages ?? null, since, until, ...(options.sweep && { sweep: true }), mode: 'queue', maxAttempts: options.maxAttempts, queuedPages: resolved.pages.map((p) => p.id) };
  // Listing the pages is part of the run's cost; missing pages are its failures from the start.
  const runId = await startQueuedRun(db, { options: runOptions, failures, requests: client.stats.requests, pagesListed: resolved.listed ? allListed(resolved.listed).length : null, userToken }, (id) =>
    resolved.pages.map((page) => {
      const payload: PageTaskPayload = { runId: id, page, streams, since, until, ...(options.sweep && { sweep: true }) };
      return { identifier: PAGE_TASK, payload, queue_name: pageQueueName(page.id), max_attempts: options.maxAttempts, job_key: pageJobKey(id, page.id) };
    }),
  );
  // Nothing for a worker to settle: the run ends here (failed when pages were missing).
  if (resolved.pages.length === 0) await finishRun(db, runId, { status: runStatus({ interrupted: false, failures: failures.length, streamStatuses: [] }), counts: {}, errors: failures, requests: client.stats.requests });
  log.info({ runId, pages: resolved.pages.length, streams, missing: resolved.missing }, 'run queued');
  return { runId, pages: resolved.pages, missing: resolved.missing, streams, userTokenRefused: refusedLine };
}
