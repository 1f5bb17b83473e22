import type { ColumnSources } from './raw-copies.js';
import type { TableSpec } from './table-spec.js';

// A child row's raw that is an item of its parent's raw (a message's attachment, a conversation's
// tag, tag or assignment history entry, ad click) need not travel twice: the child's upsert reads
// it from the parent's JSON, which the statement already carries (write-together.ts binds one
// text once, StatementParams.shared), as `parent -> row -> raw -> list -> item`. Nothing is
// declared: the last batches written as they are (row-json.ts, plainBatch) are remembered; a child
// batch whose every raw is an item (the same object) of one list of one of them sends [row, item]
// in place of its raw. The parent's JSON was written from those very objects, so the child stores
// exactly what it would have sent; a batch whose parent was cleaned or split, or whose raws are
// built (an assignee with only an id), sends its raws as before.
//
// A statement, once built, forgets them (write-together.ts): kept longer, the batches' texts and
// raws would outlive the young generation and cost the garbage collector more than they save.
//
// Measured on the busy shop of the CPU benchmark (bench/README.md, "CPU per request"): 2.1 of the
// 34.9 MB a 3 × 300 backfill wrote to Postgres were such copies (attachments 0.75 MB, tag history
// 0.73, assignment history 0.41, tags 0.16, ad clicks 0.04). Where the items are is worked out only
// when a child asks, for its list only, and a table whose batch was no child is asked about again
// only every 64th batch: recording every item of every batch (a WeakMap of items) cost more CPU
// than the bytes saved.

/** A batch's JSON as a parent: the text, and where raw is in each row array. */
export interface ParentBatch {
  json: string;
  rawPlace: number;
  /** The table and the columns its row arrays carry (the rest read from raw), to read its keys in SQL. */
  spec: TableSpec<never>;
  sources: ColumnSources;
  /** Its rows' raws, in the JSON's order. */
  raws: readonly unknown[];
  /** `page_id` and `id` of its rows, joined by a NUL, when that is its key; worked out when first asked. */
  keys(): ReadonlySet<string> | null;
}

/** The newest batches remembered as parents: a child batch is built right after its parent's. */
const RECENT_PARENTS = 8;
const recent: Array<{ batch: ParentBatch; lists: Map<string, Map<unknown, [number, number]>> }> = [];

/** Per child table, the list its last batch's raws were items of (null: none; asked again every RETRY batches). */
const RETRY = 64;
let listOfTable = new WeakMap<TableSpec<never>, { list: string | null; skipped: number }>();

/** Remembers a batch written as it is, as the parent of the child batches built next. */
export function rememberParent(batch: ParentBatch): void {
  recent.unshift({ batch, lists: new Map() });
  if (recent.length > RECENT_PARENTS) recent.pop();
}

/** Forgets the remembered batches: called once a statement is built (write-together.ts), whose parts they were. */
export function forgetParents(): void {
  recent.length = 0;
}

/**
 * Forgets the remembered batches and what each child table's batches were, as in a new process. What
 * is stored never depends on this memory, only how many bytes travel: the tests of the mechanism start
 * from it whatever ran before them in the same process (test files share one, vitest.config.ts).
 */
export function forgetParentHistory(): void {
  forgetParents();
  listOfTable = new WeakMap();
}

/** `spec`'s raws as [row, item] of one list of one remembered batch, or null when any is not such an item. */
export function itemsOfOneParent(spec: TableSpec<never>, raws: readonly unknown[]): { parent: ParentBatch; list: string; slots: Array<[number, number]> } | null {
  if (raws.length === 0 || !isPlainObject(raws[0])) return null;
  let known = listOfTable.get(spec);
  if (!known) listOfTable.set(spec, (known = { list: null, skipped: RETRY }));
  if (known.list === null && ++known.skipped < RETRY) return null;
  known.skipped = 0;
  const list = known.list ?? listHolding(raws[0]);
  known.list = list;
  if (list === null) return null;
  for (const parent of recent) {
    const items = itemsOf(parent, list);
    if (!items.has(raws[0])) continue;
    const slots: Array<[number, number]> = [];
    for (const raw of raws) {
      const slot = items.get(raw);
      if (!slot) return null;
      slots.push(slot);
    }
    return { parent: parent.batch, list, slots };
  }
  return null;
}

/** The list of a remembered batch's raws that holds `item`, looked for in every list of every row. */
function listHolding(item: unknown): string | null {
  for (const { batch } of recent) {
    for (const raw of batch.raws) {
      if (!isPlainObject(raw)) continue;
      for (const list in raw) {
        const value = raw[list];
        if (Array.isArray(value) && value.includes(item)) return list;
      }
    }
  }
  return null;
}

/** Where each object item of `list` is in the parent's rows: [row, item]; worked out once per list. */
function itemsOf(parent: (typeof recent)[number], list: string): Map<unknown, [number, number]> {
  let items = parent.lists.get(list);
  if (items) return items;
  items = new Map();
  parent.batch.raws.forEach((raw, row) => {
    const value = isPlainObject(raw) ? raw[list] : undefined;
    if (Array.isArray(value)) value.forEach((item, index) => isPlainObject(item) && items!.set(item, [row, index]));
  });
  parent.lists.set(list, items);
  return items;
}

/**
 * A remembered batch whose rows are exactly `parents` (by page_id and id), newest first: the parents
 * whose child rows a statement replaces (bridges.ts) can be read from its JSON instead of sent again.
 */
export function batchOfParents(parents: ReadonlyArray<{ pageId: string; parentId: string }>): ParentBatch | null {
  if (parents.length === 0) return null;
  for (const { batch } of recent) {
    const keys = batch.keys();
    if (keys === null || keys.size > parents.length || !keys.has(`${parents[0]!.pageId}\u0000${parents[0]!.parentId}`)) continue;
    const wanted = new Set(parents.map((p) => `${p.pageId}\u0000${p.parentId}`));
    if (wanted.size !== keys.size) continue;
    let all = true;
    for (const key of wanted) if (!keys.has(key)) all = false;
    if (all) return batch;
  }
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
