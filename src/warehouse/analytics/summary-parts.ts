import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../schema.js';

// What every summary refresh shares: the page and the settings it is summarized with, the
// conversations in scope, and the way a summary table is brought in line with freshly computed rows.

export type Trx = Transaction<Database>;

/** The page being summarized and what its summaries depend on besides the data (a change rebuilds them). */
export interface SummaryPage {
  pageId: string;
  /** Zone of its local days and hours (src/sync/pages.ts pageZone). */
  zone: string;
  /** A customer message after this long without one is an inquiry (PANCAKE_INQUIRY_GAP). */
  inquiryGapSeconds: number;
  /** Opening hours as a nummultirange literal of seconds since Monday 00:00 (src/business-hours.ts); null: always open. */
  businessHours: string | null;
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

/** Seconds from one instant column to a later one (null when either is), to the millisecond. */
export function seconds(to: string, from: string): RawBuilder<unknown> {
  return sql`round(extract(epoch from (${sql.ref(to)} - ${sql.ref(from)}))::numeric, 3)`;
}

/** Seconds from one instant column to another, within the page's opening hours (all of them when it has none). */
export function businessSeconds(from: string, to: string, { zone, businessHours }: SummaryPage): RawBuilder<unknown> {
  return sql`pancake_private.business_seconds(${sql.ref(from)}, ${sql.ref(to)}, ${zone}, ${businessHours}::nummultirange)`;
}

export interface SummaryPart {
  /** Table in pancake_private. */
  table: string;
  /** Primary key after page_id. */
  key: string[];
  /** The other columns. */
  values: string[];
  /** Which of the table's rows (alias `t`) the fresh rows replace, besides page_id. */
  within: RawBuilder<unknown>;
  /** A query giving page_id, the key and the value columns: the rows `within` should hold. */
  fresh: RawBuilder<unknown>;
  /** The column whose values in changed rows the caller needs back (a day, a conversation), if any. */
  report: string | null;
  /** Report rows added or removed only, not updated ones (whose change matters to no total). */
  reportMembership?: boolean;
}

/**
 * Makes the rows of each part's table `within` its scope equal to its fresh rows, all in one
 * statement: rows no longer computed are deleted, new ones inserted, changed ones updated, equal
 * ones left alone (so a summary that did not change costs no write). Returns, per part, the values
 * of its `report` column in the rows that changed: the days or conversations whose totals to redo.
 * `alongside`: other writes run in the same statement; what they report follows the parts' results.
 */
/** Another write run within replaceRows' statement; `reports`: it returns a text column `value`, reported like a part's. */
export interface Alongside {
  statement: RawBuilder<unknown>;
  reports: boolean;
}

export async function replaceRows(trx: Trx, pageId: string, parts: readonly SummaryPart[], alongside: readonly Alongside[] = []): Promise<string[][]> {
  if (parts.length === 0 && alongside.length === 0) return [];
  const movable = (part: SummaryPart) => part.report !== null && !part.key.includes(part.report) && !part.reportMembership;
  const ctes = parts.map((part, i) => {
    const table = sql.table(`pancake_private.${part.table}`);
    const list = sql.raw(['page_id', ...part.key, ...part.values].join(', '));
    const keyMatch = sql.raw(part.key.map((k) => `f.${k} = t.${k}`).join(' and '));
    const current = sql.raw(part.values.map((v) => `${part.table}.${v}`).join(', '));
    const incoming = sql.raw(part.values.map((v) => `excluded.${v}`).join(', '));
    const updates = sql.raw(part.values.map((v) => `${v} = excluded.${v}`).join(', '));
    const reported = part.report ?? 'null';
    const [fresh, gone, put, moved] = [`fresh${i}`, `gone${i}`, `put${i}`, `moved${i}`].map((name) => sql.raw(name));
    // A reported value that is not part of the key can change in place: its old value is reported too.
    const old = movable(part)
      ? sql`, ${moved} as (select t.${sql.raw(part.report!)}::text as value from ${table} t join ${fresh} f on ${keyMatch} where t.page_id = ${pageId} and t.${sql.raw(part.report!)} is distinct from f.${sql.raw(part.report!)})`
      : sql``;
    return sql`${fresh} as (${part.fresh}),
      ${gone} as (
        delete from ${table} t where t.page_id = ${pageId} and ${part.within} and not exists (select from ${fresh} f where ${keyMatch})
        returning ${sql.raw(part.report ? `t.${part.report}::text` : 'null::text')} as value),
      ${put} as (
        insert into ${table} (${list}) select ${list} from ${fresh}
        on conflict (page_id, ${sql.raw(part.key.join(', '))}) do update set ${updates}
        where (${current}) is distinct from (${incoming})
        returning ${sql.raw(part.reportMembership ? `case when xmax = 0 then ${reported}::text end` : `${reported}::text`)} as value)${old}`;
  });
  // Other writes that belong to the same moment (first conversations, the page's covered days): one round trip less each.
  const also = alongside.map(({ statement }, i) => sql`${sql.raw(`also${i}`)} as (${statement})`);
  const changed = sql.raw(
    [
      ...parts.flatMap((part, i) => [`select ${i} as part, value from gone${i}`, `select ${i}, value from put${i}`, ...(movable(part) ? [`select ${i}, value from moved${i}`] : [])]),
      ...alongside.flatMap(({ reports }, i) => (reports ? [`select ${parts.length + i}, value from also${i}`] : [])),
      'select null::int, null::text',
    ].join(' union all '),
  );
  const { rows } = await sql<{ part: number; values: string[] }>`
    with ${sql.join([...ctes, ...also], sql`, `)}
    select part, array_agg(distinct value) as values from (${changed}) changed(part, value) where value is not null group by part`.execute(trx);
  return [...parts, ...alongside].map((_, i) => rows.find((r) => r.part === i)?.values ?? []);
}

export function distinct(values: ReadonlyArray<string | null | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string'))];
}
