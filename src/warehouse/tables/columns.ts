import type { ColumnType } from 'kysely';

// The column types the table declarations share: what pg hands back for a Postgres type, and what a
// write may pass. The builders below pair each with its Postgres type and with the type a stream's
// row holds for it (declare.ts turns a table's builders into its kysely row and its upsert list).

export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: read as parsed JSON, written as a JSON string. */
export type Json = ColumnType<unknown, string, string>;
/** Postgres `date`: read as a Date (local midnight), written as 'YYYY-MM-DD'. */
export type DateOnly = ColumnType<Date, Date | string, Date | string>;
/** A `date` key column written as 'YYYY-MM-DD'. */
export type Day = ColumnType<Date, string, string>;
/** bigint and numeric come back as strings (no precision lost). */
export type BigNumber = ColumnType<string | null, number | string | null, number | string | null>;

export type PgType = 'text' | 'smallint' | 'integer' | 'bigint' | 'numeric' | 'boolean' | 'timestamptz' | 'date' | 'jsonb' | 'double precision' | 'uuid';

/**
 * One column: its Postgres type and whether it takes null, plus (as types only) `Kysely`, its type
 * in the kysely row, `Row`, what a stream's mapped row holds for it, and `Written`, whether the
 * upsert writes it (false: the database's default or other code sets it, as `synced_at`).
 */
export interface Column<Kysely, Row, Written extends boolean = true> {
  readonly pg: PgType;
  readonly allowsNull: boolean;
  readonly written: Written;
  /** Never set: carries the types for declare.ts. */
  readonly types?: { kysely: Kysely; row: Row };
  /** The same column, taking null. */
  readonly nullable: Column<Kysely | null, Row | null, Written>;
  /** The same column, left out of the upsert: set by the database or by other code. */
  readonly writtenElsewhere: Column<Kysely, Row, false>;
}

/** A column of any type; the named builders below cover the common ones. */
export function column<Kysely, Row = Kysely>(pg: PgType, allowsNull = false): Column<Kysely, Row> {
  return build<Kysely, Row, true>(pg, allowsNull, true);
}

function build<Kysely, Row, Written extends boolean>(pg: PgType, allowsNull: boolean, written: Written): Column<Kysely, Row, Written> {
  return {
    pg,
    allowsNull,
    written,
    get nullable() {
      return build<Kysely | null, Row | null, Written>(pg, true, written);
    },
    get writtenElsewhere() {
      return build<Kysely, Row, false>(pg, allowsNull, false);
    },
  };
}

export const text = column<string>('text');
/** A text column holding one of a closed set of words. */
export const textOf = <Words extends string>(): Column<Words, Words> => column<Words>('text');
export const integer = column<number>('integer');
export const smallint = column<number>('smallint');
export const boolean = column<boolean>('boolean');
/** A stream writes a Date. */
export const timestamptz = column<Timestamp, Date>('timestamptz');
/** A `date` a stream writes as 'YYYY-MM-DD'. */
export const date = column<DateOnly, string>('date');
/** A day key a stream writes as 'YYYY-MM-DD'. */
export const day = column<Day, string>('date');
/** A jsonb column; a stream hands over the value, the upsert sends it as JSON. */
export const jsonb = column<Json, unknown>('jsonb');
/** numeric, read back as a string (no precision lost); always nullable. */
export const numeric = column<BigNumber, number | string | null>('numeric', true);
/** bigint, read back as a string; always nullable. */
export const bigint = column<BigNumber, number | string | null>('bigint', true);
/** numeric a stream writes as a number (a small decimal such as an hour offset). */
export const decimal = column<ColumnType<string | null, number | null, number | null>, number | null>('numeric', true);
/** The time of the row's last write: the database's `now()` at every upsert. */
export const syncedAt = timestamptz.writtenElsewhere;
