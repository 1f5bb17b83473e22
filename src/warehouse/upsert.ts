import { rawColumnIndex, type ColumnSources } from './raw-copies.js';
import { storableBatch, type StorableBatch } from './row-json.js';
import { writeTogether, type WritePart } from './write-together.js';
import type { StorageWarningSink } from './storage-warnings.js';
import type { Queryable, TableSpec } from './table-spec.js';

// Batched, idempotent upserts. One statement per batch with ONE parameter, the batch as a JSON array
// of row arrays (row-json.ts) that Postgres reads with jsonb_array_elements: no 65,535-parameter
// cap, one plan, the rows' jsonb nested rather than escaped, each value sent once. A typed column
// that copies a field of raw is read from raw in the statement (raw-copies.ts), so the statement's
// text varies with the columns a batch copies; one text per variant is built and kept. A child
// row's raw that is an item of its parent's raw is read from the parent's JSON, which the statement
// binds once (raw-references.ts).
//
// Measured (bench/README.md, "CPU per request"), on the busy shop's 713 message batches of 3 × 200
// conversations: the JSON and statement text this process builds went from 1.64 to 1.13 times the
// bytes of the rows' raw; Postgres spent 540–760 ms of CPU on them against 690–960 ms for the
// json_to_recordset of one object per row that this replaced (seven alternating rounds);
// json_array_elements (json, not jsonb) took 2,760–3,230 ms, since each `->` parses the row again.
// A whole sync of the busy shop writes 1.18 bytes to Postgres per byte read from the API (1.62
// before). The statement text is sent once per connection: write-together.ts's statements are
// named (prepared-statements.ts) unless DATABASE_PREPARED_STATEMENTS=off (a pooler in transaction
// mode); the parent JSON's `$n::jsonb` is then a parameter of type jsonb, parsed once at bind, not
// per row (checked with `explain (generic_plan)`). Left out, measured or reasoned:
//  - COPY: it cannot be one of the data-modifying CTEs that commit an API page's rows with their
//    checkpoint in one statement (write-together.ts), takes a temporary table and three more round
//    trips per page, and its text format doubles every backslash of the JSON.

export type { PgType, Queryable, TableSpec } from './table-spec.js';

/**
 * Inserts or updates `rows` by their key and returns how many rows changed. Values are made
 * storable first: no secret, no character Postgres refuses, no nesting or size it cannot take.
 * A row whose `raw` (or `spec.compare` columns) is unchanged is left alone (synced_at included),
 * so a run that reads nothing new writes nothing.
 * Duplicate keys inside the batch are collapsed, the last one winning: Postgres refuses to touch a
 * row twice in one statement. A record stored in reduced form is reported to `onWarning`.
 */
export function upsertRows<Row extends { raw: unknown }>(db: Queryable, spec: TableSpec<Row>, rows: readonly Row[], onWarning: StorageWarningSink = null): Promise<number> {
  return writeTogether(db, upsertParts(spec, rows, onWarning));
}

/**
 * The upsert of `rows` as parts of a statement (write-together.ts), to be written together with other
 * writes: usually one part, more when the rows' JSON is too large for one parameter.
 */
export function upsertParts<Row extends { raw: unknown }>(spec: TableSpec<Row>, rows: readonly Row[], onWarning: StorageWarningSink): WritePart[] {
  if (rows.length === 0) return [];
  const batch = storableBatch(spec, dedupeByKey(rows, spec.key), onWarning);
  const text = upsertText(spec, batch.sources, batch.rawFrom ?? null);
  const parent = batch.rawFrom?.parent.json;
  return batch.parts.map((json) => ({
    size: json.length,
    counts: true,
    // The parent's JSON is bound once per statement: its own upsert already carries it.
    render: (params) => `${text.before}${params.shared(json)}${parent === undefined ? '' : `${text.middle}${params.shared(parent)}`}${text.after}`,
  }));
}

/** Statement texts kept per table and variant; a table with more variants than this starts over. */
const MAX_VARIANTS = 64;
type UpsertText = { before: string; middle: string; after: string };
const upsertTexts = new WeakMap<TableSpec<never>, Map<string, UpsertText>>();

/**
 * The upsert statement of a table around its parameter (and, after `middle`, its parent batch's
 * when raw is read from it), for the columns `sources` says are sent.
 */
function upsertText<Row>(spec: TableSpec<Row>, sources: ColumnSources, rawFrom: StorableBatch['rawFrom'] | null): UpsertText {
  let variants = upsertTexts.get(spec as TableSpec<never>);
  if (!variants) upsertTexts.set(spec as TableSpec<never>, (variants = new Map()));
  const variant = `${sources.map((path) => (path ? path.join('\u0001') : '')).join('\u0000')}\u0002${rawFrom ? `${rawFrom.parent.rawPlace}\u0001${rawFrom.list}` : ''}`;
  const cached = variants.get(variant);
  if (cached) return cached;
  const names = spec.columns.map((c) => c.name);
  const columnList = names.map(quote).join(', ');
  const keyList = spec.key.map(quote).join(', ');
  const updatable = names.filter((name) => !spec.key.includes(name));
  const updates = [...updatable.map((name) => `${quote(name)} = excluded.${quote(name)}`), 'synced_at = now()'].join(', ');
  const [schema, table] = spec.table.split('.') as [string, string];
  const compared = spec.compare ?? ['raw'];
  const current = compared.map((name) => `${quote(table)}.${quote(name)}`).join(', ');
  const incoming = compared.map((name) => `excluded.${quote(name)}`).join(', ');
  const rawPlace = sentPlaces(sources).get(rawColumnIndex(spec));
  // A raw read from the parent batch's JSON: [row, item] in its place (raw-references.ts).
  const item = (n: number) => `(r->${rawPlace}->>${n})::int`;
  const conflict = `on conflict (${keyList}) do update set ${updates} where (${current}) is distinct from (${incoming})`;
  const text = {
    before: `insert into ${quote(schema)}.${quote(table)} (${columnList}, synced_at) select ${selectList(spec, sources, rawFrom ? 'x.raw' : `r->${rawPlace}`)}, now() from jsonb_array_elements(`,
    middle: rawFrom ? '::jsonb) r cross join lateral (select ' : '',
    after: rawFrom ? `::jsonb->${item(0)}->${rawFrom.parent.rawPlace}->${literal(rawFrom.list)}->${item(1)} as raw) x ${conflict}` : `::jsonb) r ${conflict}`,
  };
  if (variants.size >= MAX_VARIANTS) variants.clear();
  variants.set(variant, text);
  return text;
}

/** Per sent column (by its index in the spec): its place in a row array. */
function sentPlaces(sources: ColumnSources): Map<number, number> {
  const places = new Map<number, number>();
  sources.forEach((path, index) => path === null && places.set(index, places.size));
  return places;
}

/** Each column's value from a row array `r`: at its place, or from the raw field it copies; `raw`: raw's SQL. */
function selectList<Row>(spec: TableSpec<Row>, sources: ColumnSources, raw: string): string {
  const places = sentPlaces(sources);
  const rawAt = rawColumnIndex(spec);
  return spec.columns.map((_, index) => (index === rawAt ? raw : columnSql(spec, sources, places, index, raw))).join(', ');
}

function columnSql<Row>(spec: TableSpec<Row>, sources: ColumnSources, places: ReadonlyMap<number, number>, index: number, raw: string): string {
  const column = spec.columns[index]!;
  const path = sources[index];
  const holder = path ? `${raw}${path.length === 2 ? `->${literal(path[0])}` : ''}` : 'r';
  const key = path ? literal(path[path.length - 1]!) : String(places.get(index));
  if (column.type === 'jsonb') return `${holder}->${key}`;
  if (column.type === 'text') return `${holder}->>${key}`;
  return `(${holder}->>${key})::${column.type}`;
}

/** The SQL of column `name` of a batch's row array `r` whose columns `sources` says are sent (its raw never read from a parent). */
export function columnOfRow<Row>(spec: TableSpec<Row>, sources: ColumnSources, name: string): string {
  const places = sentPlaces(sources);
  return columnSql(spec, sources, places, spec.columns.findIndex((c) => c.name === name), `r->${places.get(rawColumnIndex(spec))}`);
}

export function dedupeByKey<Row>(rows: readonly Row[], key: ReadonlyArray<keyof Row>): Row[] {
  if (rows.length < 2) return [...rows];
  const byKey = new Map<string, Row>();
  for (const row of rows) {
    let id = String(row[key[0]!]);
    for (let i = 1; i < key.length; i++) id += `\u0000${String(row[key[i]!])}`;
    byKey.set(id, row);
  }
  return byKey.size === rows.length ? [...rows] : [...byKey.values()];
}

/**
 * Postgres' reserved key words (those no column may be named without quotes); any other lower-case
 * name needs none. Left unquoted, a batch's statement text is 5–8 % shorter: it is sent with every batch.
 */
const RESERVED = new Set(
  ('all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation column concurrently constraint create cross ' +
    'current_catalog current_date current_role current_schema current_time current_timestamp current_user default deferrable desc distinct do else end except ' +
    'false fetch for foreign freeze from full grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit localtime ' +
    'localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references returning right select session_user similar some ' +
    'symmetric system_user table tablesample then to trailing true union unique user using variadic verbose when where window with').split(' '),
);

function quote(identifier: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(identifier) && !RESERVED.has(identifier) ? identifier : `"${identifier.replace(/"/g, '""')}"`;
}

/** A raw key as an SQL string literal, whatever standard_conforming_strings says. */
function literal(text: string): string {
  const quoted = text.replace(/'/g, "''");
  return text.includes('\\') ? `E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}
