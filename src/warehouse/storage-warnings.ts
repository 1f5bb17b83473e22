// A record stored in reduced form (see storable.ts) deserves a warning where the operator sees it:
// the log and the run summary of the stream that wrote it. The writes take where to report as an
// argument (the stream guard hands each stream its own), rather than finding it in an
// AsyncLocalStorage: measured on the CPU benchmark (bench/README.md, "CPU per request"), the
// promise hooks an AsyncLocalStorage turns on cost every promise of the process, about a twentieth
// of the sync's CPU.

export interface StorageWarning {
  table: string;
  /** The record's key, e.g. `page_id=1, id=m_1`. */
  key: string;
  /** How the record was reduced. */
  reasons: string[];
}

/** Receives the storage warnings of a write; null where nobody listens (library use, tests). */
export type StorageWarningSink = ((warning: StorageWarning) => void) | null;
