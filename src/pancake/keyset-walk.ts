// The walk of the v2 conversations listing: keyset paging ("the next batch after this id"). A
// conversation that changes during the walk leaves its place without shifting the others, so
// nothing can be skipped; it moves past the window (its updated_at becomes the present), where the
// next run's lookback reads it. Used by the sync's conversations stream and the library's
// `iterateConversations`.
//
// A walk that cannot loop. Public clients guard against a `last_conversation_id` that does not
// move (docs/pancake-api.md, "Paging hazard"); so does this one:
// - a full batch whose last id is the cursor it was asked after: the cursor did not move, and
//   asking again would bring the same batch forever;
// - a full batch that brings nothing this walk has not read. That also happens, once, when the
//   conversation the cursor names is edited mid-walk: its place is now the top of the listing, so
//   "after it" starts the window over. The walk then asks once after the row read before the
//   cursor (the cursor's old neighbour, which has not moved); a second batch with nothing new ends it.
// Either way the walk ends with a batch marked `stuck` (naming the cursor) instead of its last
// position: what it read is stored, its window is not finished, and the next run reads it again.

import { inclusiveSeconds, type TimeWindow, type SecondsWindow, type WalkBatch } from './window.js';

/** Where a window's walk stands: the id of the last record read. */
export interface KeysetPosition {
  after: string;
}

/** The batch after `after` (null: the first) of the records in [since, until], inclusive seconds. */
export type FetchAfter<Rec> = (window: SecondsWindow, after: string | null) => Promise<Rec[]>;

export async function* walkKeyset<Rec extends { id: string | number }>(fetchAfter: FetchAfter<Rec>, pageSize: number, window: TimeWindow, from: KeysetPosition | null): AsyncGenerator<WalkBatch<Rec, KeysetPosition>> {
  const range = inclusiveSeconds(window);
  if (range === null) {
    yield { records: [], position: null };
    return;
  }
  let after = from?.after ?? null;
  const seen = new Set<string>();
  // The ids of the last batch that brought something new, and whether the walk has stepped back once.
  let deepest: string[] = [];
  let steppedBack = false;
  for (;;) {
    const batch = await fetchAfter(range, after);
    // Only records with an id can be a cursor: one sent without (skipped by the sync) cannot be one.
    const ids = batch.filter((r) => (typeof r?.id === 'string' && r.id !== '') || (typeof r?.id === 'number' && Number.isFinite(r.id))).map((record) => String(record.id));
    const fresh = ids.filter((id) => !seen.has(id)).length;
    for (const id of ids) seen.add(id);
    const last = ids.at(-1);
    if (batch.length < pageSize || last === undefined) {
      yield { records: batch, position: null };
      return;
    }
    if (last === after) {
      yield { records: batch, position: null, stuck: `last_conversation_id=${after} did not move: Pancake answered a batch ending with the same id` };
      return;
    }
    if (fresh === 0) {
      const neighbour = deepest.at(-2);
      if (steppedBack || neighbour === undefined || neighbour === after) {
        yield { records: batch, position: null, stuck: `last_conversation_id=${after ?? '(none)'} brought nothing new: every conversation of the batch was read earlier in this walk` };
        return;
      }
      steppedBack = true;
      after = neighbour;
      yield { records: batch, position: { after } };
      continue;
    }
    deepest = ids;
    steppedBack = false;
    after = last;
    yield { records: batch, position: { after } };
  }
}
