// Human durations in configuration and flags: "90s", "15m", "2h", "3d", "1w", or plain milliseconds.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/i.exec(text);
  if (!match) return null;
  const amount = Number(match[1]);
  const unit = (match[2] ?? 'ms').toLowerCase();
  const factor = UNIT_MS[unit];
  if (factor === undefined || !Number.isFinite(amount)) return null;
  return Math.round(amount * factor);
}

export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${ms}ms`;
  if (abs < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  if (abs < 3_600_000) return `${(ms / 60_000).toFixed(1)}m`;
  if (abs < 86_400_000) return `${(ms / 3_600_000).toFixed(1)}h`;
  return `${(ms / 86_400_000).toFixed(1)}d`;
}

/** The shortest exact form a user would write: 7200000 → "2h", 30000 → "30s", 1500 → "1500ms". */
export function exactDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const factor = UNIT_MS[unit] as number;
    if (ms !== 0 && ms % factor === 0) return `${ms / factor}${unit}`;
  }
  return `${ms}ms`;
}

/** An ISO date ("2026-01-31"), an ISO datetime, or a duration meaning "that long before now". */
export function parseInstant(text: string, now: Date = new Date()): Date | null {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    if (!isCalendarDate(trimmed)) return null;
    const date = new Date(`${trimmed}T00:00:00Z`);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) {
    // JavaScript rolls 2026-02-30 over to March 2 and accepts 24:00; a date that does not exist is a typo.
    if (!isCalendarDate(trimmed.slice(0, 10)) || !isClockTime(trimmed.slice(11))) return null;
    // A datetime without a zone is UTC, like the API's own timestamps.
    const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed) ? trimmed : `${trimmed}Z`;
    const date = new Date(withZone);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  const ago = parseDuration(trimmed);
  return ago === null ? null : new Date(now.getTime() - ago);
}

/** Whether "YYYY-MM-DD" names a day that exists (no February 30th, no month 13). */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isClockTime(text: string): boolean {
  const match = /^(\d{2}):(\d{2})(?::(\d{2}))?/.exec(text);
  return match !== null && Number(match[1]) <= 23 && Number(match[2]) <= 59 && Number(match[3] ?? 0) <= 59;
}

/** Pancake began in 2015: a start before then is a typo (1900 for 2019), and would walk a century of empty windows. */
export const EARLIEST_PLAUSIBLE_DATE = new Date('2015-01-01T00:00:00Z');
