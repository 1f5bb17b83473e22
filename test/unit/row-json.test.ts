import { describe, expect, it } from 'vitest';
import { registerSecret } from '../../src/redact.js';
import { storableRowJson } from '../../src/warehouse/row-json.js';
import { MAX_JSON_DEPTH, storableJson, storableText } from '../../src/warehouse/storable.js';
import type { StorageWarning } from '../../src/warehouse/storage-warnings.js';
import type { TableSpec } from '../../src/warehouse/upsert.js';

// storableRowJson writes most rows as they are and cleans only those whose JSON shows something to
// clean. Whatever path a row takes, the result must be what cleaning every value gives.

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

function row(raw: unknown, text: string | null = 'hello'): Row {
  return { page_id: 'p1', id: 'm1', text, at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), n: 3, raw };
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
}

const HAZARDOUS_STRINGS = ['plain', 'tiếng Việt', 'a\u0000b', 'lone \ud800 high', 'lone \udc00 low', 'pair 😀', `says ${SECRET} here`, QUOTED_SECRET, 'back\\slash "quote"', 'token":', '\\u0000 typed'];
const KEYS = ['id', 'text', 'access_token', 'accessToken', 'apiKey', 'token_for_business', 'Authorization', 'password', 'pageToken', 'k\u0000ey', 'tok\ud800en', 'name'];

function randomValue(next: () => number, depth: number): unknown {
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const kind = next();
  if (depth > 3 || kind < 0.4) return pick([...HAZARDOUS_STRINGS, 1, 2.5, true, false, null]);
  if (kind < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  const out: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 4); i > 0; i--) out[pick(KEYS)] = randomValue(next, depth + 1);
  return out;
}

describe('a row as its upsert JSON', () => {
  registerSecret(SECRET);

  it('an ordinary row is its values as they are', () => {
    const raw = { id: 'm1', message: '<div>hi</div>', from: { id: 'u1', name: 'Lan' }, attachments: [] };
    expect(JSON.parse(storableRowJson(spec, row(raw), null))).toEqual(expected(row(raw)));
  });

  it('NULs, lone surrogates, secret-named fields and known secrets are cleaned wherever they are', () => {
    const raw = { a: 'x\u0000y', b: ['\ud800'], c: { pageAccessToken: 'abc', token_for_business: 'kept' }, d: `see ${SECRET}` };
    const stored = JSON.parse(storableRowJson(spec, row(raw, `text ${SECRET} \u0000`), null));
    expect(stored).toEqual(expected(row(raw, `text ${SECRET} \u0000`)));
    expect(stored.raw).toEqual({ a: 'xy', b: ['\ufffd'], c: { pageAccessToken: '***', token_for_business: 'kept' }, d: 'see ***' });
    expect(stored.text).toBe('text *** ');
  });

  it(`nesting deeper than ${MAX_JSON_DEPTH} levels is kept as JSON text, with a warning`, () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_JSON_DEPTH + 5; i++) deep = { level: deep };
    const warnings: StorageWarning[] = [];
    const json = storableRowJson(spec, row(deep), (w) => warnings.push(w));
    expect(JSON.parse(json)).toEqual(expected(row(deep)));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.reasons[0]).toMatch(/nesting deeper than/);
  });

  it('500 random rows of hazardous strings and secret-like keys: always what cleaning every value gives', () => {
    const next = random(42);
    for (let i = 0; i < 500; i++) {
      const r = row(randomValue(next, 0), next() < 0.5 ? null : HAZARDOUS_STRINGS[i % HAZARDOUS_STRINGS.length]!);
      expect(JSON.parse(storableRowJson(spec, r, null)), `row ${i}: ${JSON.stringify(r.raw)}`).toEqual(expected(r));
    }
  });

  // Last: once a secret JSON escapes is known, every row takes the cleaning path.
  it('a known secret with characters JSON escapes is masked too', () => {
    registerSecret(QUOTED_SECRET);
    const stored = JSON.parse(storableRowJson(spec, row({ note: `x ${QUOTED_SECRET} y` }), null));
    expect(stored.raw).toEqual({ note: 'x *** y' });
  });
});
