import { Command } from 'commander';
import { requireCredentials } from '../config.js';
import { EXIT_OK } from '../errors.js';
import { runSync, type RunSummary } from '../sync/runner.js';
import { planDryRun } from '../sync/dry-run.js';
import { formatExpiry, type UserTokenStatus } from '../sync/user-token.js';
import { createProgress } from '../sync/progress.js';
import { stopOnSignals } from '../sync/shutdown.js';
import { openWarehouse } from '../warehouse/db.js';
import { withoutWriting } from '../warehouse/without-writing.js';
import { addRunOptions, parseRunOptions, type RunFlags } from './run-options.js';
import { clientFromConfig, loadContext, openMigratedWarehouse, withExitCode } from './command-context.js';
import { printTable } from './print-table.js';

interface SyncFlags extends RunFlags {
  dryRun?: boolean;
  json?: boolean;
}

export function syncCommand(): Command {
  return addRunOptions(new Command('sync').description('incremental sync of every configured page and stream'))
    .option('--dry-run', 'show what would be fetched (pages, streams, windows) and write nothing')
    .option('--json', 'print the run summary as JSON on stdout')
    .action(withExitCode(async (flags: SyncFlags) => {
      const { config, log } = loadContext({ liveProgress: true });
      requireCredentials(config);
      const now = new Date();
      const options = parseRunOptions(flags, now);

      if (flags.dryRun) {
        // Not even the migrations: the plan is made in a transaction that is rolled back.
        const warehouse = await openWarehouse({ databaseUrl: config.databaseUrl, homeDir: config.homeDir, preparedStatements: config.preparedStatements, logger: log });
        try {
          const client = clientFromConfig(config, log);
          const plan = await withoutWriting(warehouse.db, (db) => planDryRun({ config, db, client, log, now }, options));
          if (flags.json) process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
          else {
            printTable(plan.rows);
            process.stdout.write(`\nAbout ${plan.estimatedRequests} request(s) (plus the page list and one token per page); nothing was written.\n`);
          }
          return EXIT_OK;
        } finally {
          await warehouse.close();
        }
      }

      const warehouse = await openMigratedWarehouse(config, log);
      const stop = new AbortController();
      const restoreSignals = stopOnSignals(stop, log);
      try {
        const client = clientFromConfig(config, log, { stopSignal: stop.signal });
        const progress = createProgress({ log, requests: () => client.stats.requests, ratePerPage: config.rateLimitPerSecond });
        const summary = await runSync({ config, db: warehouse.db, client, log, now, progress, stopSignal: stop.signal }, options);
        if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        else printSummary(summary);
        return summary.exitCode;
      } finally {
        restoreSignals();
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
  if (summary.userToken) process.stdout.write(`  user token (PANCAKE_ACCESS_TOKEN): ${describeUserToken(summary.userToken)}\n`);
  if (summary.effectiveRate !== null || summary.rateLimited > 0) {
    const slowest = summary.effectiveRate === null ? '' : `, slowest page pace at the end ${summary.effectiveRate} requests/s`;
    process.stdout.write(`  rate limit: ${summary.rateLimited} rate-limited answer(s)${slowest}\n`);
  }
  for (const o of summary.outcomes.filter((o) => o.status === 'unavailable')) {
    process.stdout.write(`  unavailable: page ${o.pageId} ${o.stream}: ${o.reason ?? 'not served for this page'}\n`);
  }
  if (summary.status === 'interrupted') process.stdout.write('  interrupted: what was read is committed; the next run resumes from there\n');
  for (const failure of summary.failures) {
    process.stdout.write(`  failed: page ${failure.pageId ?? '-'} ${failure.stream ?? ''} (${failure.kind}): ${failure.message}\n`);
  }
  for (const warning of summary.warnings) {
    process.stdout.write(`  warning: page ${warning.pageId ?? '-'} ${warning.stream ?? ''} (${warning.kind}): ${warning.message}\n`);
  }
}

/** "expires 2027-03-01 08:00 UTC", "refused by Pancake", "no expiry in it (not a JWT)". */
export function describeUserToken(token: UserTokenStatus): string {
  const expiry = token.expiresAt === null ? 'no known expiry (not a JWT)' : `${token.expiresAt.getTime() <= Date.now() ? 'expired' : 'expires'} ${formatExpiry(token.expiresAt)}`;
  return token.state === 'refused' ? `refused by Pancake; ${expiry}` : expiry;
}
