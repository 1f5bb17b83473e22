import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/warehouse/db.js';
import type { Database } from '../../src/warehouse/schema.js';
import { isTableDeclaration, type AnyTableDeclaration } from '../../src/warehouse/tables/declare.js';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';
import { REPO_ROOT } from '../support/harness.js';

// A table is declared twice: by its migration (the truth in Postgres) and by its declaration in
// src/warehouse/tables/, from which the kysely row and the upsert's column list are inferred
// (declare.ts). This test holds every declaration those files export against information_schema,
// with no list of its own: a table or column added in one place and forgotten in the other fails here.

const PG_TYPES: Record<string, string> = {
  text: 'text', smallint: 'smallint', integer: 'integer', bigint: 'bigint', numeric: 'numeric', boolean: 'boolean',
  timestamptz: 'timestamp with time zone', date: 'date', jsonb: 'jsonb', 'double precision': 'double precision', uuid: 'uuid',
};

interface DbColumn {
  type: string;
  nullable: boolean;
  hasDefault: boolean;
}

/** Every table declaration exported by a module of src/warehouse/tables/. */
async function declarations(): Promise<AnyTableDeclaration[]> {
  const dir = join(REPO_ROOT, 'src/warehouse/tables');
  const found: AnyTableDeclaration[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
    found.push(...Object.values(module).filter(isTableDeclaration));
  }
  return found;
}

describe('table declarations agree with the database', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  let tables: Map<string, Map<string, DbColumn>>;
  let primaryKeys: Map<string, string[]>;
  let declared: AnyTableDeclaration[];

  beforeAll(async () => {
    database = await createMigratedDatabase('declarations');
    db = createDb(database.url, 2);
    const { rows } = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null; is_identity: string }>`
      select table_name, column_name, data_type, is_nullable, column_default, is_identity
      from information_schema.columns where table_schema = 'pancake' order by table_name, ordinal_position`.execute(db);
    tables = new Map();
    for (const r of rows) {
      const table = `pancake.${r.table_name}`;
      if (!tables.has(table)) tables.set(table, new Map());
      tables.get(table)!.set(r.column_name, { type: r.data_type, nullable: r.is_nullable === 'YES', hasDefault: r.column_default !== null || r.is_identity === 'YES' });
    }
    const keys = await sql<{ table_name: string; column_name: string }>`
      select k.table_name, k.column_name from information_schema.table_constraints c
      join information_schema.key_column_usage k using (constraint_schema, constraint_name, table_name)
      where c.table_schema = 'pancake' and c.constraint_type = 'PRIMARY KEY' order by k.table_name, k.ordinal_position`.execute(db);
    primaryKeys = new Map();
    for (const r of keys.rows) primaryKeys.set(`pancake.${r.table_name}`, [...(primaryKeys.get(`pancake.${r.table_name}`) ?? []), r.column_name]);
    declared = await declarations();
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('every table of schema pancake is declared once in src/warehouse/tables/', () => {
    const names = declared.map((d) => d.table);
    expect(names.length).toBeGreaterThan(20);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual([...tables.keys()].sort());
  });

  it('each declaration names exactly its table\'s columns, with their types and whether they take null', () => {
    for (const d of declared) {
      const inDb = [...tables.get(d.table)!].map(([name, c]) => `${name} ${c.type}${c.nullable ? ' null' : ''}`);
      const inDeclaration = Object.entries(d.declared).map(([name, c]) => `${name} ${PG_TYPES[c.pg]}${c.allowsNull ? ' null' : ''}`);
      expect(inDeclaration.sort(), d.table).toEqual(inDb.sort());
    }
  });

  it("each declaration's key is its table's primary key, and what the upsert leaves out has a default or takes null", () => {
    for (const d of declared) {
      expect([...d.key].sort(), d.table).toEqual([...(primaryKeys.get(d.table) ?? [])].sort());
      const written = new Set(d.columns.map((c) => c.name));
      for (const [name, column] of Object.entries(d.declared)) {
        expect(written.has(name), `${d.table}.${name}`).toBe(column.written);
        if (!column.written) expect(tables.get(d.table)!.get(name)!.hasDefault || column.allowsNull, `${d.table}.${name}`).toBe(true);
      }
      for (const c of d.columns) expect(c.type, `${d.table}.${c.name}`).toBe(d.declared[c.name]!.pg);
      for (const name of d.compare ?? []) expect(written.has(name), `${d.table} compares ${name}`).toBe(true);
    }
  });
});
