import { silentLogger } from '../logger.js';
import { resolvePages } from './pages.js';
import { selectStreams } from './registry.js';
import { buildSettings, type SyncDeps, type SyncOptions } from './runner.js';
import type { StreamCounts, StreamPlan } from './stream.js';

export interface DryRunPlan {
  rows: Array<{ page: string; stream: string; units: number; requests: number; plan: string }>;
  estimatedRequests: number;
}

/**
 * What `sync` would fetch, without writing: the page list is read (one request) and each stream
 * plans from its stored state. No page token is generated and no table is touched. With page
 * tokens configured, conversations read one sample batch per window, so that the conversations
 * and messages a backfill will find can be estimated (streams/conversations-estimate.ts).
 */
export async function planDryRun(deps: SyncDeps, options: SyncOptions): Promise<DryRunPlan> {
  const { config, db, client } = deps;
  const streams = selectStreams(options.streams);
  const settings = buildSettings(config, options, deps.now ?? new Date());
  const { pages, missing } = await resolvePages(client, config, options.pages ?? null);
  const rows: DryRunPlan['rows'] = [];
  for (const page of pages) {
    const plans = new Map<string, StreamPlan>();
    for (const stream of streams) {
      const counts: StreamCounts = { records: 0, rowsWritten: 0, unitsDone: 0 };
      plans.set(stream.name, await stream.plan({ page, client, db, settings, log: silentLogger, counts }));
    }
    for (const stream of streams) {
      const plan = plans.get(stream.name)!;
      // A follower (messages) also walks what its upstream stores in this run.
      const more = stream.follows ? (plans.get(stream.follows)?.followerRequests ?? 0) : 0;
      const detail = more > 0 ? `${plan.detail}; about ${more} more for the ${stream.follows} this run stores` : plan.detail;
      rows.push({ page: page.id, stream: stream.name, units: plan.units, requests: plan.estimatedRequests + more, plan: detail });
    }
  }
  for (const id of missing) rows.push({ page: id, stream: '-', units: 0, requests: 0, plan: 'not readable with this token' });
  return { rows, estimatedRequests: rows.reduce((sum, r) => sum + r.requests, 0) };
}
