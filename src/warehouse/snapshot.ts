import { sql } from 'kysely';
import type { StorageWarningSink } from './storage-warnings.js';
import { upsertRows, type Queryable, type TableSpec } from './upsert.js';

// Lists the API only returns whole (pages, tags, users) are stored as snapshots: every row is
// upserted, and a row missing from the latest snapshot is marked deleted_at rather than deleted,
// because conversations, messages and statistics still refer to it. A row that comes back has
// deleted_at cleared.

export interface SnapshotRow {
  raw: unknown;
  deleted_at: Date | null;
}

/** The rows of a table that one snapshot replaces: a page's rows, or (pages) the whole table. */
export type SnapshotScope = { column: 'page_id'; value: string } | null;

/**
 * Stores one snapshot of `spec.table` within `scope`; returns rows written plus rows newly marked
 * deleted. The rows' key, minus the scope column, must be a single text column (their id). Ids in
 * `keep` are not in the snapshot but not gone either (pages synced with their own token). Records
 * stored in reduced form are reported to `onWarning`.
 */
export async function storeSnapshot<Row extends SnapshotRow>(db: Queryable, spec: TableSpec<Row>, rows: readonly Row[], scope: SnapshotScope, keep: readonly string[] = [], onWarning: StorageWarningSink = null): Promise<number> {
  const idColumn = spec.key.find((k) => k !== scope?.column);
  if (!idColumn || spec.key.length !== (scope ? 2 : 1)) throw new Error(`${spec.table}: a snapshot needs a key of [scope column, id], got [${spec.key.join(', ')}]`);
  // deleted_at is not in raw: without comparing it, a row that came back unchanged would stay deleted.
  const compare = [...new Set([...(spec.compare ?? ['raw' as const]), 'deleted_at' as const])] as Array<keyof Row & string>;
  const written = await upsertRows(db, { ...spec, compare }, rows.map((row) => ({ ...row, deleted_at: null })), onWarning);
  const ids = [...rows.map((row) => String(row[idColumn])), ...keep];
  const [schema, table] = spec.table.split('.') as [string, string];
  const gone = await sql`
    update ${sql.table(`${schema}.${table}`)} set deleted_at = now()
    where deleted_at is null
      and not (${sql.ref(idColumn)} = any(${ids}::text[]))
      ${scope ? sql`and ${sql.ref(scope.column)} = ${scope.value}` : sql``}
  `.execute(db);
  return written + Number(gone.numAffectedRows ?? 0n);
}
