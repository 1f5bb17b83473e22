import { silentLogger } from '../logger.js';
import { resolvePages } from './pages.js';
import { selectStreams } from './registry.js';
import { buildSettings, type SyncDeps, type SyncOptions } from './runner.js';
import type { StreamCounts } from './stream.js';

export interface DryRunPlan {
  rows: Array<{ page: string; stream: string; units: number; requests: number; plan: string }>;
  estimatedRequests: number;
}

/**
 * What `sync` would fetch, without writing: the page list is read (one request) and each stream
 * plans from its stored state. No page token is generated and no table is touched.
 */
export async function planDryRun(deps: SyncDeps, options: SyncOptions): Promise<DryRunPlan> {
  const { config, db, client } = deps;
  const streams = selectStreams(options.streams);
  const settings = buildSettings(config, options, deps.now ?? new Date());
  const { pages, missing } = await resolvePages(client, config, options.pages ?? null);
  const rows: DryRunPlan['rows'] = [];
  for (const page of pages) {
    for (const stream of streams) {
      const counts: StreamCounts = { records: 0, rowsWritten: 0, unitsDone: 0 };
      const plan = await stream.plan({ page, client, db, settings, log: silentLogger, counts });
      rows.push({ page: page.id, stream: stream.name, units: plan.units, requests: plan.estimatedRequests, plan: plan.detail });
    }
  }
  for (const id of missing) rows.push({ page: id, stream: '-', units: 0, requests: 0, plan: 'not readable with this token' });
  return { rows, estimatedRequests: rows.reduce((sum, r) => sum + r.requests, 0) };
}
