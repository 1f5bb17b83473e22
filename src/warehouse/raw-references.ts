import type { ColumnSources } from './raw-copies.js';
import type { TableSpec } from './table-spec.js';

// A child row's raw that is an item of its parent's raw (a message's attachment, a conversation's
// tag, tag or assignment history entry, ad click) need not travel twice: the child's upsert reads
// it from the parent's JSON, which the statement already carries (write-together.ts binds one
// text once, StatementParams.shared), as `parent -> row -> raw -> list -> item`. Nothing is
// declared: a batch written as it is (row-json.ts, plainBatch) records where every object item of
// its raws' top-level lists is in its JSON; a child batch whose every raw is such an item of one
// batch, under one list name, sends [row, item] in place of its raw. The item is the same object
// the parent's JSON was written from, so the child stores exactly what it would have sent; a batch
// whose parent was cleaned or split, or whose raws are built (an assignee with only an id), sends
// its raws as before.
//
// Measured on the busy shop of the CPU benchmark (bench/README.md, "CPU per request"): 2.1 of the
// 34.9 MB a 3 × 300 backfill wrote to Postgres were such copies (attachments 0.75 MB, tag history
// 0.73, assignment history 0.41, tags 0.16, ad clicks 0.04).

/** A batch's JSON as a parent: the text, and where raw is in each row array. */
export interface ParentBatch {
  json: string;
  rawPlace: number;
  /** The table and the columns its row arrays carry (the rest read from raw), to read its keys in SQL. */
  spec: TableSpec<never>;
  sources: ColumnSources;
  /** `page_id` and `id` of its rows, joined by a NUL, when that is its key; worked out when first asked. */
  keys(): ReadonlySet<string> | null;
}

/** The newest batches remembered as parents: a child batch is built right after its parent's. */
const RECENT_PARENTS = 8;
const recent: ParentBatch[] = [];

/** Where an item is: its parent batch, the row's index in it, the list and the item's index. */
interface Place {
  parent: ParentBatch;
  row: number;
  list: string;
  item: number;
}

const places = new WeakMap<object, Place>();

/** Remembers `parent` (its JSON, its rows' keys) and where the object items of `raws`' top-level lists are in it. */
export function rememberItems(parent: ParentBatch, raws: readonly unknown[]): void {
  recent.unshift(parent);
  if (recent.length > RECENT_PARENTS) recent.pop();
  raws.forEach((raw, row) => {
    if (!isPlainObject(raw)) return;
    for (const list in raw) {
      const items = raw[list];
      if (!Array.isArray(items)) continue;
      items.forEach((value, item) => {
        if (isPlainObject(value)) places.set(value, { parent, row, list, item });
      });
    }
  });
}

/** The raws as [row, item] of one parent batch and list, or null when any is not such an item. */
export function itemsOfOneParent(raws: readonly unknown[]): { parent: ParentBatch; list: string; slots: Array<[number, number]> } | null {
  if (raws.length === 0) return null;
  const first = isPlainObject(raws[0]) ? places.get(raws[0]) : undefined;
  if (!first) return null;
  const slots: Array<[number, number]> = [];
  for (const raw of raws) {
    const place = isPlainObject(raw) ? places.get(raw) : undefined;
    if (!place || place.parent !== first.parent || place.list !== first.list) return null;
    slots.push([place.row, place.item]);
  }
  return { parent: first.parent, list: first.list, slots };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * A remembered batch whose rows are exactly `parents` (by page_id and id), newest first: the parents
 * whose child rows a statement replaces (bridges.ts) can be read from its JSON instead of sent again.
 */
export function batchOfParents(parents: ReadonlyArray<{ pageId: string; parentId: string }>): ParentBatch | null {
  const wanted = new Set(parents.map((p) => `${p.pageId}\u0000${p.parentId}`));
  for (const batch of recent) {
    const keys = batch.keys();
    if (keys === null || keys.size !== wanted.size) continue;
    let all = true;
    for (const key of wanted) if (!keys.has(key)) all = false;
    if (all) return batch;
  }
  return null;
}
