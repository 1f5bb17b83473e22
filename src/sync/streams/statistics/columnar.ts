import { PancakeError } from '../../../pancake/errors.js';
import { type Day, type DayWindow, dayStart, localHour } from '../../engines/days.js';

// Columnar answers label their categories "26/8" (day/month in the page's zone). A label alone has
// no year and repeats on the night the clocks go back, so each category's period comes from the
// request's range, by position; the labels only serve to check that the API bucketed as we did.

export interface Period {
  day: Day;
  start: Date;
  /** Local clock hour for hourly categories; null for days. */
  hour: number | null;
}

const LABEL = /^(\d{1,2})\/(\d{1,2})/;

function labelMatches(label: unknown, day: Day): boolean {
  const m = typeof label === 'string' ? LABEL.exec(label.trim()) : null;
  if (!m) return true; // a label we cannot read does not contradict the position
  const [, d, mo] = m;
  return Number(d) === Number(day.slice(8, 10)) && Number(mo) === Number(day.slice(5, 7));
}

function mismatch(what: string, window: DayWindow, detail: string): PancakeError {
  return new PancakeError(`Pancake's ${what} for ${window.firstDay}..${window.lastDay} (${window.zone}) do not line up with the requested days: ${detail}`, { kind: 'invalid_response' });
}

/** One period per day of the window, checked against the API's labels. */
export function dayPeriods(categories: readonly unknown[], window: DayWindow, what: string): Period[] {
  if (categories.length !== window.days.length) throw mismatch(what, window, `expected ${window.days.length} daily categories, got ${categories.length}`);
  return window.days.map((day, i) => {
    if (!labelMatches(categories[i], day)) throw mismatch(what, window, `category ${i} is "${String(categories[i])}", expected the day ${day}`);
    return { day, start: dayStart(day, window.zone), hour: null };
  });
}

/** One period per hour of the window (23 or 25 on DST days), checked against the API's labels. */
export function hourPeriods(categories: readonly unknown[], window: DayWindow, what: string): Period[] {
  const hours = Math.round((window.until.getTime() + 1000 - window.since.getTime()) / 3_600_000);
  if (categories.length !== hours) throw mismatch(what, window, `expected ${hours} hourly categories, got ${categories.length}`);
  return categories.map((label, i) => {
    const start = new Date(window.since.getTime() + i * 3_600_000);
    const { day, hour } = localHour(start, window.zone);
    if (!labelMatches(label, day)) throw mismatch(what, window, `category ${i} is "${String(label)}", expected an hour of ${day}`);
    return { day, start, hour };
  });
}
