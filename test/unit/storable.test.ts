import { describe, expect, it } from 'vitest';
import { registerSecret } from '../../src/redact.js';
import { CUT_STRING_CHARS, cutLongStrings, jsonText, MAX_JSON_DEPTH, storableJson, storableText } from '../../src/warehouse/storable.js';

function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 ? { level: value } : [value];
  return value;
}

describe('values made storable', () => {
  it('a record nested 6,000 levels deep is kept to MAX_JSON_DEPTH levels, the rest as its JSON text (regression: stack overflow in the upsert)', () => {
    let tooDeep = 0;
    const stored = storableJson({ id: 'm_1', body: nested(6_000, { text: 'leaf', token: 'deep-secret' }) }, () => tooDeep++);
    expect(tooDeep).toBe(1);
    let node: unknown = stored;
    let depth = 1;
    while (typeof node === 'object' && node !== null) {
      node = Array.isArray(node) ? node[0] : ((node as Record<string, unknown>).body ?? (node as Record<string, unknown>).level);
      depth += 1;
    }
    expect(depth).toBe(MAX_JSON_DEPTH + 1);
    expect(typeof node).toBe('string');
    // The string holds the rest of the branch, cleaned and masked the same way.
    expect(node as string).toMatch(/\{"text":"leaf","token":"\*\*\*"\}(\]|\})+$/);
    expect(JSON.stringify(stored).length).toBeGreaterThan(6_000);
  });

  it('jsonText writes what JSON.stringify writes for ordinary values, at any depth', () => {
    const samples = [null, 1.5, 'x"y', [1, undefined, 'a'], { a: undefined, b: [true, false], c: { d: new Date(0) } }, []];
    for (const sample of samples) expect(jsonText(sample)).toBe(JSON.stringify(sample));
    expect(JSON.parse(jsonText(nested(50_000, 'leaf'))) !== null).toBe(true);
  });

  it('text loses the characters Postgres refuses and known secrets, nothing else', () => {
    registerSecret('storable-known-token-42');
    expect(storableText('a\u0000b \ud800 c storable-known-token-42')).toBe('ab \ufffd c ***');
    expect(storableJson({ 'k\u0000ey': ['storable-known-token-42', 3] })).toEqual({ key: ['***', 3] });
  });

  it('cuts only strings over the limit, saying how much was dropped', () => {
    const long = 'á'.repeat(CUT_STRING_CHARS + 10);
    const cut = cutLongStrings({ a: long, b: 'short' }) as { a: string; b: string };
    expect(cut.b).toBe('short');
    expect(cut.a.startsWith('á'.repeat(CUT_STRING_CHARS))).toBe(true);
    expect(cut.a).toMatch(/\[cut by pancake-sync: 10 more characters\]$/);
  });
});
