import { isValidPageId } from './page-ids.js';

// Opening hours (PANCAKE_BUSINESS_HOURS), against which response times are also counted in business
// seconds. A week is measured from Monday 00:00 local time; opening hours are ranges of seconds in it.
//
//   Mon-Sat 08:00-21:00                      every page
//   Mon-Fri 08:00-12:00, Mon-Fri 13:00-18:00 two ranges a day
//   Mon-Sat 08:00-21:00; 1234567890123456: Mon-Fri 09:00-17:00, Sat 09:00-12:00
//                                            one page has hours of its own
//   ...; 1234567890123456: always            one page counts every hour

/** Opening hours as ranges of seconds since Monday 00:00, sorted and merged; null: always open. */
export type WeekHours = Array<[from: number, to: number]> | null;

export interface BusinessHours {
  /** Every page's hours, unless the page has its own. */
  all: WeekHours;
  pages: Map<string, WeekHours>;
}

export const ALWAYS_OPEN: BusinessHours = { all: null, pages: new Map() };

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_SECONDS = 86_400;

/** Parses the setting; each problem is reported through `problem` and the rest still parsed. */
export function parseBusinessHours(raw: string | undefined, problem: (what: string) => void): BusinessHours {
  const result: BusinessHours = { all: null, pages: new Map() };
  for (const group of (raw ?? '').split(';').map((g) => g.trim()).filter(Boolean)) {
    const prefixed = /^([^\s:]+)\s*:\s*(.*)$/.exec(group);
    const pageId = prefixed && isValidPageId(prefixed[1]!) ? prefixed[1]! : null;
    const hours = parseWeek(pageId === null ? group : prefixed![2]!, problem);
    if (pageId === null) result.all = hours;
    else result.pages.set(pageId, hours);
  }
  return result;
}

function parseWeek(text: string, problem: (what: string) => void): WeekHours {
  if (/^always$/i.test(text.trim())) return null;
  const ranges: Array<[number, number]> = [];
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^([A-Za-z]{3})(?:-([A-Za-z]{3}))?\s+(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(item);
    const first = match ? DAYS.indexOf(match[1]!.toLowerCase()) : -1;
    const last = match ? (match[2] === undefined ? first : DAYS.indexOf(match[2].toLowerCase())) : -1;
    const open = match ? Number(match[3]) * 3600 + Number(match[4]) * 60 : NaN;
    const close = match ? Number(match[5]) * 3600 + Number(match[6]) * 60 : NaN;
    if (first < 0 || last < 0 || Number(match![4]) > 59 || Number(match![6]) > 59 || !(open < close) || close > DAY_SECONDS) {
      problem(`must be days and opening hours such as "Mon-Sat 08:00-21:00" (ranges separated by commas, a page's own hours after "page_id:", groups by ";"; a range ends after it starts, by 24:00); "${item}" is not one`);
      continue;
    }
    // Mon-Sat, or Sat-Mon across the week's end.
    for (let day = first; ; day = (day + 1) % 7) {
      ranges.push([day * DAY_SECONDS + open, day * DAY_SECONDS + close]);
      if (day === last) break;
    }
  }
  return merge(ranges);
}

function merge(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [from, to] of sorted) {
    const last = merged.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/** A page's opening hours as a Postgres nummultirange literal, or null when it is always open. */
export function businessHoursOf(hours: BusinessHours, pageId: string): string | null {
  const week = hours.pages.has(pageId) ? hours.pages.get(pageId)! : hours.all;
  if (week === null) return null;
  return `{${week.map(([from, to]) => `[${from},${to})`).join(',')}}`;
}
