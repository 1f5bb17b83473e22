import { EARLIEST_PLAUSIBLE_DATE, exactDuration, isCalendarDate, parseDuration, parseInstant } from './durations.js';
import { PAGE_ID_FORM, pageIdProblem } from './page-ids.js';

// What a setting or a flag accepts, one rule per kind of value, so that a value means the same and
// is refused with the same words wherever it is given: `SYNC_START` and `--since`, `PANCAKE_PAGE_IDS`
// and `--pages`, every time limit. src/settings.ts attaches a rule to each variable; the commands
// attach one to each flag (src/commands/flags.ts); --help and README show `accepts`.

/** The longest delay Node's timers accept (a longer one fires after 1 ms). */
export const MAX_TIMER_MS = 2_147_483_647;

export type Parsed<T> = { value: T } | { problem: string };

export interface Rule<T> {
  /** What is accepted, as --help, the README and error messages say it: "a duration from 1s to 1h". */
  accepts: string;
  /** Parses a trimmed value; a problem is phrased to follow the value's name ("must be …"). */
  parse(raw: string, now: Date): Parsed<T>;
}

export function wholeNumberRule(min: number, max: number): Rule<number> {
  const accepts = `a whole number from ${min} to ${max}`;
  return {
    accepts,
    parse(raw) {
      if (!/^-?\d+$/.test(raw)) return { problem: `must be ${accepts}, got "${raw}"` };
      const value = Number(raw);
      if (value < min || value > max) return { problem: `must be ${accepts}, got ${raw}` };
      return { value };
    },
  };
}

/** Durations that become timers stay under Node's limit; `maxMs` may be lower, never higher. */
export function durationRule(minMs: number, maxMs = MAX_TIMER_MS): Rule<number> {
  const max = Math.min(maxMs, MAX_TIMER_MS);
  const shown = (ms: number) => (ms === MAX_TIMER_MS ? '24d' : exactDuration(ms));
  const accepts = `a duration (a number with a unit: ms, s, m, h, d or w) from ${minMs === 0 ? '0' : exactDuration(minMs)} to ${shown(max)}`;
  // Node's own limit is 24.8 days: the bound a user reads is the whole day below it.
  const limit = max === MAX_TIMER_MS ? 24 * 86_400_000 : max;
  return {
    accepts,
    parse(raw) {
      const ms = parseDuration(raw);
      if (ms === null) return { problem: `must be ${accepts}, such as 90s, 15m or 2h; got "${raw}"` };
      if (ms < minMs || ms > limit) return { problem: `must be ${accepts}, got "${raw}"` };
      return { value: ms };
    },
  };
}

/** A date where a walk starts (`SYNC_START`, `--since`): not before Pancake began, not in the future. */
export const startRule: Rule<Date> = {
  accepts: `an ISO date or datetime (UTC unless it names a zone) from ${EARLIEST_PLAUSIBLE_DATE.toISOString().slice(0, 10)} until now, or a duration back from now such as 90d`,
  parse(raw, now) {
    const parsed = instantRule.parse(raw, now);
    if ('problem' in parsed) return parsed;
    const at = parsed.value;
    if (at < EARLIEST_PLAUSIBLE_DATE) {
      return { problem: `is ${raw}, before ${EARLIEST_PLAUSIBLE_DATE.getUTCFullYear()}, when Pancake began: check the year` };
    }
    if (at > now) return { problem: `is ${raw} (${at.toISOString()}), which is in the future` };
    return { value: at };
  },
};

/** Any instant (`--until`): an ISO date or datetime, or a duration back from now. */
export const instantRule: Rule<Date> = {
  accepts: 'an ISO date or datetime (UTC unless it names a zone), or a duration back from now such as 90d',
  parse(raw, now) {
    // A bare number reads as milliseconds back from now, which nobody means by a date (`--since 1900`).
    if (/^\d+$/.test(raw)) return { problem: `is ${raw}, a bare number: write a date such as ${raw.length === 4 ? `${raw}-01-01` : '2026-01-01'}, or a duration with its unit such as 90d` };
    const at = parseInstant(raw, now);
    if (at !== null) return { value: at };
    const day = /^\s*(\d{4}-\d{2}-\d{2})/.exec(raw)?.[1];
    if (day !== undefined && !isCalendarDate(day)) return { problem: `is ${raw}: ${day} is not a day of the calendar` };
    return { problem: `must be an ISO date, an ISO datetime or a duration back from now, got "${raw}"` };
  },
};

/** Comma-separated items; an empty list (``, `,,,`) is refused, never read as "all". */
function listRule(accepts: string, item: (value: string) => string | null): Rule<string[]> {
  return {
    accepts,
    parse(raw) {
      const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
      if (items.length === 0) return { problem: `must name at least one: ${accepts}; got "${raw}" (leave it out for all)` };
      for (const value of items) {
        const problem = item(value);
        if (problem !== null) return { problem: `must be ${accepts}; "${value}" ${problem}` };
      }
      return { value: [...new Set(items)] };
    },
  };
}

/** Page ids, as PANCAKE_PAGE_IDS and --pages take them. */
export const pageListRule: Rule<string[]> = listRule(`page ids separated by commas, each made of ${PAGE_ID_FORM}`, pageIdProblem);

/** Names separated by commas (e.g. --streams; the names themselves are checked by their owner). */
export const nameListRule: Rule<string[]> = listRule('names separated by commas', () => null);

/** A TCP port to listen on; 0 lets the system choose a free one. */
export const portRule: Rule<number> = wholeNumberRule(0, 65_535);
