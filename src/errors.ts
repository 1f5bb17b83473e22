// What a user can fix versus what is a bug. Every error a person can act on (a setting, a flag, a
// database that does not answer, a directory Postgres cannot reach) is a UserError: the CLI prints
// its message alone, without a stack trace, and exits with its code. Anything else is unexpected.

/** Exit codes: 0 all done, 1 some page/stream failed (the rest committed), 2 configuration or usage. */
export const EXIT_OK = 0;
export const EXIT_PARTIAL = 1;
export const EXIT_USAGE = 2;

export class UserError extends Error {
  /** The process exit code when this error ends a command. */
  readonly exitCode: number = EXIT_USAGE;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A bad command-line flag or flag combination. */
export class UsageError extends UserError {}

/** The exit code a command ends with when `error` escapes it. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UserError ? error.exitCode : EXIT_PARTIAL;
}
