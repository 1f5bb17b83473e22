// What a row of pancake.sync_runs keeps in its jsonb columns, as the code writes and reads it: the
// run's failures and warnings, each page's stream results and health, and the options it started
// with (which, for a queued run, list the pages that got a task).

export interface RunFailure {
  pageId: string | null;
  stream: string | null;
  kind: string;
  message: string;
}

/** Something the operator should know that did not fail the run (a stream skipped once, a record stored reduced). */
export interface RunWarning {
  pageId: string | null;
  stream: string | null;
  kind: string;
  message: string;
}

/** How a page's token and pace fared in a run (sync_runs.page_health, shown by status). */
export interface PageHealth {
  /** Where the page's token came from: PANCAKE_PAGE_TOKENS, stored, generated; null when it had none. */
  token: string | null;
  /** Whether Pancake accepted it in this run; null when no request told. */
  tokenState: 'working' | 'refused' | null;
  /** The page token's pace at the end of the run (requests/s); null when it sent nothing. */
  rate: number | null;
  /** Its rate-limited answers in the run. */
  rateLimited: number;
}

/** One stream of one page as `sync_runs.counts` keeps it: its counts, how it ended, and why when unavailable. */
export interface StreamResult {
  records: number;
  rowsWritten: number;
  unitsDone: number;
  status: string;
  reason?: string;
}

/** One page's streams as `sync_runs.counts` keeps them, by stream name. */
export type PageCounts = Record<string, StreamResult>;

/** The pages of a queued run that got a task (its options' `queuedPages`). */
export function queuedPagesOf(options: unknown): string[] {
  return stringList((options as { queuedPages?: unknown } | null)?.queuedPages);
}

/** The streams a run selected (its options' `streams`). */
export function streamsOf(options: unknown): string[] {
  return stringList((options as { streams?: unknown } | null)?.streams);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
