import type { PgType, TableSpec } from './table-spec.js';

// Typed columns that copy a field of the row's `raw`: `messages.text` is `raw.original_message`,
// `messages.from_name` is `raw.from.name`, `conversations.snippet` is `raw.snippet`. Such a value
// need not travel twice: the upsert reads it from `raw` in SQL (upsert.ts). Nothing is declared:
// for each batch, a column is read from raw when, in EVERY row of the batch, its value is exactly
// (===) the value found at one path of that row's raw; otherwise the batch sends it. Correct by
// construction whatever the data, since every row is checked; a batch that differs (one message
// whose text came from its HTML) only sends that column.
//
// Measured on the busy shop of the CPU benchmark (bench/README.md, "CPU per request"): a message
// row carried about 650 bytes of typed columns besides its 1,200 bytes of raw; 12 of its 17 typed
// columns are copies (id, page_id, conversation_id, text, type, from_id, from_name, the sender's
// user id and admin name, has_phone, is_hidden, is_removed), about 560 of those bytes. The path a
// column was found at is tried first in the next batch of the same table: most of the search is
// spared.

/** Where a column's value is in raw: a top-level field, or a field of a top-level object. */
export type RawPath = readonly [string] | readonly [string, string];

/** Per column of the spec (same order): the raw path it is read from, or null when it is sent. */
export type ColumnSources = ReadonlyArray<RawPath | null>;

/** Per table, the path each column was last found at (a hint: every batch is checked row by row). */
const rememberedPaths = new WeakMap<TableSpec<never>, Array<RawPath | null>>();

/** Types whose SQL value the text of a JSON scalar gives exactly (timestamps are not: zones, precision). */
const COPYABLE: ReadonlySet<PgType> = new Set(['text', 'smallint', 'integer', 'bigint', 'numeric', 'boolean', 'double precision']);

/** The index of the spec's `raw jsonb` column, or -1. */
export function rawColumnIndex<Row>(spec: TableSpec<Row>): number {
  return spec.columns.findIndex((c) => c.name === 'raw' && c.type === 'jsonb');
}

/**
 * Which columns every row of `rows` copies from its raw (see the header); `values(row, column)` is
 * the value the column would send. Null when no column can be read from raw.
 */
export function rawCopies<Row>(spec: TableSpec<Row>, rows: readonly Row[], values: (row: Row, column: number) => unknown): ColumnSources | null {
  const rawAt = rawColumnIndex(spec);
  if (rawAt < 0 || rows.length === 0) return null;
  const raws: Array<Record<string, unknown>> = [];
  for (const row of rows) {
    const raw = row[spec.columns[rawAt]!.name];
    if (!isPlainObject(raw)) return null;
    raws.push(raw);
  }
  const textsOf = new Map<number, Map<unknown, RawPath[]>>();
  const everyRowHolds = (path: RawPath, index: number, skip = -1): boolean => {
    for (let r = 0; r < rows.length; r++) if (r !== skip && !sameScalar(at(raws[r]!, path), values(rows[r]!, index))) return false;
    return true;
  };
  let remembered = rememberedPaths.get(spec as TableSpec<never>);
  if (!remembered) rememberedPaths.set(spec as TableSpec<never>, (remembered = spec.columns.map(() => null)));
  const memory = remembered;
  let found = false;
  const sources = spec.columns.map((column, index): RawPath | null => {
    if (index === rawAt || !COPYABLE.has(column.type)) return null;
    // Batches of a table look alike: the path the last batch used is tried first.
    const last = memory[index];
    if (last && everyRowHolds(last, index)) {
      found = true;
      return last;
    }
    // The paths are looked for in the first row with text in the column (an empty text would match
    // every empty field), then checked in every other row.
    let probe = 0;
    for (let r = 0; r < rows.length; r++) {
      if (isText(values(rows[r]!, index))) {
        probe = r;
        break;
      }
    }
    const value = values(rows[probe]!, index);
    let texts = textsOf.get(probe);
    if (!texts && isText(value)) textsOf.set(probe, (texts = textPaths(raws[probe]!)));
    const candidates = pathsOf(raws[probe]!, value, column.name, texts);
    for (const path of candidates) {
      if (everyRowHolds(path, index, probe)) {
        found = true;
        memory[index] = path;
        return path;
      }
    }
    return null;
  });
  return found ? sources : null;
}

/**
 * Paths of `raw` holding `value`, the likeliest first: the column's own name, then a nested field
 * whose path spells the name (`from_name` ← from.name), then any other field. Texts only beyond the
 * own name: a flag or a count equal by chance would only multiply the statement's variants.
 */
function pathsOf(raw: Record<string, unknown>, value: unknown, name: string, texts: Map<unknown, RawPath[]> | undefined): RawPath[] {
  const own: RawPath[] = Object.hasOwn(raw, name) && sameScalar(raw[name], value) ? [[name]] : [];
  const others = isText(value) ? (texts?.get(value) ?? []) : [];
  if (others.length === 0) return own;
  const spelled = others.filter((path) => path.length === 2 && `${path[0]}_${path[1]}` === name);
  return [...own, ...spelled, ...others.filter((path) => !(path.length === 1 && path[0] === name) && !spelled.includes(path))];
}

/** Every non-empty text of raw, top level and one level down, with where it is. */
function textPaths(raw: Record<string, unknown>): Map<unknown, RawPath[]> {
  const texts = new Map<unknown, RawPath[]>();
  const add = (value: unknown, path: RawPath): void => {
    if (!isText(value)) return;
    const paths = texts.get(value);
    if (paths) paths.push(path);
    else texts.set(value, [path]);
  };
  for (const key of Object.keys(raw)) {
    const field = raw[key];
    if (isPlainObject(field)) for (const inner of Object.keys(field)) add(field[inner], [key, inner]);
    else add(field, [key]);
  }
  return texts;
}

function at(raw: Record<string, unknown>, path: RawPath): unknown {
  const field = raw[path[0]];
  if (path.length === 1) return field;
  return isPlainObject(field) ? field[path[1]] : undefined;
}

/** Whether reading the raw field gives the value: equal scalars, or both missing (SQL null). */
function sameScalar(field: unknown, value: unknown): boolean {
  if (value === null || value === undefined) return field === null || field === undefined;
  return (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) && field === value;
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
