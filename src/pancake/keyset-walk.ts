// The walk of the v2 conversations listing: keyset paging ("the next batch after this id"). A
// conversation that changes during the walk leaves its place without shifting the others, so
// nothing can be skipped; it moves past the window (its updated_at becomes the present), where the
// next run's lookback reads it. Used by the sync's conversations stream and the library's
// `iterateConversations`.

import { inclusiveSeconds, type HalfOpenWindow, type SecondsWindow, type WalkBatch } from './window.js';

/** Where a window's walk stands: the id of the last record read. */
export interface KeysetPosition {
  after: string;
}

/** The batch after `after` (null: the first) of the records in [since, until], inclusive seconds. */
export type FetchAfter<Rec> = (window: SecondsWindow, after: string | null) => Promise<Rec[]>;

export async function* walkKeyset<Rec extends { id: string | number }>(fetchAfter: FetchAfter<Rec>, pageSize: number, window: HalfOpenWindow, from: KeysetPosition | null): AsyncGenerator<WalkBatch<Rec, KeysetPosition>> {
  const range = inclusiveSeconds(window);
  if (range === null) {
    yield { records: [], position: null };
    return;
  }
  let after = from?.after ?? null;
  for (;;) {
    const batch = await fetchAfter(range, after);
    const last = batch.at(-1);
    const done = batch.length < pageSize || last === undefined;
    // The cursor is the last record that has an id: one sent without (skipped by the sync) cannot be one.
    const lastWithId = batch.findLast((r) => (typeof r?.id === 'string' && r.id !== '') || (typeof r?.id === 'number' && Number.isFinite(r.id)));
    after = lastWithId === undefined ? after : String(lastWithId.id);
    yield { records: batch, position: done ? null : { after: after as string } };
    if (done) return;
  }
}
