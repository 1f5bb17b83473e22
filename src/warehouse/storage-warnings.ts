import { AsyncLocalStorage } from 'node:async_hooks';

// A record stored in reduced form (see storable.ts) deserves a warning where the operator sees it:
// the log and the run summary of the stream that wrote it. The upsert knows the record, the runner
// knows the stream; rather than thread a callback through every stream, the runner opens a scope
// around each stream and the upsert reports into whatever scope it runs in.

export interface StorageWarning {
  table: string;
  /** The record's key, e.g. `page_id=1, id=m_1`. */
  key: string;
  /** How the record was reduced. */
  reasons: string[];
}

const scope = new AsyncLocalStorage<(warning: StorageWarning) => void>();

/** Runs `fn` with `onWarning` receiving the storage warnings of the writes it makes. */
export function withStorageWarnings<T>(onWarning: (warning: StorageWarning) => void, fn: () => Promise<T>): Promise<T> {
  return scope.run(onWarning, fn);
}

/** Reports a reduced record to the current scope (none outside a sync, e.g. in library use). */
export function warnStorage(warning: StorageWarning): void {
  scope.getStore()?.(warning);
}
