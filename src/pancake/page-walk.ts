// The walk of listings ordered by a time that never changes (call logs by start_time, posts by
// inserted_at): plain page numbers. The paging hazard needs a record to LEAVE the ordering; here
// records only arrive, at the newest end, which pushes the others one place down, so the record at
// a page's end is read again at the next page's start: duplicates (harmless upserts), never a skip.
// Used by the sync's call logs and posts and by the library's `iterateCallLogs` and `iteratePosts`.

import { PancakeArgumentError } from './errors.js';
import { inclusiveSeconds, type TimeWindow, type WalkBatch } from './window.js';

/** Where a window's walk stands: the next page number to read. */
export interface PagePosition {
  pageNumber: number;
}

/** One page of the records whose time lies in [since, until], whole unix seconds, both included. */
export type FetchPage<Rec> = (since: number, until: number, pageNumber: number) => Promise<Rec[]>;

/** Pages through a window; the last batch, the first short or empty page, has position null. */
export async function* walkPages<Rec>(fetchPage: FetchPage<Rec>, pageSize: number, window: TimeWindow, from: PagePosition | null): AsyncGenerator<WalkBatch<Rec, PagePosition>> {
  const range = inclusiveSeconds(window);
  if (range === null) {
    yield { records: [], position: null };
    return;
  }
  yield* walkPageNumbers((pageNumber) => fetchPage(range.since, range.until, pageNumber), pageSize, from);
}

/**
 * Pages from `from` (default 1) until a page holds fewer than `pageSize` records. A full page that
 * repeats the previous one (same first and last record) means the listing ignores page_number: the
 * walk ends there, marked stuck, instead of asking for pages forever.
 */
export async function* walkPageNumbers<Rec>(fetchPage: (pageNumber: number) => Promise<Rec[]>, pageSize: number, from: PagePosition | null = null): AsyncGenerator<WalkBatch<Rec, PagePosition>> {
  let previous: string | null = null;
  for (let pageNumber = from?.pageNumber ?? 1; ; pageNumber++) {
    const records = await fetchPage(pageNumber);
    const done = records.length < pageSize;
    const ends = done ? null : pageEnds(records);
    if (ends !== null && ends === previous) {
      yield { records, position: null, stuck: `page_number=${pageNumber} answered the same records as page ${pageNumber - 1}` };
      return;
    }
    previous = ends;
    yield { records, position: done ? null : { pageNumber: pageNumber + 1 } };
    if (done) return;
  }
}

/** A full page's first and last record, to tell a repeated page from the next one. */
export function pageEnds(records: readonly unknown[]): string {
  return JSON.stringify([records[0], records.at(-1)]);
}

/** Refuses what the API would refuse for a page number, naming the parameter. */
export function checkPageNumber(pageNumber: unknown): number {
  if (typeof pageNumber !== 'number' || !Number.isInteger(pageNumber) || pageNumber < 1) {
    throw new PancakeArgumentError('pageNumber', `must be a whole number ≥ 1, got ${String(pageNumber)}`);
  }
  return pageNumber;
}
