import type { ColumnType } from 'kysely';

// The column types the table interfaces share: what pg hands back for a Postgres type, and what a
// write may pass.

export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: read as parsed JSON, written as a JSON string. */
export type Json = ColumnType<unknown, string, string>;
/** Postgres `date`: read as a Date (local midnight), written as 'YYYY-MM-DD'. */
export type DateOnly = ColumnType<Date, Date | string, Date | string>;
/** A `date` key column written as 'YYYY-MM-DD'. */
export type Day = ColumnType<Date, string, string>;
/** bigint and numeric come back as strings (no precision lost). */
export type BigNumber = ColumnType<string | null, number | string | null, number | string | null>;
