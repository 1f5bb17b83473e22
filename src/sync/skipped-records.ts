import { redact } from '../redact.js';
import { usableId } from './coercions.js';
import type { StreamContext } from './stream.js';

// A record the API sends without a usable id (missing, null, "", not a string or a number) cannot
// be stored: its key would be 'undefined', and every such record would overwrite the last. It is
// skipped, stored nowhere, and never fails its stream; each stream of each page says once how many
// it skipped, with one example, in the log and the run summary.

export interface SkippedRecords {
  /** Keeps the records whose `idOf` is usable; notes the others. */
  keep<R>(records: readonly R[], idOf: (record: R) => unknown): R[];
  /** The one warning of this stream and page, when anything was skipped. */
  report(): void;
}

/** Fields that show which record it was without showing what a person wrote or who they are. */
const SHOWN_FIELDS = ['id', 'call_id', 'type', 'inserted_at', 'updated_at', 'start_time', 'conversation_id'];

export function skippedRecords(ctx: Pick<StreamContext, 'page' | 'log' | 'onWarning'>, stream: string, idField = 'id'): SkippedRecords {
  let count = 0;
  let example: string | null = null;
  return {
    keep(records, idOf) {
      const kept = records.filter((record) => usableId(idOf(record)) !== null);
      if (kept.length === records.length) return kept;
      for (const record of records) {
        if (usableId(idOf(record)) !== null) continue;
        count += 1;
        example ??= describe(record);
      }
      return kept;
    },
    report() {
      if (count === 0) return;
      const message = `${stream} of page ${ctx.page.id}: skipped ${count} record(s) without a usable ${idField} (missing, null, empty, or not a string or number), stored nowhere; e.g. ${example}`;
      if (ctx.onWarning) ctx.onWarning({ kind: 'record_without_id', message });
      else ctx.log.warn(message);
    },
  };
}

function describe(record: unknown): string {
  if (typeof record !== 'object' || record === null) return JSON.stringify(record) ?? String(record);
  const shown = Object.fromEntries(SHOWN_FIELDS.filter((f) => f in record).map((f) => [f, (record as Record<string, unknown>)[f]]));
  const text = JSON.stringify(shown);
  return redact(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}
