import { CUSTOMERS_MAX_PAGE_SIZE } from '../../pancake/client.js';
import type { PancakePageCustomer } from '../../pancake/types.js';
import { parseApiTimestamp } from '../../pancake/time.js';
import { childRowsNotInPart } from '../../warehouse/bridges.js';
import { upsertParts } from '../../warehouse/upsert.js';
import { bool, str } from '../coercions.js';
import { walkSplitting, type SplitPosition } from '../../pancake/split-walk.js';
import { windowedStream } from '../engines/windowed.js';
import type { RowOf } from '../../warehouse/tables/declare.js';
import { customers, customerPhoneNumbers } from '../../warehouse/tables/shop.js';

export type CustomerRow = RowOf<typeof customers>;

export type CustomerPhoneRow = RowOf<typeof customerPhoneNumbers>;

/** The customer's phone numbers as rows, in the answer's order, blank and repeated ones dropped. */
export function mapCustomerPhones(c: PancakePageCustomer, pageId: string): CustomerPhoneRow[] {
  if (!Array.isArray(c.phone_numbers)) return [];
  const rows: CustomerPhoneRow[] = [];
  for (const entry of c.phone_numbers) {
    const phone = phoneOf(entry);
    if (phone === null || rows.some((r) => r.phone_number === phone)) continue;
    rows.push({ page_id: pageId, page_customer_id: String(c.id), phone_number: phone, position: rows.length + 1, raw: entry });
  }
  return rows;
}

export function mapCustomer(c: PancakePageCustomer, pageId: string): CustomerRow {
  const phones = phoneNumbers(c.phone_numbers);
  return {
    page_id: pageId,
    id: String(c.id),
    customer_id: str(c.customer_id),
    psid: str(c.psid),
    thread_id: str(c.thread_id),
    name: str(c.name),
    gender: str(c.gender),
    phone_number: phones[0] ?? null,
    phone_numbers: phones.length > 0 ? phones.join(',') : null,
    birthday: calendarDate(c.birthday),
    birth_year: birthYear(c.birthday),
    lives_in: str(c.lives_in),
    can_inbox: bool(c.can_inbox),
    note_count: Array.isArray(c.notes) ? c.notes.length : null,
    inserted_at: parseApiTimestamp(c.inserted_at),
    updated_at: parseApiTimestamp(c.updated_at),
    deleted_at: null,
    raw: c,
  };
}

/** A phone number as a string (the samples) or an object carrying `phone_number` (seen elsewhere); null when blank. */
export function phoneOf(entry: unknown): string | null {
  const text = (typeof entry === 'object' && entry !== null ? str((entry as { phone_number?: unknown }).phone_number) : str(entry))?.trim() ?? '';
  return text === '' ? null : text;
}

/** Blank and repeated numbers are dropped. */
function phoneNumbers(value: PancakePageCustomer['phone_numbers']): string[] {
  if (!Array.isArray(value)) return [];
  return [...new Set(value.map(phoneOf).filter((n): n is string => n !== null))];
}

/**
 * The year of a birthday, also when only the year is known: `"2007-00-00"` in page customers and
 * `{ date: 0, month: 0, year: 2005 }` in a conversation's page_customer (both seen). Null for a year
 * that cannot be a living customer's.
 */
export function birthYear(value: unknown): number | null {
  const year =
    typeof value === 'string'
      ? Number(/^(\d{4})-\d{2}-\d{2}/.exec(value.trim())?.[1] ?? /^\d{1,2}\/\d{1,2}\/(\d{4})$/.exec(value.trim())?.[1] ?? NaN)
      : typeof value === 'object' && value !== null
        ? Number((value as { year?: unknown }).year)
        : NaN;
  return Number.isInteger(year) && year >= 1900 && year <= new Date().getUTCFullYear() ? year : null;
}

/** 'YYYY-MM-DD…' or the Vietnamese 'DD/MM/YYYY' to 'YYYY-MM-DD'; anything else (or an impossible date) is null. */
export function calendarDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value.trim());
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : vn ? [vn[3], vn[2], vn[1]] : [];
  if (!y || !m || !d) return null;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) return null;
  return date.toISOString().slice(0, 10);
}

export const customersStream = windowedStream<PancakePageCustomer, CustomerRow, SplitPosition>({
  name: 'customers',
  description: 'page customers walked by updated_at windows (split until each range fits one page)',
  table: customers,
  // By updated_at, so edits to old customers are picked up; split-walk.ts explains why this walk
  // cannot skip a customer that is edited while it runs.
  read: (ctx, window, from) =>
    walkSplitting(
      async (since, until, pageNumber) => {
        const body = await ctx.client.listPageCustomers(ctx.page.id, { since, until, pageNumber, pageSize: CUSTOMERS_MAX_PAGE_SIZE, orderBy: 'updated_at' });
        return { records: body.customers, total: typeof body.total === 'number' ? body.total : null };
      },
      CUSTOMERS_MAX_PAGE_SIZE,
      window,
      from,
    ),
  map: (customer, ctx) => mapCustomer(customer, ctx.page.id),
  sweep: { table: 'pancake.customers', idOf: (c) => String(c.id), timeMoves: true },
  // Same statement: a customer's phone numbers change exactly when its row does.
  alsoWrite: (ctx, records, rows) => {
    const phones = records.flatMap((c) => mapCustomerPhones(c, ctx.page.id));
    const parents = rows.map((r) => ({ pageId: r.page_id, parentId: r.id }));
    return [
      ...childRowsNotInPart('pancake.customer_phone_numbers', 'page_customer_id', ['phone_number'], parents, phones.map((p) => [p.page_id, p.page_customer_id, p.phone_number])),
      ...upsertParts(customerPhoneNumbers, phones, ctx.onStorageWarning ?? null),
    ];
  },
  costPerWindow: '≥1 request each (more where over 100 customers changed)',
});
