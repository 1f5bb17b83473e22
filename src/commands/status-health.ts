import { liveLocks, describeHolder, type LockHolder } from '../warehouse/locks.js';
import { markAbandonedRuns } from '../warehouse/runs.js';
import { isPrivilegeError } from '../warehouse/privileges.js';
import type { Database } from '../warehouse/schema.js';
import type { Kysely } from 'kysely';

// The part of `status` about runs and locks rather than data: runs left `running` by a dead process
// are marked `aborted` first, then the last run's warnings and the locks held now are shown.

export type HeldLock = LockHolder & { pageId: string; stream: string };

/** Marks abandoned runs (when this login may) and returns the live locks; undefined on a schema without them. */
export async function runHealth(db: Kysely<Database>, applied: readonly string[]): Promise<HeldLock[] | undefined> {
  if (!applied.includes('0007_hardening')) return undefined;
  // A read-only login (the BI reader) may run status too: it just cannot mark anything.
  await markAbandonedRuns(db).catch((error: unknown) => {
    if (!isPrivilegeError(error)) throw error;
  });
  return liveLocks(db);
}

export function printRunHealth(warnings: unknown, locks: readonly HeldLock[] | undefined, out: NodeJS.WritableStream): void {
  const list = Array.isArray(warnings) ? (warnings as Array<{ message?: unknown }>) : [];
  if (list.length > 0) {
    out.write(`\nWarnings of the last run:\n`);
    for (const warning of list) out.write(`  ${String(warning.message)}\n`);
  }
  if (locks && locks.length > 0) {
    out.write(`\nStreams being synced now:\n`);
    for (const lock of locks) out.write(`  ${lock.pageId} ${lock.stream}: ${describeHolder(lock)}\n`);
  }
}
