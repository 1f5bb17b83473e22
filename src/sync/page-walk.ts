// The walk of listings ordered by a time that never changes (call logs by start_time, posts by
// inserted_at): plain page numbers. The paging hazard needs a record to LEAVE the ordering; here
// records only arrive, at the newest end, which pushes the others one place down, so the record at
// a page's end is read again at the next page's start: duplicates (harmless upserts), never a skip.

import type { WindowBatch } from './windowed.js';

/** Where a window's walk stands: the next page number to read. */
export interface PagePosition {
  pageNumber: number;
}

/**
 * Pages through [window.since, window.until) (whole seconds; the API includes both ends, so the
 * request ends one second before `until`, which the next window starts with). The last batch, the
 * first short or empty page, has position null.
 */
export async function* walkPages<Rec>(
  fetchPage: (since: number, until: number, pageNumber: number) => Promise<Rec[]>,
  pageSize: number,
  window: { since: Date; until: Date },
  from: PagePosition | null,
): AsyncGenerator<WindowBatch<Rec, PagePosition>> {
  const since = Math.floor(window.since.getTime() / 1000);
  const until = Math.floor(window.until.getTime() / 1000) - 1;
  if (until < since) {
    yield { records: [], position: null };
    return;
  }
  for (let pageNumber = from?.pageNumber ?? 1; ; pageNumber++) {
    const records = await fetchPage(since, until, pageNumber);
    const done = records.length < pageSize;
    yield { records, position: done ? null : { pageNumber: pageNumber + 1 } };
    if (done) return;
  }
}
