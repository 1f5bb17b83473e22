#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { exitQuietlyOnBrokenPipe } from './broken-pipe.js';
import { readEnvironment } from './config.js';
import { EXIT_OK, EXIT_USAGE, UserError, exitCodeOf, exitCodesHelp } from './errors.js';
import { redact } from './redact.js';
import { environmentHelp } from './settings.js';
import { completeLazyCommands } from './commands/lazy.js';
import { doctorCommand } from './commands/doctor.js';
import { enqueueCommand } from './commands/enqueue.js';
import { migrateCommand } from './commands/migrate.js';
import { queueStatusCommand } from './commands/queue-status.js';
import { demoCommand, simulateCommand } from './commands/simulator-commands.js';
import { statusCommand } from './commands/status.js';
import { syncCommand } from './commands/sync.js';
import { workerCommand } from './commands/worker.js';

const ENVIRONMENT_HELP = `
Environment (or a .env file in the working directory; see .env.example):
${environmentHelp()}

Exit codes:
${exitCodesHelp()}

Examples:
  npx pancake-sync demo                                  try it on the local simulator
  npx pancake-sync migrate                               create the warehouse schema
  npx pancake-sync sync                                  nightly incremental run
  npx pancake-sync sync --since 2025-01-01               backfill from a date
  npx pancake-sync sync --streams conversations --pages 1234567890123456
  npx pancake-sync status --json
  npx pancake-sync doctor --since 2025-01-01            check a shop first: streams, missing settings, backfill cost
  npx pancake-sync worker --concurrency 4               one of many workers sharing queued runs (needs DATABASE_URL)
  npx pancake-sync enqueue                               nightly, from cron: queue a run for the workers
  npx pancake-sync queue-status                          tasks waiting, running (by which worker), failed
`;

export function buildProgram(): Command {
  const program = new Command('pancake-sync')
    .description('Copy a shop\'s Pancake (pages.fm) data into a PostgreSQL warehouse, incrementally and resumably.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError()
    .exitOverride()
    .addHelpText('after', ENVIRONMENT_HELP);
  for (const command of [migrateCommand(), syncCommand(), enqueueCommand(), workerCommand(), statusCommand(), queueStatusCommand(), doctorCommand(), demoCommand(), simulateCommand()]) {
    program.addCommand(command.exitOverride().showHelpAfterError());
  }
  completeLazyCommands(program);
  return program;
}

/** The one place that turns what went wrong into an exit code: a UserError carries its own. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  return exitCodeOf(error);
}

/**
 * What a person reads when a command fails: one line. A UserError's message says what to do; an
 * unexpected error also says how to get its stack trace, which only LOG_LEVEL=debug prints.
 */
export function reportFailure(error: unknown, debug: boolean, out: NodeJS.WritableStream = process.stderr): void {
  if (error instanceof CommanderError) return; // commander printed it already
  const message = redact(error instanceof Error ? error.message : String(error));
  if (error instanceof UserError) {
    out.write(`pancake-sync: ${message}\n`);
    return;
  }
  out.write(`pancake-sync: unexpected error: ${message}${debug ? '' : ' (run with LOG_LEVEL=debug for the stack trace, and please report it)'}\n`);
  if (debug && error instanceof Error && error.stack) out.write(`${redact(error.stack)}\n`);
}

async function main(): Promise<void> {
  exitQuietlyOnBrokenPipe();
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    const level = (readEnvironment().LOG_LEVEL ?? '').trim().toLowerCase();
    reportFailure(error, level === 'debug' || level === 'trace');
    process.exitCode = exitCodeFor(error);
  }
}

await main();
