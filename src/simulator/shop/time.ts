// Timestamps as the real API writes them: zone-less ISO strings in UTC with 0, 3 or 6 fraction
// digits ("2026-03-31T16:34:03", "…:18.127", "…:36.000000"). The truth is kept in epoch ms, and the
// format never drops information: a record whose style is "0 digits" but whose time has milliseconds
// is written with 3, so parsing a response always gives back the exact instant we stored.

import { hashSeed } from './random.js';

export type TimeStyle = 0 | 3 | 6;

const STYLES: readonly TimeStyle[] = [0, 3, 6];

/** The style of one field of one record: fixed by its key so the same record always looks the same. */
export function timeStyleFor(key: string): TimeStyle {
  return STYLES[hashSeed('time-style', key) % STYLES.length] as TimeStyle;
}

/** A record's time field in the style fixed for that record and field. */
export function formatField(recordId: string, field: string, ms: number): string {
  return formatApiTime(ms, timeStyleFor(`${recordId}:${field}`));
}

export function formatApiTime(ms: number, style: TimeStyle): string {
  const base = new Date(ms).toISOString().slice(0, 19);
  const millis = ((ms % 1000) + 1000) % 1000;
  // ".000" never appears in real responses: whole seconds are written bare or with six zeros.
  if (millis === 0 && style !== 6) return base;
  const three = String(millis).padStart(3, '0');
  return style === 6 ? `${base}.${three}000` : `${base}.${three}`;
}

const API_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** Epoch ms of an API timestamp (zone-less means UTC). Throws on anything else: data we made is well-formed. */
export function parseApiTime(text: string): number {
  const m = API_TIME.exec(text);
  if (!m) throw new Error(`Not an API timestamp: ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const millis = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return ms;
}

/** The API compares `since`/`until` (unix seconds) with record times at second precision. */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
