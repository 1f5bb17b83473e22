import type { Command } from 'commander';
import { instantRule, nameListRule, pageListRule, startRule } from '../rules.js';
import { describeStreamNames, selectStreams } from '../sync/registry.js';
import type { SyncOptions } from '../sync/runner.js';
import { flagHelp, parseOptionalFlag } from './flags.js';
import { UsageError } from '../errors.js';

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
    .option('--pages <ids>', flagHelp('only these page ids (the rule of PANCAKE_PAGE_IDS)', pageListRule))
    .option('--since <date>', flagHelp('backfill from DATE; reads only what is not stored yet, newest first (the rule of SYNC_START)', startRule))
    .option('--until <date>', flagHelp('stop at DATE (default, and at the latest: now minus SYNC_SAFETY_LAG)', instantRule))
    .option('--sweep', 'also sweep every list stream now: re-list its whole covered range, store what the nightly walks missed, mark what Pancake no longer lists (deleted_at); runs by itself every SYNC_SWEEP_EVERY');
}

/** The run's options; a bad flag is a UsageError before anything starts. */
export function parseRunOptions(flags: RunFlags, now: Date): Required<SyncOptions> {
  const streams = parseOptionalFlag('--streams', nameListRule, flags.streams, 'conversations,messages');
  selectStreams(streams); // unknown names are a usage error before anything starts
  const since = parseOptionalFlag('--since', startRule, flags.since, '2026-01-01', now);
  const until = parseOptionalFlag('--until', instantRule, flags.until, '2026-02-01', now);
  if (since && until && since >= until) throw new UsageError(`--since (${since.toISOString()}) must be before --until (${until.toISOString()}) (example: --since 2026-01-01 --until 2026-02-01)`);
  const pages = parseOptionalFlag('--pages', pageListRule, flags.pages, '1234567890123456,web_123');
  return { streams, pages, since, until, sweep: flags.sweep === true };
}
