import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from './schema.js';

// What every summary refresh shares: the page and zone it works in, the conversations in scope,
// and the way a summary table is brought in line with freshly computed rows.

export type Trx = Transaction<Database>;

export interface PageZone {
  pageId: string;
  zone: string;
}

/** Which conversations of the page to recompute: all of them, or these ids. */
export type Scope = { all: true } | { all: false; ids: string[] };

export function inScope(scope: Scope, column: string): RawBuilder<unknown> {
  return scope.all ? sql`true` : sql`${sql.ref(column)} = any(${scope.ids}::text[])`;
}

/** Local wall-clock time of an instant column in the page's zone. */
export function local(column: string, zone: string): RawBuilder<unknown> {
  return sql`pancake_private.local_time(${sql.ref(column)}, ${zone})`;
}

export interface SummaryTable {
  /** Table in pancake_private. */
  table: string;
  /** Primary key after page_id; includes conversation_id and day. */
  key: string[];
  /** The other columns. */
  values: string[];
}

/**
 * Makes the in-scope rows of `spec.table` equal to `fresh` (a query giving the key and value
 * columns, page_id first): rows no longer computed are deleted, new ones inserted, changed ones
 * updated, equal ones left alone. Returns the local days of the rows that changed, which is what
 * the totals built on the table must redo.
 */
export async function replaceRows(trx: Trx, pageId: string, scope: Scope, spec: SummaryTable, fresh: RawBuilder<unknown>): Promise<string[]> {
  const table = sql.table(`pancake_private.${spec.table}`);
  const columns = ['page_id', ...spec.key, ...spec.values];
  const list = sql.raw(columns.join(', '));
  const keyMatch = sql.raw(spec.key.map((k) => `f.${k} = t.${k}`).join(' and '));
  const current = sql.raw(spec.values.map((v) => `${spec.table}.${v}`).join(', '));
  const incoming = sql.raw(spec.values.map((v) => `excluded.${v}`).join(', '));
  const updates = sql.raw(spec.values.map((v) => `${v} = excluded.${v}`).join(', '));
  const { rows } = await sql<{ days: string[] }>`
    with fresh as (${fresh}),
    gone as (
      delete from ${table} t where t.page_id = ${pageId} and ${inScope(scope, 't.conversation_id')}
        and not exists (select from fresh f where ${keyMatch})
      returning t.day),
    put as (
      insert into ${table} (${list}) select ${list} from fresh
      on conflict (page_id, ${sql.raw(spec.key.join(', '))}) do update set ${updates}
      where (${current}) is distinct from (${incoming})
      returning day)
    select coalesce(array_agg(distinct day::text), '{}') as days from (select day from gone union all select day from put) changed`.execute(trx);
  return rows[0]?.days ?? [];
}

export function distinct(values: ReadonlyArray<string | null | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string'))];
}
