import type { Logger } from '../logger.js';
import { retryOnConnectionLoss } from '../warehouse/connection.js';
import type { RunWarning } from '../warehouse/runs.js';
import type { StorageWarning } from '../warehouse/storage-warnings.js';

// What every stream run gets around it: records stored in reduced form become warnings (logged and
// in the run summary), and a stream whose database connection drops is run again once the server
// answers: it resumes from its last commit, so nothing is read twice into the tables or lost.

/** Reduced records listed one by one in the run summary, per stream; the rest are counted. */
const LISTED_REDUCTIONS = 20;

export async function guardStream(
  target: { pageId: string; stream: string; log: Logger; warnings: RunWarning[] },
  run: (onStorageWarning: (warning: StorageWarning) => void, onWarning: (warning: { kind: string; message: string }) => void) => Promise<void>,
): Promise<void> {
  const { pageId, stream, log, warnings } = target;
  let reduced = 0;
  const onWarning = (warning: StorageWarning) => {
    reduced += 1;
    if (reduced > LISTED_REDUCTIONS) return;
    const message = `${warning.table} record ${warning.key} was stored in reduced form: ${warning.reasons.join('; ')}`;
    log.warn({ table: warning.table, key: warning.key, reasons: warning.reasons }, message);
    warnings.push({ pageId, stream, kind: 'reduced_record', message });
  };
  const onOtherWarning = ({ kind, message }: { kind: string; message: string }) => {
    log.warn({ kind }, message);
    warnings.push({ pageId, stream, kind, message });
  };
  try {
    await retryOnConnectionLoss(() => run(onWarning, onOtherWarning), { what: `${stream} of page ${pageId}`, log });
  } finally {
    if (reduced > LISTED_REDUCTIONS) {
      const more = reduced - LISTED_REDUCTIONS;
      log.warn(`${more} more record(s) of ${stream} were stored in reduced form`);
      warnings.push({ pageId, stream, kind: 'reduced_record', message: `${more} more record(s) of ${stream} of page ${pageId} were stored in reduced form` });
    }
  }
}
