import type { Command } from 'commander';
import { EARLIEST_PLAUSIBLE_DATE } from '../durations.js';
import { isValidPageId, PAGE_ID_FORM } from '../page-ids.js';
import { describeStreamNames, selectStreams } from '../sync/registry.js';
import type { SyncOptions } from '../sync/runner.js';
import { parseDateFlag, parseListFlag, UsageError } from './shared.js';

// What a run covers, as `sync` and `enqueue` both take it: the same flags, checked the same way.

export interface RunFlags {
  streams?: string;
  pages?: string;
  since?: string;
  until?: string;
  sweep?: boolean;
}

export function addRunOptions(command: Command): Command {
  return command
    .option('--streams <list>', `only these streams, comma-separated (${describeStreamNames()}); opt-in streams run only when named here`)
    .option('--pages <ids>', 'only these page ids, comma-separated')
    .option('--since <date>', 'backfill from DATE (ISO date/datetime, or a duration like 90d); reads only what is not stored yet, newest first')
    .option('--until <date>', 'stop at DATE (default, and at the latest: now minus SYNC_SAFETY_LAG)')
    .option('--sweep', 'also sweep every list stream now: re-list its whole covered range, store what the nightly walks missed, mark what Pancake no longer lists (deleted_at); runs by itself every SYNC_SWEEP_EVERY');
}

/** The run's options; a bad flag is a UsageError before anything starts. */
export function parseRunOptions(flags: RunFlags, now: Date): Required<SyncOptions> {
  const streams = parseListFlag(flags.streams);
  selectStreams(streams); // unknown names are a usage error before anything starts
  const since = parseDateFlag('--since', flags.since, now);
  const until = parseDateFlag('--until', flags.until, now);
  if (since && until && since >= until) throw new UsageError(`--since (${since.toISOString()}) must be before --until (${until.toISOString()}) (example: --since 2026-01-01 --until 2026-02-01)`);
  if (since && since > now) throw new UsageError(`--since (${since.toISOString()}) is in the future`);
  if (since && since < EARLIEST_PLAUSIBLE_DATE) {
    throw new UsageError(`--since ${flags.since} is before ${EARLIEST_PLAUSIBLE_DATE.getUTCFullYear()}, when Pancake began: check the year (example: --since 2025-01-01)`);
  }
  const pages = parseListFlag(flags.pages);
  const badPage = pages?.find((id) => !isValidPageId(id));
  if (badPage !== undefined) throw new UsageError(`--pages: "${badPage}" is not a page id; ids are ${PAGE_ID_FORM}, separated by commas (example: --pages 1234567890123456,web_123)`);
  return { streams, pages, since, until, sweep: flags.sweep === true };
}
