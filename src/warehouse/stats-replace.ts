import type { WritePart } from './write-together.js';
import type { TableSpec } from './table-spec.js';

// Statistics are authoritative per day: when a re-read of some days no longer lists a row (an ad
// that stopped delivering, an employee removed), the stored row must go, or the warehouse would keep
// numbers the API has withdrawn. Upserts replace the rows that came back; this removes the others,
// in the same statement.

/**
 * Deletes the page's rows of days [firstDay, lastDay] whose key is not among `keep`, as a part of
 * the statement that upserts `keep` (write-together.ts): the two touch disjoint rows. Counts the rows
 * deleted. The keys are passed as one array per key column (unnest).
 */
export function rowsNotInPart<Row>(spec: TableSpec<Row>, pageId: string, firstDay: string, lastDay: string, keep: readonly Row[]): WritePart {
  const keyColumns = spec.columns.filter((c) => spec.key.includes(c.name) && c.name !== 'page_id');
  const [schema, table] = spec.table.split('.') as [string, string];
  const names = keyColumns.map((c) => quote(c.name)).join(', ');
  const matches = keyColumns.map((c) => `k.${quote(c.name)} = t.${quote(c.name)}`).join(' and ');
  return {
    size: 0,
    counts: true,
    render: (p) => {
      const arrays = keyColumns.map((c) => `${p.add(keep.map((row) => param(row[c.name])))}::${c.type}[]`).join(', ');
      return (
        `delete from ${quote(schema)}.${quote(table)} as t where t.page_id = ${p.add(pageId)} and t.day between ${p.add(firstDay)}::date and ${p.add(lastDay)}::date ` +
        `and not exists (select 1 from unnest(${arrays}) as k(${names}) where ${matches})`
      );
    },
  };
}

/**
 * Deletes the page's rows except those of the days [keep.firstDay, keep.lastDay] (every row when
 * `keep` is null): after a zone change, the rows of the old zone, whose days the new one reads again.
 */
export function rowsOutsidePart<Row>(spec: TableSpec<Row>, pageId: string, keep: { firstDay: string; lastDay: string } | null): WritePart {
  const [schema, table] = spec.table.split('.') as [string, string];
  return {
    size: 0,
    counts: true,
    render: (p) =>
      `delete from ${quote(schema)}.${quote(table)} as t where t.page_id = ${p.add(pageId)}` +
      (keep === null ? '' : ` and t.day not between ${p.add(keep.firstDay)}::date and ${p.add(keep.lastDay)}::date`),
  };
}

function param(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return value ?? null;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
