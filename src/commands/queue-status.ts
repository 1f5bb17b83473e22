import { Command } from 'commander';
import { formatDuration } from '../durations.js';
import { EXIT_OK } from '../errors.js';
import { queueStatus, type QueueStatus } from '../queue/status.js';
import { QUEUE_SCHEMA } from '../warehouse/runs.js';
import { openWarehouse } from '../warehouse/db.js';
import { requireDatabaseUrl } from './queue-flags.js';
import { loadContext, withExitCode } from './command-context.js';
import { printTable } from './print-table.js';

export function queueStatusCommand(): Command {
  return new Command('queue-status')
    .description('the queue: tasks waiting, running (by which worker), retrying, failed; live workers; queued runs')
    .option('--json', 'print the report as JSON on stdout')
    .action(withExitCode(async (flags: { json?: boolean }) => {
      const { config, log } = loadContext();
      const databaseUrl = requireDatabaseUrl(config, 'queue-status');
      const warehouse = await openWarehouse({ databaseUrl, homeDir: config.homeDir, preparedStatements: config.preparedStatements, poolSize: 2, logger: log });
      try {
        const report = await queueStatus(warehouse.db);
        if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else printQueueStatus(report);
        return EXIT_OK;
      } finally {
        await warehouse.close();
      }
    }));
}

export function printQueueStatus(report: QueueStatus, now = Date.now()): void {
  const out = process.stdout;
  if (!report.installed) {
    out.write(`No queue yet: \`pancake-sync enqueue\` or \`pancake-sync worker\` creates it (schema ${QUEUE_SCHEMA}).\n`);
    return;
  }
  out.write(`Tasks: ${report.waiting} waiting, ${report.running.length} running, ${report.retrying.length} retrying, ${report.failed.length} failed, ${report.done} done (in the runs below)\n`);
  out.write(`Workers: ${report.workers.length === 0 ? 'none running' : report.workers.map((w) => w.name).join(', ')}\n`);
  const ago = (d: Date) => formatDuration(now - d.getTime());
  if (report.running.length > 0) {
    out.write('\nRunning:\n');
    printTable(report.running.map((t) => ({ page: t.pageId, run: t.runId, worker: t.worker, for: ago(t.startedAt), attempt: `${t.attempts}/${t.maxAttempts}` })));
  }
  if (report.retrying.length > 0) {
    out.write('\nRetrying:\n');
    printTable(report.retrying.map((t) => ({ page: t.pageId, run: t.runId, attempts: `${t.attempts}/${t.maxAttempts}`, next: t.nextAttemptAt.toISOString(), 'last error': firstLine(t.lastError) })));
  }
  if (report.failed.length > 0) {
    out.write('\nFailed (every attempt used):\n');
    printTable(report.failed.map((t) => ({ page: t.pageId, run: t.runId, attempts: t.attempts, 'last error': firstLine(t.lastError) })));
  }
  if (report.runs.length > 0) {
    out.write('\nQueued runs:\n');
    printTable(report.runs.map((r) => ({ run: r.runId, status: r.status, started: r.startedAt.toISOString(), tasks: r.tasks, done: r.done, failed: r.failed, left: r.left })));
  }
}

/** The error's first line, cut to fit a terminal row (--json has it whole). */
function firstLine(error: string | null): string {
  const line = error?.split('\n')[0] ?? '';
  return line.length > 140 ? `${line.slice(0, 139)}…` : line;
}
