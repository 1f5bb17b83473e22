import { isMaskable, isSecretKey, mayHoldKnownSecret, MASK } from '../redact.js';
import { rawColumnIndex, rawCopies, type ColumnSources } from './raw-copies.js';
import { itemsOfOneParent, rememberParent, type ParentBatch } from './raw-references.js';
import { STATEMENT_CHARS } from './write-together.js';
import { CUT_STRING_CHARS, cutLongStrings, MAX_JSON_DEPTH, MAX_ROW_JSON_CHARS, rawStub, storableJson, storableText } from './storable.js';
import type { StorageWarningSink } from './storage-warnings.js';
import type { PgType, TableSpec } from './table-spec.js';

// A batch of rows as the JSON text an upsert carries (upsert.ts): one array per row, the values in
// the table's column order, those read from raw left out (raw-copies.ts); jsonb nested, text
// cleaned, secrets masked (storable.ts), instants as ISO strings.
//
// Almost every batch needs none of the cleaning, so the whole batch is written with ONE
// JSON.stringify of its row arrays (no key names, no many small strings joined) and checked once:
// its text for \u escapes Postgres refuses and for known secrets, its jsonb values for nesting and
// secret-named fields. Only a batch that fails is written row by row, and only the rows that fail
// are copied and cleaned value by value. Measured on the busy shop's 1,074 message batches of
// 3 × 300 conversations (bench/README.md, "CPU per request"), JSON, statement text and their UTF-8
// encoding included: one object text per row, checked with one regular expression each and joined,
// took 19.7 µs per row and 1.64 times the bytes of raw; this takes 11.7 µs and 1.13 times (median
// of 10 alternating rounds).

/** A batch as the upsert sends it. */
export interface StorableBatch {
  /** Per column: null when its value is in the row arrays, else the raw path it is read from. */
  sources: ColumnSources;
  /** JSON arrays of row arrays, each at most STATEMENT_CHARS long (one row at least). */
  parts: string[];
  /**
   * Set when every raw is an item of one parent batch's raws (raw-references.ts): the row arrays
   * carry [row, item] in raw's place, read as `parent -> row -> raw -> list -> item`.
   */
  rawFrom?: { parent: ParentBatch; list: string };
}

/**
 * What in a batch's JSON text means cleaning would change it: an escaped NUL or lone surrogate
 * (JSON.stringify writes both as \u escapes, and Postgres refuses them). Looked for only where the
 * text has a \u escape at all, which a native search finds at once. A false alarm only costs the
 * slow path.
 */
const REFUSED_ESCAPES = /\\u0000|\\ud[89a-f]/i;

/** The batch's JSON, cleaned and reduced as storable.ts says; reductions go to `onWarning`. */
export function storableBatch<Row>(spec: TableSpec<Row>, rows: readonly Row[], onWarning: StorageWarningSink): StorableBatch {
  return plainBatch(spec, rows) ?? cleanedBatch(spec, rows, onWarning);
}

/** The batch written as it is, or null when cleaning or reducing could change a row. */
function plainBatch<Row>(spec: TableSpec<Row>, rows: readonly Row[]): StorableBatch | null {
  const plan = planOf(spec);
  const sources = rawCopies(spec, rows, (row, index) => sentValue(spec, plan, row, index)) ?? plan.everySent;
  const sent = sentColumns(sources);
  const rawPlace = sent.indexOf(plan.rawAt);
  const raws = rawPlace >= 0 ? rows.map((row) => row[spec.columns[plan.rawAt]!.name]) : [];
  // Raws that are items of a parent batch written as it is were checked there, as part of it.
  const items = rawPlace >= 0 ? itemsOfOneParent(spec as TableSpec<never>, raws) : null;
  let json: string;
  try {
    json = JSON.stringify(
      rows.map((row, i) => {
        const values = rowValues(spec, plan, row, sent);
        if (items) values[rawPlace] = items.slots[i];
        return values;
      }),
    );
  } catch {
    return null; // a bigint or a cycle: the slow path says what becomes of it
  }
  if (json.length > MAX_ROW_JSON_CHARS || refusedEscapes(json) || mayHoldKnownSecret(json) || rows.some((row) => nestsTooDeepOrHidesSecret(spec, plan, row, items ? plan.rawAt : -1))) return null;
  if (items) return { sources, parts: [json], rawFrom: { parent: items.parent, list: items.list } };
  if (rawPlace >= 0) rememberParent({ json, rawPlace, spec: spec as TableSpec<never>, sources, raws, keys: pageAndIdKeys(spec, rows) });
  return { sources, parts: [json] };
}

/** The rows' `page_id` and `id` joined by a NUL when they are the table's key (worked out once, when asked), else null. */
function pageAndIdKeys<Row>(spec: TableSpec<Row>, rows: readonly Row[]): () => ReadonlySet<string> | null {
  let keys: Set<string> | null | undefined;
  return () => {
    if (keys === undefined) {
      const [page, id] = spec.key as ReadonlyArray<string>;
      keys = spec.key.length === 2 && page === 'page_id' && id === 'id' ? new Set(rows.map((row) => `${String(row[spec.key[0]!])}\u0000${String(row[spec.key[1]!])}`)) : null;
    }
    return keys;
  };
}

/** Row by row, every column sent: rows that need it cleaned, grouped into parts of STATEMENT_CHARS. */
function cleanedBatch<Row>(spec: TableSpec<Row>, rows: readonly Row[], onWarning: StorageWarningSink): StorableBatch {
  const plan = planOf(spec);
  const sources = plan.everySent;
  const sent = sentColumns(sources);
  const parts: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const row of rows) {
    let json: string | null = null;
    try {
      json = JSON.stringify(rowValues(spec, plan, row, sent));
    } catch {
      json = null;
    }
    if (json === null || json.length > MAX_ROW_JSON_CHARS || refusedEscapes(json) || mayHoldKnownSecret(json) || nestsTooDeepOrHidesSecret(spec, plan, row)) json = cleanedRowJson(spec, row, onWarning);
    if (current.length > 0 && size + json.length > STATEMENT_CHARS) {
      parts.push(`[${current.join(',')}]`);
      current = [];
      size = 0;
    }
    current.push(json);
    size += json.length + 1;
  }
  if (current.length > 0) parts.push(`[${current.join(',')}]`);
  return { sources, parts };
}

/** What the batch writer needs to know of a table, worked out once. */
interface TablePlan {
  /** Per column: a text column named like a secret (its values are masked). */
  secret: boolean[];
  /** The jsonb columns' indexes: the only values that nest. */
  jsonb: number[];
  everySent: ColumnSources;
  /** The `raw jsonb` column's index, or -1. */
  rawAt: number;
}

const plans = new WeakMap<TableSpec<never>, TablePlan>();

function planOf<Row>(spec: TableSpec<Row>): TablePlan {
  let plan = plans.get(spec as TableSpec<never>);
  if (!plan) {
    const jsonb = spec.columns.flatMap((c, index) => (c.type === 'jsonb' ? [index] : []));
    plan = { secret: spec.columns.map((c) => c.type === 'text' && isSecretKey(c.name)), jsonb, everySent: spec.columns.map(() => null), rawAt: rawColumnIndex(spec) };
    plans.set(spec as TableSpec<never>, plan);
  }
  return plan;
}

/** A column's value as the row arrays carry it when nothing needs cleaning. */
function sentValue<Row>(spec: TableSpec<Row>, plan: TablePlan, row: Row, index: number): unknown {
  const column = spec.columns[index]!;
  const value = row[column.name];
  if (value === undefined || value === null) return null;
  if (column.type === 'text') {
    if (plan.secret[index] && isMaskable(value)) return MASK;
    return typeof value === 'string' ? value : String(value);
  }
  // An instant as its ISO string, made here: JSON.stringify calling each Date's toJSON is slower.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return value;
}

function rowValues<Row>(spec: TableSpec<Row>, plan: TablePlan, row: Row, sent: readonly number[]): unknown[] {
  const values = new Array<unknown>(sent.length);
  for (let k = 0; k < sent.length; k++) values[k] = sentValue(spec, plan, row, sent[k]!);
  return values;
}

function sentColumns(sources: ColumnSources): number[] {
  const sent: number[] = [];
  sources.forEach((source, index) => source === null && sent.push(index));
  return sent;
}

function refusedEscapes(json: string): boolean {
  return json.includes('\\u') && REFUSED_ESCAPES.test(json);
}

/**
 * Whether `value` nests containers deeper than `limit` levels (a scalar: 0, `{}`: 1), or has a
 * field named like a secret (redact.ts) at any level. Walked with a budget, so it never recurses
 * past limit + 1. Measured on the busy shop's batches (bench/README.md, "CPU per request"): a third
 * of the time of looking for both in the batch's JSON text (brackets outside strings, and a secret
 * word before `":`, case aside).
 */
export function nestsDeeperOrHidesSecret(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit <= 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (nestsDeeperOrHidesSecret(item, limit - 1)) return true;
    return false;
  }
  for (const key in value) if (isSecretKey(key) || nestsDeeperOrHidesSecret((value as Record<string, unknown>)[key], limit - 1)) return true;
  return false;
}

/** Whether a row's jsonb values (but the column `skip`) nest deeper than storable.ts keeps as they are, or hold a secret-named field. */
function nestsTooDeepOrHidesSecret<Row>(spec: TableSpec<Row>, plan: TablePlan, row: Row, skip = -1): boolean {
  for (const index of plan.jsonb) if (index !== skip && nestsDeeperOrHidesSecret(row[spec.columns[index]!.name], MAX_JSON_DEPTH - 1)) return true;
  return false;
}

/** The row's array, copied value by value with every cleaning and reduction of storable.ts. */
function cleanedRowJson<Row>(spec: TableSpec<Row>, row: Row, onWarning: StorageWarningSink): string {
  const reasons: string[] = [];
  const tooDeep = () => {
    const reason = `nesting deeper than ${MAX_JSON_DEPTH} levels kept as JSON text`;
    if (!reasons.includes(reason)) reasons.push(reason);
  };
  const values = spec.columns.map((column) => toParam(row[column.name], column, tooDeep));
  let json = JSON.stringify(values);
  if (json.length > MAX_ROW_JSON_CHARS) {
    const size = json.length;
    spec.columns.forEach((column, index) => {
      if (column.type === 'text' || column.type === 'jsonb') values[index] = cutLongStrings(values[index]);
    });
    reasons.push(`${size} characters of JSON: strings over ${CUT_STRING_CHARS} characters cut`);
    json = JSON.stringify(values);
    const rawAt = rawColumnIndex(spec);
    if (json.length > MAX_ROW_JSON_CHARS && rawAt >= 0) {
      values[rawAt] = rawStub(size);
      reasons.push('raw replaced by a stub');
      json = JSON.stringify(values);
    }
  }
  if (reasons.length > 0) onWarning?.({ table: spec.table, key: spec.key.map((k) => `${k}=${String(row[k])}`).join(', '), reasons });
  return json;
}

function toParam(value: unknown, column: { name: string; type: PgType }, onTooDeep: () => void): unknown {
  if (value === undefined || value === null) return null;
  if (column.type === 'jsonb') return storableJson(value, onTooDeep);
  if (column.type === 'text') return isSecretKey(column.name) && isMaskable(value) ? MASK : storableText(String(value));
  if (column.type === 'timestamptz' && value instanceof Date) return value.toISOString();
  return value;
}
