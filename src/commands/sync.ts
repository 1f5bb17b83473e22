import { Command } from 'commander';
import { requireCredentials } from '../config.js';
import { runSync, type RunSummary } from '../sync/runner.js';
import { selectStreams, STREAM_NAMES } from '../sync/registry.js';
import { planDryRun } from '../sync/dry-run.js';
import { createProgress } from '../sync/progress.js';
import { clientFromConfig, loadContext, openMigratedWarehouse, parseDateFlag, parseListFlag, printTable, UsageError, withExitCode } from './shared.js';

interface SyncFlags {
  streams?: string;
  pages?: string;
  since?: string;
  until?: string;
  dryRun?: boolean;
  json?: boolean;
}

export function syncCommand(): Command {
  return new Command('sync')
    .description('incremental sync of every configured page and stream')
    .option('--streams <list>', `only these streams, comma-separated (${STREAM_NAMES.join(', ')})`)
    .option('--pages <ids>', 'only these page ids, comma-separated')
    .option('--since <date>', 'backfill from DATE (ISO date/datetime, or a duration like 90d); ignores watermarks before it')
    .option('--until <date>', 'stop at DATE (default: now)')
    .option('--dry-run', 'show what would be fetched (pages, streams, windows) and write nothing')
    .option('--json', 'print the run summary as JSON on stdout')
    .action(withExitCode(async (flags: SyncFlags) => {
      const { config, log } = loadContext({ liveProgress: true });
      requireCredentials(config);
      const now = new Date();
      const streams = parseListFlag(flags.streams);
      selectStreams(streams); // unknown names are a usage error before anything starts
      const since = parseDateFlag('--since', flags.since, now);
      const until = parseDateFlag('--until', flags.until, now);
      if (since && until && since >= until) throw new UsageError(`--since (${since.toISOString()}) must be before --until (${until.toISOString()}) (example: --since 2026-01-01 --until 2026-02-01)`);
      if (since && since > now) throw new UsageError(`--since (${since.toISOString()}) is in the future`);
      const options = { streams, pages: parseListFlag(flags.pages), since, until };

      const warehouse = await openMigratedWarehouse(config, log);
      try {
        const client = clientFromConfig(config, log);
        if (flags.dryRun) {
          const plan = await planDryRun({ config, db: warehouse.db, client, log, now }, options);
          if (flags.json) process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
          else printTable(plan.rows);
          return 0;
        }
        const progress = createProgress({ log, requests: () => client.stats.requests });
        const summary = await runSync({ config, db: warehouse.db, client, log, now, progress }, options);
        if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        else printSummary(summary);
        return summary.exitCode;
      } finally {
        await warehouse.close();
      }
    }));
}

export function printSummary(summary: RunSummary): void {
  printTable(
    summary.outcomes.map((o) => ({
      page: o.pageId,
      stream: o.stream,
      status: o.status,
      records: o.counts.records,
      written: o.counts.rowsWritten,
      seconds: (o.durationMs / 1000).toFixed(1),
    })),
  );
  process.stdout.write(`\nRun ${summary.runId}: ${summary.status}, ${summary.requests} requests, ${(summary.durationMs / 1000).toFixed(1)} s\n`);
  for (const failure of summary.failures) {
    process.stdout.write(`  failed: page ${failure.pageId ?? '-'} ${failure.stream ?? ''} (${failure.kind}): ${failure.message}\n`);
  }
}
