import type { TableSpec } from '../../warehouse/upsert.js';
import { watchNewestVisits } from '../recent-first.js';
import { skippedRecords, type SkippedRecords } from '../skipped-records.js';
import type { Stream, StreamContext, StreamPlan } from '../stream.js';
import { visitParents } from './parent-visits.js';

// The engine of a stream read parent by parent rather than by time windows (messages: one walk
// per conversation). There is no range to plan: which parents wait is a question for the warehouse,
// where the stream this one follows stores them (a parent waits while its children were not stored
// for its current version). The engine visits them newest first, `SYNC_CONCURRENCY` walks at once,
// alongside the stream it follows (parent-visits.ts), reads the page's newest days first
// (recent-first.ts), skips for the rest of the run a parent whose walk the API stopped moving
// forward, and keeps progress and the ETA. The walk of one parent is the stream's own: it commits
// each batch with the parent's state in one statement (write-together.ts), so a killed run walks
// again only the parents whose state it had not written.

/** What the engine needs of a parent: its id, and when it last changed (for the newest days). */
export interface Parent {
  id: string;
  updated_at: Date | null;
}

/** A per-parent stream declared in one place (docs/architecture.md, "Adding a stream"). */
export interface PerParentStreamSpec<P extends Parent> {
  name: string;
  /** One line for --help and status. */
  description: string;
  table: Pick<TableSpec<never>, 'table'>;
  /** The stream that stores the parents; this one runs alongside it (Stream.follows). */
  follows: string;
  /** See Stream.newestFirst. */
  newestFirst?: 'follow';
  /** The run's query of waiting parents: up to `limit` of them, newest first, after `after` (null: from the newest). */
  waitingParents(ctx: StreamContext): Promise<(after: P | null, limit: number) => Promise<P[]>>;
  /** Whether a parent that changed at or after `since` still waits (are the newest days done?). */
  anyWaitingSince(ctx: StreamContext, since: Date): Promise<boolean>;
  /** Walks one parent, committing as it goes; `stuck` when the API stopped moving forward. */
  walk(ctx: StreamContext, parent: P, skipped: SkippedRecords): Promise<'done' | 'stuck'>;
  /** What is left, for progress and the ETA; revised alongside the walk, never waited for. */
  left(ctx: StreamContext, upstreamRunning: boolean): Promise<{ parents: number; requests: number }>;
  /** The --dry-run plan. */
  plan(ctx: StreamContext): Promise<StreamPlan>;
}

/** Builds the Stream the runner sees from a per-parent declaration. */
export function perParentStream<P extends Parent>(spec: PerParentStreamSpec<P>): Stream {
  return {
    name: spec.name,
    description: spec.description,
    table: spec.table.table,
    follows: spec.follows,
    ...(spec.newestFirst && { newestFirst: spec.newestFirst }),
    run: (ctx) => runPerParent(ctx, spec),
    plan: (ctx) => spec.plan(ctx),
  };
}

async function runPerParent<P extends Parent>(ctx: StreamContext, spec: PerParentStreamSpec<P>): Promise<void> {
  ctx.counts.requests = 0;
  const recent = ctx.recentFirst;
  const skipped = skippedRecords(ctx, spec.name);
  // Parents whose walk the API stopped moving forward: still waiting, so a later pass would find
  // them again; they wait for the next run instead (one warning each, from the walk).
  const stuck = new Set<string>();
  const next = await spec.waitingParents(ctx);
  const visit = async (parent: P): Promise<void> => {
    if (stuck.has(parent.id)) return;
    if ((await spec.walk(ctx, parent, skipped)) === 'stuck') stuck.add(parent.id);
  };
  try {
    await visitParents<P>({
      concurrency: ctx.settings.concurrency,
      ...(ctx.upstream && { upstream: ctx.upstream }),
      next,
      // Newest first, and the page's other streams wait until the newest days are done.
      visit: recent ? watchNewestVisits(recent, visit, async () => !(await spec.anyWaitingSince(ctx, recent.horizon))) : visit,
      onSlice: (upstreamRunning) =>
        void spec
          .left(ctx, upstreamRunning)
          .then((left) => {
            ctx.counts.unitsTotal = ctx.counts.unitsDone + left.parents;
            ctx.counts.requestsTotal = (ctx.counts.requests ?? 0) + left.requests;
          })
          .catch(() => undefined),
    });
  } finally {
    skipped.report();
  }
}
