import { describe, expect, it } from 'vitest';
import { nestsDeeperOrHidesSecret, storableBatch, type StorableBatch } from '../../src/warehouse/row-json.js';
import { isSecretKey, registerSecret } from '../../src/redact.js';
import { MAX_JSON_DEPTH, storableJson, storableText } from '../../src/warehouse/storable.js';
import type { StorageWarning } from '../../src/warehouse/storage-warnings.js';
import type { TableSpec } from '../../src/warehouse/upsert.js';

// storableBatch writes most batches as they are, with one JSON.stringify, and cleans only the rows
// whose JSON shows something to clean; columns that copy a field of raw are left out and read from
// raw. Whatever path a batch takes, reading it back (as the upsert's SQL does) must give what
// cleaning every value gives.

interface Row {
  page_id: string;
  id: string;
  text: string | null;
  at: Date | null;
  n: number | null;
  raw: unknown;
}

const spec: TableSpec<Row> = {
  table: 'pancake.messages',
  key: ['page_id', 'id'],
  columns: [
    { name: 'page_id', type: 'text' },
    { name: 'id', type: 'text' },
    { name: 'text', type: 'text' },
    { name: 'at', type: 'timestamptz' },
    { name: 'n', type: 'integer' },
    { name: 'raw', type: 'jsonb' },
  ],
};

const SECRET = 'row-json-known-secret-77';
const QUOTED_SECRET = 'row-json-"quoted"-secret';

/** What the row must become: every value cleaned, as storable.ts describes. */
function expected(row: Row): unknown {
  return {
    page_id: storableText(row.page_id),
    id: storableText(row.id),
    text: row.text === null ? null : storableText(row.text),
    at: row.at?.toISOString() ?? null,
    n: row.n,
    raw: storableJson(row.raw),
  };
}

/** The rows as the upsert's SQL reads them: each value at its place in the row's array, or from raw. */
function readBack(batch: StorableBatch): Array<Record<string, unknown>> {
  const places = new Map<number, number>();
  batch.sources.forEach((path, index) => path === null && places.set(index, places.size));
  const rawPlace = places.get(spec.columns.findIndex((c) => c.name === 'raw'))!;
  return batch.parts
    .flatMap((part) => JSON.parse(part) as unknown[][])
    .map((values) => {
      const out: Record<string, unknown> = {};
      spec.columns.forEach((column, index) => {
        const path = batch.sources[index];
        let value: unknown = path ? values[rawPlace] : values[places.get(index)!];
        for (const key of path ?? []) value = (value as Record<string, unknown> | undefined)?.[key];
        out[column.name] = value ?? null;
      });
      return out;
    });
}

function stored(rows: Row[], onWarning: ((w: StorageWarning) => void) | null = null): Array<Record<string, unknown>> {
  return readBack(storableBatch(spec, rows, onWarning));
}

function row(raw: unknown, text: string | null = 'hello'): Row {
  return { page_id: 'p1', id: 'm1', text, at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), n: 3, raw };
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
}

const HAZARDOUS_STRINGS = ['plain', 'tiếng Việt', 'a\u0000b', 'lone \ud800 high', 'lone \udc00 low', 'pair 😀', `says ${SECRET} here`, QUOTED_SECRET, 'back\\slash "quote"', 'token":', '\\u0000 typed', '{[{[', ']}"'];
const KEYS = ['id', 'text', 'access_token', 'accessToken', 'apiKey', 'token_for_business', 'Authorization', 'password', 'pageToken', 'k\u0000ey', 'tok\ud800en', 'name', "it's", 'back\\slash'];

function randomValue(next: () => number, depth: number): unknown {
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const kind = next();
  if (depth > 3 || kind < 0.4) return pick([...HAZARDOUS_STRINGS, 1, 2.5, true, false, null]);
  if (kind < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  const out: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 4); i > 0; i--) out[pick(KEYS)] = randomValue(next, depth + 1);
  return out;
}

describe('a batch of rows as its upsert JSON', () => {
  registerSecret(SECRET);

  it('an ordinary row is its values as they are; columns that copy raw are read from it', () => {
    const raw = { id: 'm1', message: '<div>hi</div>', original_message: 'hello', from: { id: 'u1', name: 'Lan' }, attachments: [] };
    const batch = storableBatch(spec, [row(raw)], null);
    expect(readBack(batch)).toEqual([expected(row(raw))]);
    expect(batch.sources).toEqual([null, ['id'], ['original_message'], null, null, null]);
    expect(JSON.parse(batch.parts[0]!)).toEqual([['p1', '2026-01-02T03:04:05.000Z', 3, raw]]);
  });

  it('a column is read from raw only when every row of the batch copies the same field', () => {
    const copies = { id: 'm1', original_message: 'hello' };
    const other = { id: 'm2', original_message: 'not the text', message: 'hello there' };
    const rows = [row(copies), { ...row(other, 'hello there'), id: 'm2' }];
    const batch = storableBatch(spec, rows, null);
    expect(batch.sources).toEqual([null, ['id'], null, null, null, null]);
    expect(readBack(batch)).toEqual(rows.map(expected));
    // A field nested one level down, and a null the raw holds explicitly.
    const nested = storableBatch(spec, [{ ...row({ from: { name: 'Lan' }, n: null }, 'Lan'), n: null }], null);
    expect(nested.sources).toEqual([null, null, ['from', 'name'], null, ['n'], null]);
  });

  it('NULs, lone surrogates, secret-named fields and known secrets are cleaned wherever they are', () => {
    const raw = { a: 'x\u0000y', b: ['\ud800'], c: { pageAccessToken: 'abc', token_for_business: 'kept' }, d: `see ${SECRET}` };
    const [cleaned] = stored([row(raw, `text ${SECRET} \u0000`)]);
    expect(cleaned).toEqual(expected(row(raw, `text ${SECRET} \u0000`)));
    expect(cleaned!.raw).toEqual({ a: 'xy', b: ['\ufffd'], c: { pageAccessToken: '***', token_for_business: 'kept' }, d: 'see ***' });
    expect(cleaned!.text).toBe('text *** ');
  });

  it('one row to clean leaves the others of its batch as they were, and copies nothing from raw', () => {
    const rows = [row({ id: 'm1', original_message: 'hello' }), { ...row({ id: 'm2', secret: 'abc', original_message: 'hello' }), id: 'm2' }];
    const batch = storableBatch(spec, rows, null);
    expect(batch.sources.every((source) => source === null)).toBe(true);
    expect(readBack(batch)).toEqual(rows.map(expected));
  });

  it(`nesting deeper than ${MAX_JSON_DEPTH} levels is kept as JSON text, with a warning`, () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_JSON_DEPTH + 5; i++) deep = { level: deep };
    const warnings: StorageWarning[] = [];
    expect(stored([row(deep)], (w) => warnings.push(w))).toEqual([expected(row(deep))]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.reasons[0]).toMatch(/nesting deeper than/);
  });

  it(`nesting of exactly ${MAX_JSON_DEPTH} levels is kept as it is, without a warning`, () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_JSON_DEPTH - 1; i++) deep = { level: deep };
    const warnings: StorageWarning[] = [];
    expect(stored([row(deep), row({ flat: true })], (w) => warnings.push(w))).toEqual([expected(row(deep)), expected(row({ flat: true }))]);
    expect(warnings).toEqual([]);
  });

  it('500 random batches of hazardous strings and secret-like keys: always what cleaning every value gives', () => {
    const next = random(42);
    for (let i = 0; i < 500; i++) {
      const rows = Array.from({ length: 1 + Math.floor(next() * 4) }, (_, k) => {
        const r = row(randomValue(next, 0), next() < 0.5 ? null : HAZARDOUS_STRINGS[(i + k) % HAZARDOUS_STRINGS.length]!);
        return { ...r, id: `m${k}` };
      });
      expect(stored(rows), `batch ${i}: ${JSON.stringify(rows.map((r) => r.raw))}`).toEqual(rows.map(expected));
    }
  });

  it('nestsDeeperOrHidesSecret says how deep the value nests, as its JSON text does, and finds secret-named fields', () => {
    // Brackets outside strings, counted the long way.
    const depthOf = (json: string): number => {
      let depth = 0;
      let deepest = 0;
      let inString = false;
      for (let i = 0; i < json.length; i++) {
        const c = json[i];
        if (inString) {
          if (c === '\\') i++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '{' || c === '[') deepest = Math.max(deepest, ++depth);
        else if (c === '}' || c === ']') depth--;
      }
      return deepest;
    };
    const hidesSecret = (value: unknown): boolean =>
      typeof value === 'object' && value !== null && Object.entries(value).some(([key, item]) => (!Array.isArray(value) && isSecretKey(key)) || hidesSecret(item));
    const next = random(7);
    let secrets = 0;
    for (let i = 0; i < 300; i++) {
      const value = [randomValue(next, 0), { s: '"[[{', t: ['\\"', ']]'] }];
      const depth = depthOf(JSON.stringify(value));
      const secret = hidesSecret(value);
      secrets += secret ? 1 : 0;
      expect(nestsDeeperOrHidesSecret(value, depth), JSON.stringify(value)).toBe(secret);
      expect(nestsDeeperOrHidesSecret(value, depth - 1), JSON.stringify(value)).toBe(true);
    }
    expect(secrets).toBeGreaterThan(30);
    expect(secrets).toBeLessThan(270);
  });

  // Last: once a secret JSON escapes is known, every row takes the cleaning path.
  it('a known secret with characters JSON escapes is masked too', () => {
    registerSecret(QUOTED_SECRET);
    const [cleaned] = stored([row({ note: `x ${QUOTED_SECRET} y` })]);
    expect(cleaned!.raw).toEqual({ note: 'x *** y' });
  });
});
