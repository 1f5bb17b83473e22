// A walk over page-numbered `updated_at` listings that cannot skip a record while the shop keeps
// editing (docs/pancake-api.md, "Paging hazard": a record that changes mid-walk leaves its place and
// every later record shifts up one, so page N+1 starts one record too far). Used by the sync's
// customers and v1 conversations walks and by the library's `iteratePageCustomers`.
//
// Chosen walk: read each range in ONE request. A range whose first page comes back full (and
// `total` says there is more) is split in two, oldest half first, down to one second. A single
// answer is a consistent snapshot, so nothing can shift between its pages; a record that changes
// during the walk moves to "now", past the run's end, and the next run's lookback reads it.
// Cost: about two requests per full page instead of one, only where a range is dense.
//
// One second holding more than a page is paged through anyway, but from the LAST page to the
// first, then page 1 again: a record leaving the second shifts the later ones up, into pages not
// read yet (read twice at worst, never skipped), and no record can enter a past second because an
// edit moves updated_at to the present.

import { pageEnds } from './page-walk.js';
import { inclusiveSeconds, type TimeWindow, type WalkBatch } from './window.js';

export interface SplitPage<Rec> {
  records: Rec[];
  /** Records in the whole range, when the API says (customers and posts do); null otherwise. */
  total: number | null;
}

/** One page of the records whose time lies in [since, until], whole unix seconds, both included. */
export type FetchSplitPage<Rec> = (since: number, until: number, pageNumber: number) => Promise<SplitPage<Rec>>;

/** Where a window's walk stands: everything before `doneUntil` is stored; inside a dense second, the next page to read. */
export interface SplitPosition {
  doneUntil: string;
  /** Set while paging backwards through the one-second range starting at doneUntil. */
  floorPage?: number;
}

/**
 * Walks [since, until) (ms, whole seconds) and yields each answer as a batch whose position says how
 * far the walk got; the last batch has position null. `from` resumes an interrupted walk.
 */
export async function* walkSplitting<Rec>(
  fetchPage: FetchSplitPage<Rec>,
  pageSize: number,
  window: TimeWindow,
  from: SplitPosition | null,
): AsyncGenerator<WalkBatch<Rec, SplitPosition>> {
  const range = inclusiveSeconds(window);
  if (range === null) {
    yield { records: [], position: null };
    return;
  }
  // [start, end) in whole seconds: the split below halves it without sharing a second.
  const end = range.until + 1;
  let start = from ? seconds(new Date(from.doneUntil)) : range.since;
  const position = (doneUntil: number): SplitPosition | null => (doneUntil >= end ? null : { doneUntil: iso(doneUntil) });

  if (from?.floorPage !== undefined) {
    yield* pageBackwards(fetchPage, start, from.floorPage, position(start + 1));
    start += 1;
    if (start >= end) return;
  }
  if (start >= end) {
    yield { records: [], position: null };
    return;
  }
  yield* split(start, end);

  async function* split(since: number, until: number): AsyncGenerator<WalkBatch<Rec, SplitPosition>> {
    const first = await fetchPage(since, until - 1, 1);
    const complete = first.records.length < pageSize || (first.total !== null && first.records.length >= first.total);
    if (complete) {
      yield { records: first.records, position: position(until) };
      return;
    }
    if (until - since > 1) {
      const middle = since + Math.floor((until - since) / 2);
      yield* split(since, middle);
      yield* split(middle, until);
      return;
    }
    if (first.total === null) {
      // Without a total the last page is unknown: page forwards (the only remaining option).
      let pageNumber = 1;
      let batch = first;
      while (batch.records.length === pageSize) {
        yield { records: batch.records, position: { doneUntil: iso(since) } };
        const ends = pageEnds(batch.records);
        batch = await fetchPage(since, since, ++pageNumber);
        // A listing that ignores page_number answers the same full page forever (page-walk.ts).
        if (batch.records.length === pageSize && pageEnds(batch.records) === ends) {
          yield { records: batch.records, position: null, stuck: `page_number=${pageNumber} of second ${iso(since)} answered the same records as page ${pageNumber - 1}` };
          return;
        }
      }
      yield { records: batch.records, position: position(until) };
      return;
    }
    yield* pageBackwards(fetchPage, since, Math.ceil(first.total / pageSize), position(until));
  }
}

/** Pages `lastPage` down to 2 of one second, then page 1 again (see the file comment for why). */
async function* pageBackwards<Rec>(fetchPage: FetchSplitPage<Rec>, second: number, lastPage: number, done: SplitPosition | null): AsyncGenerator<WalkBatch<Rec, SplitPosition>> {
  for (let pageNumber = lastPage; pageNumber >= 2; pageNumber--) {
    const batch = await fetchPage(second, second, pageNumber);
    yield { records: batch.records, position: { doneUntil: iso(second), floorPage: pageNumber - 1 } };
  }
  const first = await fetchPage(second, second, 1);
  yield { records: first.records, position: done };
}

function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function iso(second: number): string {
  return new Date(second * 1000).toISOString();
}
