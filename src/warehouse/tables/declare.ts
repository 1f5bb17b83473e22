import type { Column, PgType } from './columns.js';

// A table declared once (columns.ts builders), from which TypeScript infers the kysely row
// (`TableRow`) and a stream's mapped row (`RowOf`), and which carries the column list, key and
// compared columns the upserts use (it is a TableSpec, src/warehouse/table-spec.ts). The migration
// creates the table; test/integration/table-declarations.test.ts holds every declaration against it.

export type Columns = Record<string, Column<unknown, unknown, boolean>>;

/** The columns an upsert writes. */
export type WrittenName<Cols extends Columns> = { [C in keyof Cols]: Cols[C]['written'] extends true ? C : never }[keyof Cols] & string;

export interface TableDeclaration<Name extends string, Cols extends Columns> {
  /** Schema-qualified table name. */
  readonly table: Name;
  /** Every column of the table, in the migration's order. */
  readonly declared: Cols;
  /** The columns the upsert writes, with their Postgres types. */
  readonly columns: ReadonlyArray<{ name: WrittenName<Cols>; type: PgType }>;
  /** The natural key: the primary key of the table. */
  readonly key: ReadonlyArray<WrittenName<Cols>>;
  /** Columns whose change makes a row worth rewriting (table-spec.ts); default `raw` alone. */
  readonly compare?: ReadonlyArray<WrittenName<Cols>>;
}

/** Any declared table, whatever its columns. */
export interface AnyTableDeclaration {
  readonly table: string;
  readonly declared: Columns;
  readonly columns: ReadonlyArray<{ name: string; type: PgType }>;
  readonly key: ReadonlyArray<string>;
  readonly compare?: ReadonlyArray<string>;
}

/** The kysely interface of a declared table. */
export type TableRow<T extends AnyTableDeclaration> = { [C in keyof T['declared']]: NonNullable<T['declared'][C]['types']>['kysely'] };

/** The row a stream maps a record to: the written columns, as the stream holds them. */
export type RowOf<T extends AnyTableDeclaration> = { [C in WrittenName<T['declared']>]: NonNullable<T['declared'][C]['types']>['row'] };

export function table<Name extends string, Cols extends Columns>(
  name: Name,
  columns: Cols,
  // NoInfer: the columns alone decide Cols; the key and compared columns are checked against them.
  options: { key: ReadonlyArray<NoInfer<WrittenName<Cols>>>; compare?: ReadonlyArray<NoInfer<WrittenName<Cols>>> },
): TableDeclaration<Name, Cols> {
  const written = Object.entries(columns).flatMap(([column, c]) => (c.written ? [{ name: column as WrittenName<Cols>, type: c.pg }] : []));
  return { table: name, declared: columns, columns: written, key: options.key, ...(options.compare ? { compare: options.compare } : {}) };
}

/** Whether a module's export is a table declaration (the test walks the modules of tables/). */
export function isTableDeclaration(value: unknown): value is AnyTableDeclaration {
  return typeof value === 'object' && value !== null && 'table' in value && 'declared' in value && 'columns' in value;
}
