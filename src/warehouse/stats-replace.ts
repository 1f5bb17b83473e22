import { sql } from 'kysely';
import type { Queryable, TableSpec } from './upsert.js';

// Statistics are authoritative per day: when a re-read of some days no longer lists a row (an ad
// that stopped delivering, an employee removed), the stored row must go, or the warehouse would keep
// numbers the API has withdrawn. Upserts replace the rows that came back; this removes the others.

/**
 * Deletes the page's rows of days [firstDay, lastDay] whose key is not among `keep`, and returns
 * how many went. The keys are passed as one array per key column (unnest), like the upserts.
 */
export async function deleteRowsNotIn<Row>(db: Queryable, spec: TableSpec<Row>, pageId: string, firstDay: string, lastDay: string, keep: readonly Row[]): Promise<number> {
  const keyColumns = spec.columns.filter((c) => spec.key.includes(c.name) && c.name !== 'page_id');
  const [schema, table] = spec.table.split('.') as [string, string];
  const target = sql.raw(`${quote(schema)}.${quote(table)}`);
  const arrays = keyColumns.map((c) => sql`${keep.map((row) => param(row[c.name]))}::${sql.raw(`${c.type}[]`)}`);
  const names = sql.raw(keyColumns.map((c) => quote(c.name)).join(', '));
  const matches = sql.raw(keyColumns.map((c) => `k.${quote(c.name)} = t.${quote(c.name)}`).join(' and '));
  const result = await sql`
    delete from ${target} as t
    where t.page_id = ${pageId} and t.day between ${firstDay}::date and ${lastDay}::date
      and not exists (select 1 from unnest(${sql.join(arrays)}) as k(${names}) where ${matches})
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

function param(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return value ?? null;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
