import type { Kysely } from 'kysely';
import type { Database } from '../warehouse/schema.js';
import { describeHolder, type LockHolder } from '../warehouse/locks.js';
import { previousStreamResults, type RunFailure, type RunWarning } from '../warehouse/runs.js';

// A stream skipped because another process holds its lock is normal once (two runs overlapping) and
// a warning; skipped again in the next run, it is a stream that is not being synced, and the run
// exits 1 so that whoever watches the job hears of it.

/** The warning for a stream skipped because `holder` holds it (or the stream it depends on). */
export function lockedWarning(pageId: string, stream: string, holder: LockHolder | null, dependsOn?: string): RunWarning {
  const what = dependsOn ? `${dependsOn} (which ${stream} depends on)` : stream;
  const who = holder ? ` (${describeHolder(holder)})` : '';
  return { pageId, stream, kind: 'locked', message: `another pancake-sync process is syncing ${what} of page ${pageId}${who}; ${stream} was skipped in this run` };
}

/** Turns the skips that repeat the previous run's into failures. */
export async function failRepeatedLockSkips(
  db: Kysely<Database>,
  runId: string,
  outcomes: ReadonlyArray<{ pageId: string; stream: string; status: string }>,
  sink: { warnings: readonly RunWarning[]; failures: RunFailure[] },
): Promise<void> {
  const skipped = outcomes.filter((o) => o.status === 'skipped_locked');
  if (skipped.length === 0) return;
  const before = await previousStreamResults(db, runId, skipped);
  for (const o of skipped) {
    if (before.get(`${o.pageId}\u0000${o.stream}`) !== 'skipped_locked') continue;
    const warning = sink.warnings.find((w) => w.kind === 'locked' && w.pageId === o.pageId && w.stream === o.stream);
    sink.failures.push({
      pageId: o.pageId,
      stream: o.stream,
      kind: 'locked',
      message:
        `${o.stream} of page ${o.pageId} was skipped in this run and in the previous one${warning ? ` (${warning.message.replace(/; .*$/, '')})` : ''}. ` +
        'If that process is stuck, stop it; a lock whose process is gone frees itself within 2 minutes.',
    });
  }
}
