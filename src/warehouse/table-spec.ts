import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { PgType } from './tables/columns.js';

// How a table is written: its columns and their Postgres types, its key. Shared by the upserts,
// the row JSON they carry and the statements that combine them. A table's declaration in
// tables/ (declare.ts) is its TableSpec.

export type { PgType } from './tables/columns.js';

export interface TableSpec<Row> {
  /** Schema-qualified table name. */
  table: keyof Database & string;
  columns: ReadonlyArray<{ name: keyof Row & string; type: PgType }>;
  /** The natural key: the primary key of the table. */
  key: ReadonlyArray<keyof Row & string>;
  /**
   * Columns whose change makes a row worth rewriting; default `raw` alone. Tables with columns that
   * do not come from `raw` (deleted_at, flags taken from a sibling list) name them here, or a change
   * in those alone would be skipped.
   */
  compare?: ReadonlyArray<keyof Row & string>;
}

export type Queryable = Kysely<Database> | Transaction<Database>;
