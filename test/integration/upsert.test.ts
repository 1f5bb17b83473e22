import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/warehouse/db.js';
import type { Database } from '../../src/warehouse/schema.js';
import { StatementParams } from '../../src/warehouse/write-together.js';
import { upsertParts, upsertRows, type TableSpec } from '../../src/warehouse/upsert.js';
import { writeTogether } from '../../src/warehouse/write-together.js';
import { registerSecret } from '../../src/redact.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

// The upsert sends each value once: a typed column that copies a field of raw is read from raw in
// SQL (raw-copies.ts), every other one travels in the batch's row arrays (row-json.ts). Whichever
// way a value goes, what is stored must be the row as it was given, for every column type.

interface Row {
  page_id: string;
  id: string;
  label: string | null;
  small: number | null;
  count: number | null;
  big: number | null;
  amount: number | null;
  flag: boolean | null;
  at: Date | null;
  day: string | null;
  ratio: number | null;
  extra: unknown;
  raw: unknown;
}

const spec = {
  table: 'upsert_test.rows',
  key: ['page_id', 'id'],
  columns: [
    { name: 'page_id', type: 'text' },
    { name: 'id', type: 'text' },
    { name: 'label', type: 'text' },
    { name: 'small', type: 'smallint' },
    { name: 'count', type: 'integer' },
    { name: 'big', type: 'bigint' },
    { name: 'amount', type: 'numeric' },
    { name: 'flag', type: 'boolean' },
    { name: 'at', type: 'timestamptz' },
    { name: 'day', type: 'date' },
    { name: 'ratio', type: 'double precision' },
    { name: 'extra', type: 'jsonb' },
    { name: 'raw', type: 'jsonb' },
  ],
} as unknown as TableSpec<Row>;

let database: TestDatabase;
let db: Kysely<Database>;

beforeAll(async () => {
  database = await createTestDatabase('upsert');
  db = createDb(database.url, 2);
  await sql`create schema upsert_test`.execute(db);
  await sql`create table upsert_test.rows (
    page_id text not null, id text not null, label text, small smallint, count integer, big bigint, amount numeric,
    flag boolean, at timestamptz, day date, ratio double precision, extra jsonb, raw jsonb not null,
    synced_at timestamptz not null default now(), primary key (page_id, id))`.execute(db);
  await sql`create table upsert_test.items (
    page_id text not null, parent_id text not null, position integer not null, kind text, raw jsonb not null,
    synced_at timestamptz not null default now(), primary key (page_id, parent_id, position))`.execute(db);
});

interface ItemRow {
  page_id: string;
  parent_id: string;
  position: number;
  kind: string | null;
  raw: unknown;
}

const itemSpec = {
  table: 'upsert_test.items',
  key: ['page_id', 'parent_id', 'position'],
  columns: [
    { name: 'page_id', type: 'text' },
    { name: 'parent_id', type: 'text' },
    { name: 'position', type: 'integer' },
    { name: 'kind', type: 'text' },
    { name: 'raw', type: 'jsonb' },
  ],
} as unknown as TableSpec<ItemRow>;

/** One row per item of each parent's `items` list, its raw the item itself (as the child tables map them). */
function itemRows(parents: readonly Row[]): ItemRow[] {
  return parents.flatMap((p) => ((p.raw as { items?: Array<Record<string, unknown>> }).items ?? []).map((item, i) => ({ page_id: p.page_id, parent_id: p.id, position: i + 1, kind: (item.kind as string | undefined) ?? null, raw: item })));
}

async function storedItems(): Promise<ItemRow[]> {
  const result = await sql<ItemRow>`select page_id, parent_id, position, kind, raw from upsert_test.items order by parent_id, position`.execute(db);
  return result.rows;
}

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

async function storedRows(): Promise<Array<Omit<Row, 'synced_at'>>> {
  const result = await sql<Row & { synced_at: Date }>`select *, day::text as day from upsert_test.rows order by page_id, id collate "C"`.execute(db);
  return result.rows.map(({ synced_at: _synced, ...row }) => ({ ...row, big: row.big === null ? null : Number(row.big), amount: row.amount === null ? null : Number(row.amount) }));
}

function row(id: string, raw: Record<string, unknown>, values: Partial<Row> = {}): Row {
  return { page_id: 'p1', id, label: null, small: null, count: null, big: null, amount: null, flag: null, at: null, day: null, ratio: null, extra: null, raw, ...values };
}

describe('upserts that send each value once', () => {
  it('every column type, sent or read from raw, is stored as given', async () => {
    await sql`truncate upsert_test.rows`.execute(db);
    const numbers = { small: 7, count: 70_000, big: 9_007_199_254_740_991, amount: 12.5, flag: false, ratio: 0.1 };
    const copying = (id: string) => row(id, { id, ...numbers, "it's": 'quoted key', nested: { "o'k": 'inner' } }, { ...numbers, label: 'quoted key' });
    const copied = [copying('a'), copying('b')];
    const text = upsertParts(spec, copied, null)[0]!.render(new StatementParams());
    for (const read of ["->>'it''s'", "->>'small'", "->>'count'", "->>'big'", "->>'amount'", "->>'flag'", "->>'ratio'"]) expect(text).toContain(read);
    const sent = row('c', { id: 'c' }, { label: 'tiếng Việt 😀', small: -3, count: 0, big: 1, amount: 0.001, flag: true, at: new Date('2026-01-02T03:04:05.678Z'), day: '2026-01-02', ratio: 1e-7, extra: { a: [1, 'b'] } });
    expect(await upsertRows(db, spec, copied)).toBe(2);
    expect(await upsertRows(db, spec, [sent])).toBe(1);
    expect(await storedRows()).toEqual([...copied, sent]);
  });

  it('a column copying a raw field whose key needs quoting in SQL reads it back right', async () => {
    await sql`truncate upsert_test.rows`.execute(db);
    const keys = ["it's", 'back\\slash', 'two\\\\', "'"];
    for (const key of keys) {
      const rows = [row(`k1-${key}`, { [key]: `v1 ${key}` }, { label: `v1 ${key}` }), row(`k2-${key}`, { [key]: `v2 ${key}` }, { label: `v2 ${key}` })];
      const parts = upsertParts(spec, rows, null);
      // The label travels only in raw.
      const params = new StatementParams();
      parts[0]!.render(params);
      expect((params.values[0] as string).split(`v1 ${JSON.stringify(key).slice(1, -1)}`)).toHaveLength(2);
      await upsertRows(db, spec, rows);
    }
    const stored = await storedRows();
    expect(stored.map((r) => [r.id, r.label])).toEqual(keys.flatMap((key) => [[`k1-${key}`, `v1 ${key}`], [`k2-${key}`, `v2 ${key}`]]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
  });

  it('a long text that is also in raw travels once; unchanged rows are not written again', async () => {
    await sql`truncate upsert_test.rows`.execute(db);
    const text = 'Dạ shop ơi '.repeat(200);
    const rows = [1, 2, 3].map((n) => row(`m${n}`, { id: `m${n}`, from: { label: text } }, { label: text }));
    const params = new StatementParams();
    upsertParts(spec, rows, null)[0]!.render(params);
    expect((params.values[0] as string).split(text)).toHaveLength(4);
    expect(await upsertRows(db, spec, rows)).toBe(3);
    expect(await upsertRows(db, spec, rows)).toBe(0);
    expect((await storedRows()).map((r) => r.label)).toEqual([text, text, text]);
  });

  it("a child's raw that is an item of its parent's raw travels once, inside the parent's JSON, and is stored whole", async () => {
    await sql`truncate upsert_test.rows, upsert_test.items`.execute(db);
    const parents = [1, 2, 3].map((n) => row(`p${n}`, { id: `p${n}`, items: Array.from({ length: n }, (_, i) => ({ kind: i % 2 ? 'photo' : 'video', url: `https://cdn.example/${n}/${i}/ảnh 😀`, size: 1000 + i, nested: { a: [i] } })), tail: 'x' }));
    const children = itemRows(parents);
    const parts = [...upsertParts(spec, parents, null), ...upsertParts(itemSpec, children, null)];
    const params = new StatementParams();
    parts.forEach((part) => part.render(params));
    // Two parameters: the parents' JSON once, and the children's [row, item] pairs, without the items.
    expect(params.values).toHaveLength(2);
    expect(params.values[1] as string).not.toContain('cdn.example');
    expect(await writeTogether(db, parts)).toBe(3 + 6);
    expect(await storedItems()).toEqual(children);
    // Written again: nothing changed, nothing written.
    expect(await writeTogether(db, [...upsertParts(spec, parents, null), ...upsertParts(itemSpec, itemRows(parents), null)])).toBe(0);
  });

  it('a child written without its parent in the statement, or whose parent was cleaned, or whose raw is built, stores its own raw', async () => {
    await sql`truncate upsert_test.rows, upsert_test.items`.execute(db);
    const secret = 'upsert-test-known-secret-5150';
    registerSecret(secret);
    const plain = [row('a', { id: 'a', items: [{ kind: 'photo', url: 'u1' }, { kind: 'file' }] })];
    // The parent's batch is built, but the children are written alone: the parent's JSON comes with them.
    upsertParts(spec, plain, null);
    expect(await upsertRows(db, itemSpec, itemRows(plain))).toBe(2);
    // A parent that needs cleaning is not a parent: its children are cleaned on their own.
    const cleaned = [row('b', { id: 'b', note: `says ${secret}`, items: [{ kind: `has ${secret}` }] })];
    const cleanedChildren = itemRows(cleaned);
    expect(await writeTogether(db, [...upsertParts(spec, cleaned, null), ...upsertParts(itemSpec, cleanedChildren, null)])).toBe(2);
    // A raw built by the mapping (not an item of the parent) travels as it is.
    const built = [{ page_id: 'p1', parent_id: 'c', position: 1, kind: null, raw: { id: 'u9' } }];
    expect(await upsertRows(db, itemSpec, built)).toBe(1);
    const stored = await storedItems();
    expect(stored.filter((r) => r.parent_id === 'a')).toEqual(itemRows(plain));
    expect(JSON.stringify(stored.filter((r) => r.parent_id === 'b'))).not.toContain(secret);
    expect(stored.filter((r) => r.parent_id === 'b')).toHaveLength(1);
    expect(stored.filter((r) => r.parent_id === 'c')).toEqual(built);
  });
});
