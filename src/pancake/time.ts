// Request times are unix seconds (UTC); response times are zone-less ISO strings in UTC with 0 to 6
// fraction digits (docs/pancake-api.md, "Bases and tokens").

export type Instant = Date | number;

/** A Date, or unix seconds, to the unix seconds the API takes. */
export function toUnixSeconds(value: Instant): number {
  return typeof value === 'number' ? Math.floor(value) : Math.floor(value.getTime() / 1000);
}

const ZONELESS = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?$/;

/**
 * Parses an API timestamp. Zone-less strings are UTC; `Z` and offsets are honoured. Fractions past
 * milliseconds are dropped (a JS Date holds ms; the full string stays in `raw`). Returns null for
 * anything that is not a timestamp, so one odd record never stops a run.
 */
export function parseApiTimestamp(value: unknown): Date | null {
  if (typeof value === 'number') {
    // Epoch seconds or milliseconds (customer notes carry ms).
    const ms = value > 1e11 ? value : value * 1000;
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  if (typeof value !== 'string' || value.length === 0) return null;
  const zoneless = ZONELESS.exec(value.trim());
  let iso = value.trim();
  if (zoneless) {
    const fraction = (zoneless[3] ?? '').slice(0, 3).padEnd(3, '0');
    const time = (zoneless[2] ?? '').length === 5 ? `${zoneless[2]}:00` : zoneless[2];
    iso = `${zoneless[1]}T${time}.${fraction}Z`;
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}
