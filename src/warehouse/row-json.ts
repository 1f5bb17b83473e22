import { isMaskable, isSecretKey, mayHoldKnownSecret, MASK } from '../redact.js';
import { CUT_STRING_CHARS, cutLongStrings, MAX_JSON_DEPTH, MAX_ROW_JSON_CHARS, rawStub, storableJson, storableText } from './storable.js';
import type { StorageWarningSink } from './storage-warnings.js';
import type { PgType, TableSpec } from './table-spec.js';

// One row as the JSON object an upsert batch carries: jsonb nested, text cleaned, secrets masked
// (storable.ts), instants as ISO strings.
//
// Almost every record needs none of the cleaning, so a row is first written as it is and its JSON
// text checked for what cleaning would change; only a row that fails the check is copied and
// cleaned value by value. Measured on the CPU benchmark (bench/README.md, "CPU per request"): the
// copy-then-stringify of every row's `raw` was about a tenth of the sync's CPU, and its garbage a
// good part of the collector's.

/**
 * What in a row's JSON text means cleaning would change it: an escaped NUL or lone surrogate
 * (JSON.stringify writes both as \u escapes, and Postgres refuses them), or a key named like a
 * secret (every name isSecretKey accepts ends, case aside, in one of these words, and only a key is
 * followed by `":` with no backslash before the quote). A false alarm only costs the slow path.
 */
const NEEDS_CLEANING = /\\u0000|\\ud[89a-f]|(?:token|secret|password|passwd|pwd|api_?key|private_?key|credentials?|authorization|cookie)":/i;

/** Nesting below which the depth rule cannot apply (the row object adds one level to `raw`'s). */
const PLAIN_DEPTH = MAX_JSON_DEPTH;

/** The row's JSON text, cleaned and reduced as storable.ts says; reductions go to `onWarning`. */
export function storableRowJson<Row>(spec: TableSpec<Row>, row: Row, onWarning: StorageWarningSink): string {
  return plainRowJson(spec, row) ?? cleanedRowJson(spec, row, onWarning);
}

/** The row's JSON written as it is, or null when cleaning or reducing could change it. */
function plainRowJson<Row>(spec: TableSpec<Row>, row: Row): string | null {
  let json = '{';
  for (let i = 0; i < spec.columns.length; i++) {
    const column = spec.columns[i]!;
    const value = plainJson(row[column.name], column);
    if (value === null) return null;
    json += `${i === 0 ? '' : ','}"${column.name}":${value}`;
  }
  json += '}';
  if (json.length > MAX_ROW_JSON_CHARS || NEEDS_CLEANING.test(json) || mayHoldKnownSecret(json) || deeperThan(json, PLAIN_DEPTH)) return null;
  return json;
}

/** A value's JSON text as toParam would make it if nothing needs cleaning; null when unsure. */
function plainJson(value: unknown, column: { name: string; type: PgType }): string | null {
  if (value === undefined || value === null) return 'null';
  if (column.type === 'text') return isSecretKey(column.name) && isMaskable(value) ? null : JSON.stringify(String(value));
  if (column.type === 'timestamptz' && value instanceof Date) return Number.isNaN(value.getTime()) ? null : `"${value.toISOString()}"`;
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return null; // a bigint or a cycle: the slow path says what becomes of it
  }
}

/**
 * Whether the JSON text nests deeper than `limit`. Counting brackets with indexOf (native) first:
 * a row with fewer brackets than the limit cannot nest that deep, which is nearly every row.
 */
function deeperThan(json: string, limit: number): boolean {
  let brackets = 0;
  for (let at = json.indexOf('{'); at >= 0 && brackets <= limit; at = json.indexOf('{', at + 1)) brackets++;
  for (let at = json.indexOf('['); at >= 0 && brackets <= limit; at = json.indexOf('[', at + 1)) brackets++;
  if (brackets <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > limit) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** The row copied value by value with every cleaning and reduction of storable.ts. */
function cleanedRowJson<Row>(spec: TableSpec<Row>, row: Row, onWarning: StorageWarningSink): string {
  const reasons: string[] = [];
  const tooDeep = () => {
    const reason = `nesting deeper than ${MAX_JSON_DEPTH} levels kept as JSON text`;
    if (!reasons.includes(reason)) reasons.push(reason);
  };
  const values: Record<string, unknown> = {};
  for (const column of spec.columns) values[column.name] = toParam(row[column.name], column, tooDeep);
  let json = JSON.stringify(values);
  if (json.length > MAX_ROW_JSON_CHARS) {
    const size = json.length;
    for (const column of spec.columns) {
      if (column.type === 'text' || column.type === 'jsonb') values[column.name] = cutLongStrings(values[column.name]);
    }
    reasons.push(`${size} characters of JSON: strings over ${CUT_STRING_CHARS} characters cut`);
    json = JSON.stringify(values);
    if (json.length > MAX_ROW_JSON_CHARS && 'raw' in values) {
      values.raw = rawStub(size);
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
