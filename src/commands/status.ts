import { Command } from 'commander';
import type { Kysely } from 'kysely';
import { formatDuration, parseDuration } from '../durations.js';
import { STREAMS } from '../sync/registry.js';
import { rowsPerPage } from '../warehouse/row-counts.js';
import { openWarehouse } from '../warehouse/db.js';
import { activePages } from '../warehouse/pages.js';
import { recentRuns } from '../warehouse/runs.js';
import { staleConversationsByPage } from '../warehouse/message-state.js';
import { schemaStatus } from '../warehouse/migrate.js';
import type { Database } from '../warehouse/schema.js';
import { queueStatus } from '../queue/status.js';
import { printQueueStatus } from './queue-status.js';
import { printRunHealth, runHealth, type HeldLock } from './status-health.js';
import { listCoverage } from '../warehouse/state.js';
import { EXIT_INCOMPLETE, EXIT_OK, UsageError } from '../errors.js';
import { loadContext, withExitCode } from './command-context.js';
import { printTable } from './print-table.js';
import { printSeasonStatus, seasonStatus, type PageSeasonStatus, type UserTokenReport } from './status-season.js';
import type { Config } from '../config.js';

interface StatusFlags {
  json?: boolean;
  maxLag?: string;
}

/** One stream of one page as `status` reports it (not a run's outcome: that is StreamStatus in src/sync/page-sync.ts). */
export interface StreamReport {
  pageId: string;
  pageName: string | null;
  stream: string;
  /** Everything updated before this is in the warehouse. */
  watermark: Date | null;
  /** ...and everything updated from this up to the watermark: how far back the stream is complete. */
  completeFrom: Date | null;
  lagSeconds: number | null;
  /** How the stream ended in the last run that included it. */
  lastResult: string | null;
  /** Why it is unavailable, when the last result says so. */
  reason: string | null;
  rows: number | null;
  /** Messages: conversations whose new messages are not fetched yet. */
  pending: number | null;
  /** When the last sweep of this list stream ended (every list of a snapshot stream is one); null: never, or not a list stream. */
  lastSweep: Date | null;
  /** A sweep of this stream is under way (the next run resumes it). */
  sweeping: boolean;
  /** Set when --max-lag is given and this stream is behind it (or never synced). */
  late?: boolean;
}

export interface StatusReport {
  schema: { applied: string[]; pending: string[] };
  lastRun: { id: string; status: string; startedAt: Date; finishedAt: Date | null; requests: number; errors: unknown; warnings: unknown } | null;
  streams: StreamReport[];
  /** Streams another process is syncing right now: who, since when. */
  locks?: HeldLock[];
  maxLagSeconds?: number;
  late?: number;
  /** Per page: list status, token source and health, pace (a season unattended). */
  pages?: PageSeasonStatus[];
  /** PANCAKE_ACCESS_TOKEN's expiry and whether Pancake last accepted it. */
  userToken?: UserTokenReport | null;
}

export function statusCommand(): Command {
  return new Command('status')
    .description('how far back each page and stream is complete, watermarks, lag, last runs and row counts; per page its list, token and pace; the user token\'s expiry')
    .option('--json', 'print the report as JSON on stdout')
    .option('--max-lag <duration>', 'exit 1 when any stream is further behind than this (e.g. 26h), for monitors')
    .action(withExitCode(async (flags: StatusFlags) => {
      const maxLagMs = flags.maxLag === undefined ? null : parseDuration(flags.maxLag);
      if (maxLagMs === null && flags.maxLag !== undefined) throw new UsageError(`--max-lag must be a duration, got "${flags.maxLag}" (example: --max-lag 26h)`);
      const { config, log } = loadContext();
      const warehouse = await openWarehouse({ databaseUrl: config.databaseUrl, homeDir: config.homeDir, preparedStatements: config.preparedStatements, logger: log });
      try {
        const report = await buildStatus(warehouse.db, new Date(), maxLagMs, config);
        // With workers, the queue is part of the picture: what waits, runs (where) and failed.
        const queue = report.schema.applied.length > 0 ? await queueStatus(warehouse.db) : null;
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(queue?.installed ? { ...report, queue } : report, null, 2)}\n`);
        } else {
          printStatus(report);
          if (queue?.installed) {
            process.stdout.write('\nQueue (pancake-sync worker):\n');
            printQueueStatus(queue);
          }
        }
        return report.late ? EXIT_INCOMPLETE : EXIT_OK;
      } finally {
        await warehouse.close();
      }
    }));
}

export async function buildStatus(db: Kysely<Database>, now = new Date(), maxLagMs: number | null = null, config: Pick<Config, 'accessToken' | 'pageTokens'> | null = null): Promise<StatusReport> {
  const schema = await schemaStatus(db);
  if (schema.applied.length === 0) return { schema, lastRun: null, streams: [] };
  const locks = await runHealth(db, schema.applied);
  const runs = await recentRuns(db, 20);
  const pages = await activePages(db);
  const states = await listCoverage(db);
  const pending = await staleConversationsByPage(db);
  const rowCounts = new Map<string, Map<string, number>>();
  for (const stream of STREAMS) if (stream.table) rowCounts.set(stream.name, await rowsPerPage(db, stream.table));

  const streams: StreamReport[] = [];
  for (const page of pages) {
    for (const stream of STREAMS) {
      const state = (name: string | undefined) => states.find((s) => s.pageId === page.id && s.stream === name) ?? null;
      const own = state(stream.name);
      // Messages have no window of their own: they are as fresh as the conversations they follow,
      // once no conversation waits for its messages; during a newest-first backfill they are
      // complete for every conversation newer than the newest one still waiting.
      const stale = stream.name === 'messages' ? (pending.get(page.id) ?? { count: 0, newest: null }) : null;
      const followed = (stream.follows ?? stream.after?.[0]) ? state(stream.follows ?? stream.after?.[0]) : null;
      const completeFrom = own ? own.coveredFrom : stale ? messagesCompleteFrom(followed, stale.newest) : null;
      // Like a windowed stream's, the messages' complete range ends at the conversations' watermark
      // as soon as its newest part is complete; older conversations still waiting are `pending`.
      const followedTo = followed?.watermark ?? null;
      const newestComplete = stale !== null && followedTo !== null && (stale.count === 0 || (completeFrom !== null && completeFrom < followedTo));
      const watermark = own?.watermark ?? (newestComplete ? followedTo : null);
      const { status: lastResult, reason } = lastResultOf(runs, page.id, stream.name);
      if (!watermark && !lastResult && !rowCounts.get(stream.name)?.get(page.id)) continue;
      // Stored watermarks are never later than when they were written (state.ts), so the lag is
      // not negative; the clamp only hides clock skew between this host and the database.
      const lagSeconds = watermark ? Math.max(0, Math.round((now.getTime() - watermark.getTime()) / 1000)) : null;
      streams.push({
        pageId: page.id,
        pageName: page.name,
        stream: stream.name,
        watermark,
        completeFrom: completeFrom && watermark !== null && completeFrom > watermark ? null : completeFrom,
        lagSeconds,
        lastResult,
        reason,
        rows: rowCounts.get(stream.name)?.get(page.id) ?? (stream.table ? 0 : null),
        pending: stale?.count ?? null,
        lastSweep: own?.sweptAt ?? null,
        sweeping: own?.sweeping ?? false,
        // A stream the API does not serve for the page has nothing to be late with.
        ...(maxLagMs !== null && { late: lastResult !== 'unavailable' && (lagSeconds === null || lagSeconds * 1000 > maxLagMs) }),
      });
    }
  }
  const last = runs[0];
  const season = schema.applied.includes('0010_season') ? await seasonStatus(db, runs.map((r) => ({ ...r, id: String(r.id) })), config, now) : null;
  return {
    schema: { applied: schema.applied, pending: schema.pending },
    lastRun: last ? { id: String(last.id), status: last.status, startedAt: last.started_at, finishedAt: last.finished_at, requests: last.requests, errors: last.errors, warnings: last.warnings ?? [] } : null,
    streams,
    ...(locks && { locks }),
    ...(maxLagMs !== null && { maxLagSeconds: Math.round(maxLagMs / 1000), late: streams.filter((s) => s.late).length + (streams.length === 0 ? 1 : 0) }),
    ...(season && { pages: season.pages, userToken: season.userToken }),
  };
}

function lastResultOf(runs: Array<{ counts: unknown }>, pageId: string, stream: string): { status: string | null; reason: string | null } {
  for (const run of runs) {
    const counts = run.counts as Record<string, Record<string, { status?: string; reason?: string }> | undefined> | null;
    const result = counts?.[pageId]?.[stream];
    if (result?.status) return { status: result.status, reason: result.reason ?? null };
  }
  return { status: null, reason: null };
}

/** Messages are complete for the conversations covered and newer than the newest one still waiting. */
function messagesCompleteFrom(conversations: { coveredFrom: Date | null } | null, newestWaiting: Date | null): Date | null {
  const from = conversations?.coveredFrom ?? null;
  if (newestWaiting === null || from === null) return from;
  const after = new Date(newestWaiting.getTime() + 1);
  return after > from ? after : from;
}

/** A day when the instant is a UTC midnight, else the day and the minute. */
function formatInstant(at: Date): string {
  const iso = at.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

function printStatus(report: StatusReport): void {
  const out = process.stdout;
  out.write(`Schema: ${report.schema.applied.length} migration(s) applied${report.schema.pending.length ? `, ${report.schema.pending.length} pending (run \`pancake-sync migrate\`)` : ''}\n`);
  if (report.lastRun) {
    const r = report.lastRun;
    out.write(`Last run: #${r.id} ${r.status}, started ${r.startedAt.toISOString()}${r.finishedAt ? `, finished ${r.finishedAt.toISOString()}` : ''}, ${r.requests} requests\n\n`);
  } else {
    out.write('No sync has run yet.\n');
  }
  printTable(
    report.streams.map((s) => ({
      page: s.pageId,
      name: s.pageName,
      stream: s.stream,
      'complete from': s.completeFrom ? formatInstant(s.completeFrom) : '-',
      watermark: s.watermark ? s.watermark.toISOString() : 'never',
      lag: s.lagSeconds === null ? '-' : formatDuration(s.lagSeconds * 1000),
      last: s.lastResult === 'unavailable' && s.reason ? `unavailable: ${s.reason}` : (s.lastResult ?? '-'),
      rows: s.rows ?? '-',
      pending: s.pending ?? '',
      'last sweep': s.sweeping ? 'under way' : s.lastSweep ? formatInstant(s.lastSweep) : '',
      ...(s.late !== undefined && { late: s.late ? 'LATE' : '' }),
    })),
  );
  printSeasonStatus(report, out);
  printRunHealth(report.lastRun?.warnings, report.locks, out);
  if (report.maxLagSeconds !== undefined) {
    out.write(`\n${report.late ? `${report.late} stream(s) behind the maximum lag of ${formatDuration(report.maxLagSeconds * 1000)}` : `Every stream is within ${formatDuration(report.maxLagSeconds * 1000)}`}.\n`);
  }
}
