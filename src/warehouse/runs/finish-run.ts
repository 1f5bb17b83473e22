import { sql } from 'kysely';
import type { Logger } from '../../logger.js';
import { redactValue } from '../../redact.js';
import { retryOnConnectionLoss } from '../connection.js';
import type { Queryable } from '../table-spec.js';
import type { PageHealth, RunFailure, RunWarning } from './record.js';
import type { RunStatus } from './run-status.js';

export interface RunOutcome {
  status: RunStatus;
  counts: unknown;
  errors: RunFailure[];
  requests: number;
  warnings?: RunWarning[];
  /** PANCAKE_ACCESS_TOKEN as the run found it (state `unchecked`: Pancake did not say); absent when the run had no user token. */
  userToken?: { expiresAt: Date | null; state: string } | null;
  /** Rate-limited answers of the run. */
  rateLimited?: number;
  /** The slowest pace any page token ended the run at. */
  effectiveRate?: number | null;
  pageHealth?: Record<string, PageHealth>;
}

/**
 * Settles the run row. The database may be restarting at this very moment (the reason the run
 * failed, perhaps): the update is retried while the connection comes back.
 */
export async function finishRun(db: Queryable, runId: string, outcome: RunOutcome, options: { log?: Logger; delaysMs?: readonly number[] } = {}): Promise<void> {
  const update = () =>
    db
      .updateTable('pancake.sync_runs')
      .set({
        status: outcome.status,
        // The server's clock, never before the start it also stamped.
        finished_at: sql<Date>`greatest(now(), started_at)`,
        counts: JSON.stringify(redactValue(outcome.counts)),
        errors: JSON.stringify(redactValue(outcome.errors)),
        warnings: JSON.stringify(redactValue(outcome.warnings ?? [])),
        requests: outcome.requests,
        ...(outcome.userToken && { user_token_expires_at: outcome.userToken.expiresAt, user_token_state: outcome.userToken.state === 'unchecked' ? null : outcome.userToken.state }),
        ...(outcome.rateLimited !== undefined && { rate_limited: outcome.rateLimited }),
        ...(outcome.effectiveRate !== undefined && { effective_rate: outcome.effectiveRate }),
        ...(outcome.pageHealth !== undefined && { page_health: JSON.stringify(outcome.pageHealth) }),
      })
      .where('id', '=', runId)
      .execute();
  await retryOnConnectionLoss(update, { what: `recording the end of run ${runId}`, ...options });
}
