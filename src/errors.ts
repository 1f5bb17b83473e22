// What a user can fix versus what is a bug, and how a command ends. Every error a person can act on
// (a setting, a flag, a database that does not answer, a directory Postgres cannot reach) is a
// UserError: the CLI prints its message alone, without a stack trace, and exits with its code.
// Anything else is unexpected. The errors of the client are in src/pancake/errors.ts, the sync's in
// src/sync/errors.ts.

import { helpColumns } from './help-text.js';

/** Everything the command was asked to do is done. */
export const EXIT_OK = 0;
/** Not everything is done or fine (see EXIT_CODES); what was done is committed. */
export const EXIT_INCOMPLETE = 1;
/** A configuration, usage or privilege error stopped the command before it did anything. */
export const EXIT_USAGE = 2;

export type ExitCode = typeof EXIT_OK | typeof EXIT_INCOMPLETE | typeof EXIT_USAGE;

/**
 * The exit codes, each with its one meaning: a documented contract that scripts and schedulers
 * read. `--help` prints this table and README's "Exit codes" says the same
 * (test/unit/exit-codes.test.ts).
 */
export const EXIT_CODES: ReadonlyArray<{ code: ExitCode; name: string; meaning: string }> = [
  { code: EXIT_OK, name: 'EXIT_OK', meaning: 'all done' },
  {
    code: EXIT_INCOMPLETE,
    name: 'EXIT_INCOMPLETE',
    meaning:
      'not all done (what was done is committed), for example: some page or stream failed, Pancake refused the user token (the pages with a stored token were synced), ' +
      'a stream was skipped in two runs in a row because another process held it, the run was stopped by SIGTERM/SIGINT, ' +
      '`status --max-lag` found a stream behind, `doctor` found something to fix, or an unexpected error',
  },
  {
    code: EXIT_USAGE,
    name: 'EXIT_USAGE',
    meaning: 'configuration, usage or privilege error: nothing was done, and the message says what to change or which `GRANT` to run',
  },
];

/** The exit codes as `--help` shows them. */
export function exitCodesHelp(): string {
  return helpColumns(EXIT_CODES.map((c) => ({ label: String(c.code), text: c.meaning })));
}

export class UserError extends Error {
  /** The process exit code when this error ends a command. */
  readonly exitCode: ExitCode = EXIT_USAGE;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A bad command-line flag or flag combination. */
export class UsageError extends UserError {}

/** The exit code a command ends with when `error` escapes it. */
export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof UserError ? error.exitCode : EXIT_INCOMPLETE;
}
