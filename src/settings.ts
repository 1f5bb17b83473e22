import { parseBusinessHours, type BusinessHours } from './business-hours.js';
import { exactDuration, parseDuration, parseInstant } from './durations.js';
import { isValidPageId, PAGE_ID_FORM } from './page-ids.js';
import {
  DEFAULT_BASE_URL,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_RATE_LIMIT,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_TIMEZONE,
  MAX_RATE_LIMIT,
} from './pancake/defaults.js';

// Every setting of pancake-sync, declared once: its variable, meaning, default, example and parser.
// The Config type, `--help`, README's configuration table and the check of .env.example all follow
// from this table (src/config.ts, src/cli.ts, test/unit/settings-docs.test.ts).

/** What a parser may report: the problem, phrased to follow the variable's name. */
export interface ParseContext {
  now: Date;
  problem(what: string): void;
}

export interface Setting<T> {
  env: string;
  /** One line: what it is for, as --help and the README say it. */
  help: string;
  /** The default as a user reads it ('' when there is none). */
  shown: string;
  /** A good value, for error messages. */
  example: string;
  /** Parses the trimmed value (undefined when unset or empty); reports problems through ctx. */
  parse(raw: string | undefined, ctx: ParseContext): T;
}

/** The API refuses `until - since` over one month; windows stay strictly inside it. */
export const MAX_WINDOW_DAYS = 30;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A value that may be left unset (null). */
function optionalText(env: string, help: string, options: { shown?: string; example: string; check?: (value: string, ctx: ParseContext) => void }): Setting<string | null> {
  return {
    env,
    help,
    shown: options.shown ?? '',
    example: options.example,
    parse(raw, ctx) {
      if (raw !== undefined) options.check?.(raw, ctx);
      return raw ?? null;
    },
  };
}

/** A value with a default; `normalize` tidies what the user wrote (e.g. a trailing slash). */
function text(env: string, help: string, options: { fallback: string; check?: (value: string, ctx: ParseContext) => void; normalize?: (value: string) => string }): Setting<string> {
  return {
    env,
    help,
    shown: options.fallback,
    example: options.fallback,
    parse(raw, ctx) {
      const value = options.normalize ? options.normalize(raw ?? options.fallback) : (raw ?? options.fallback);
      options.check?.(value, ctx);
      return value;
    },
  };
}

function integer(env: string, help: string, fallback: number, min: number, max: number): Setting<number> {
  return {
    env,
    help,
    shown: String(fallback),
    example: String(fallback),
    parse(raw, ctx) {
      if (raw === undefined) return fallback;
      if (!/^-?\d+$/.test(raw)) {
        ctx.problem(`must be a whole number between ${min} and ${max}, got "${raw}"`);
        return fallback;
      }
      const value = Number(raw);
      if (value < min || value > max) {
        ctx.problem(`must be between ${min} and ${max}, got ${value}`);
        return fallback;
      }
      return value;
    },
  };
}

function duration(env: string, help: string, fallbackMs: number, minMs = 0): Setting<number> {
  const shown = exactDuration(fallbackMs);
  return {
    env,
    help,
    shown,
    example: shown,
    parse(raw, ctx) {
      if (raw === undefined) return fallbackMs;
      const ms = parseDuration(raw);
      if (ms === null || ms < 0) {
        ctx.problem(`must be a duration of 0 or more: a number with a unit (ms, s, m, h, d or w) such as 90s, 15m, 2h or 3d, got "${raw}"`);
        return fallbackMs;
      }
      if (ms < minMs) {
        ctx.problem(`must be a duration of at least ${exactDuration(minMs)}, got "${raw}"`);
        return fallbackMs;
      }
      return ms;
    },
  };
}

function choice<const C extends string>(env: string, help: string, choices: readonly C[], fallback: C, describe: string): Setting<C> {
  return {
    env,
    help,
    shown: fallback,
    example: fallback,
    parse(raw, ctx) {
      const value = (raw ?? fallback).toLowerCase() as C;
      if (choices.includes(value)) return value;
      ctx.problem(`must be ${describe}, got "${raw}"`);
      return fallback;
    },
  };
}

/** `page_id:value,page_id:value` (the value may hold colons: tokens do). */
function pagePairs(env: string, help: string, example: string): Setting<Map<string, string>> {
  return {
    env,
    help,
    shown: '',
    example,
    parse(raw, ctx) {
      const result = new Map<string, string>();
      for (const item of (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
        const at = item.indexOf(':');
        const key = item.slice(0, at).trim();
        const value = item.slice(at + 1).trim();
        if (at <= 0 || !value || !isValidPageId(key)) {
          ctx.problem(`must be a comma-separated list of page_id:value pairs, page ids made of ${PAGE_ID_FORM}; "${maskPair(item)}" is not one`);
          continue;
        }
        result.set(key, value);
      }
      return result;
    },
  };
}

/** A pair echoed in an error without its value, which may be a token. */
function maskPair(item: string): string {
  const at = item.indexOf(':');
  return at < 0 ? (item.length > 12 ? `${item.slice(0, 4)}…` : item) : `${item.slice(0, at)}:***`;
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The settings, in the order --help and the README list them. */
export const SETTINGS = {
  databaseUrl: optionalText('DATABASE_URL', 'target Postgres', {
    shown: 'an embedded Postgres under `$PANCAKE_SYNC_HOME/postgres`',
    example: 'postgres://user:password@localhost:5432/warehouse',
    check: (value, ctx) => {
      if (!/^postgres(ql)?:\/\//i.test(value)) ctx.problem('must be a connection string starting with postgres:// or postgresql://');
    },
  }),
  accessToken: optionalText('PANCAKE_ACCESS_TOKEN', 'user token: lists pages and generates page tokens (kept encrypted for reuse)', { example: 'eyJhbGciOi...' }),
  pageTokens: pagePairs('PANCAKE_PAGE_TOKENS', '`page_id:token,...`, instead of or besides the user token; always used first', '1234567890123456:page-token-from-pancake'),
  pageIds: {
    env: 'PANCAKE_PAGE_IDS',
    help: 'only these pages; ids of any channel, e.g. `1234567890123456,web_1664524051101747`',
    shown: 'every page the token reads',
    example: '1234567890123456,web_1664524051101747',
    parse(raw, ctx) {
      if (raw === undefined) return null;
      const ids = raw.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = ids.filter((id) => !isValidPageId(id));
      if (bad.length > 0) ctx.problem(`must be page ids separated by commas, each made of ${PAGE_ID_FORM}; got "${bad.join(',')}"`);
      return ids;
    },
  } satisfies Setting<string[] | null>,
  baseUrl: text('PANCAKE_BASE_URL', 'API origin (the simulator in tests)', {
    fallback: DEFAULT_BASE_URL,
    normalize: (value) => value.replace(/\/+$/, ''),
    check: (value, ctx) => {
      try {
        const url = new URL(value);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
      } catch {
        ctx.problem(`must be an http:// or https:// origin (scheme, host and optional port), got "${value}"`);
      }
    },
  }),
  timezone: text('PANCAKE_TIMEZONE', "zone of day boundaries when a page carries no `timezone`; when set, it overrides the pages' own", {
    fallback: DEFAULT_TIMEZONE,
    check: (value, ctx) => {
      if (!isValidTimeZone(value)) ctx.problem(`must be an IANA time zone name such as Asia/Ho_Chi_Minh, Asia/Bangkok or UTC, got "${value}"`);
    },
  }),
  inquiryGapMs: duration('PANCAKE_INQUIRY_GAP', 'analytics: a customer message after this long without one starts a new inquiry, whose response time is measured', 24 * 3_600_000, 60_000),
  businessHours: {
    env: 'PANCAKE_BUSINESS_HOURS',
    help: 'analytics: opening hours in the page\'s zone, for response times in business seconds; `Mon-Sat 08:00-21:00`, ranges by commas, a page\'s own after `; page_id:`',
    shown: 'always open',
    example: 'Mon-Sat 08:00-21:00; 1234567890123456: Mon-Fri 09:00-17:00, Sat 09:00-12:00',
    parse: (raw, ctx) => parseBusinessHours(raw, ctx.problem),
  } satisfies Setting<BusinessHours>,
  callCenterIds: pagePairs('PANCAKE_CALL_CENTER_IDS', '`page_id:sip_package_id,...`: the call center of each page, for call logs', '1234567890123456:sip-package-id'),
  syncStart: {
    env: 'SYNC_START',
    help: 'where a first run starts when nothing is synced yet: ISO date/datetime, or a duration back from now',
    shown: '30d',
    example: '2026-01-01',
    parse(raw, ctx) {
      const at = parseInstant(raw ?? '30d', ctx.now);
      if (at === null) ctx.problem(`must be an ISO date, datetime or a duration back from now, got "${raw}"`);
      return at ?? new Date(ctx.now.getTime() - 30 * 86_400_000);
    },
  } satisfies Setting<Date>,
  lookbackMs: duration('SYNC_LOOKBACK', 'overlap re-read by incremental runs (catches records updated while the last run read)', 2 * 3_600_000),
  windowDays: integer('SYNC_WINDOW_DAYS', `days per since/until window (below ${MAX_WINDOW_DAYS}: the API refuses a month)`, 7, 1, MAX_WINDOW_DAYS - 1),
  safetyLagMs: duration('SYNC_SAFETY_LAG', 'the newest window ends this long before now', 30_000),
  statsLookbackDays: integer('STATS_LOOKBACK_DAYS', 'days of statistics re-read on every run (Pancake corrects recent days)', 3, 0, 365),
  concurrency: integer('SYNC_CONCURRENCY', 'requests in flight at once', DEFAULT_CONCURRENCY, 1, 256),
  rateLimitPerSecond: {
    env: 'PANCAKE_RATE_LIMIT',
    help: `requests per second per token (more than 0, at most ${MAX_RATE_LIMIT})`,
    shown: String(DEFAULT_RATE_LIMIT),
    example: String(DEFAULT_RATE_LIMIT),
    parse(raw, ctx) {
      if (raw === undefined) return DEFAULT_RATE_LIMIT;
      const value = Number(raw);
      if (!/^\d+(\.\d+)?$/.test(raw) || !(value > 0)) ctx.problem(`must be a number of requests per second per token, more than 0 and at most ${MAX_RATE_LIMIT}, got "${raw}"`);
      else if (value > MAX_RATE_LIMIT) ctx.problem(`must be at most ${MAX_RATE_LIMIT} requests per second per token, got ${raw}`);
      else return value;
      return DEFAULT_RATE_LIMIT;
    },
  } satisfies Setting<number>,
  retries: integer('PANCAKE_RETRIES', 'retries of a failed request (rate limits do not use this budget)', DEFAULT_RETRIES, 0, 100),
  timeoutMs: duration('PANCAKE_TIMEOUT', 'per request, body included (at least 1s)', DEFAULT_TIMEOUT_MS, 1000),
  maxRetryAfterMs: duration('PANCAKE_MAX_RETRY_AFTER', 'longest `Retry-After` obeyed; a request asked to wait longer fails, saying so', DEFAULT_MAX_RETRY_AFTER_MS),
  conversationPaging: choice('PANCAKE_CONVERSATION_PAGING', 'conversation paging: `cursor` (API v2, keyset) or `page_number` (API v1)', ['cursor', 'page_number'], 'cursor', '"cursor" or "page_number"'),
  homeDir: text('PANCAKE_SYNC_HOME', 'where the embedded Postgres keeps its data (as root, what the user postgres cannot enter goes to /var/lib/pancake-sync)', {
    fallback: '.pancake-sync',
  }),
  logLevel: choice('LOG_LEVEL', `log level: ${LOG_LEVELS.join(', ')}`, LOG_LEVELS, 'info', `one of ${LOG_LEVELS.join(', ')}`),
};

type Settings = typeof SETTINGS;
/** Every setting's parsed value, by field name. */
export type SettingValues = { [K in keyof Settings]: ReturnType<Settings[K]['parse']> };

/** The environment section of `--help`: one entry per setting, wrapped to 100 columns. */
export function environmentHelp(): string {
  const all = Object.values(SETTINGS) as Array<Setting<unknown>>;
  const width = Math.max(...all.map((s) => s.env.length)) + 4;
  return all
    .map((s) => {
      const words = `${s.help}${s.shown ? ` (default: ${s.shown})` : ''}`.replace(/`/g, '').split(' ');
      const lines = [''];
      for (const word of words) {
        if (lines.at(-1)!.length > 0 && width + lines.at(-1)!.length + word.length + 1 > 100) lines.push('');
        lines[lines.length - 1] = lines.at(-1)! ? `${lines.at(-1)} ${word}` : word;
      }
      return lines.map((line, i) => `${(i === 0 ? `  ${s.env}` : '').padEnd(width)}${line}`).join('\n');
    })
    .join('\n');
}

/** README's configuration table, in Markdown. */
export function settingsTable(): string {
  // A default that is a value is code (`30s`); one described in words is prose.
  const shown = (s: Setting<unknown>) => (!s.shown ? '—' : /\s/.test(s.shown) ? s.shown : `\`${s.shown}\``);
  const rows = (Object.values(SETTINGS) as Array<Setting<unknown>>).map((s) => `| \`${s.env}\` | ${s.help} | ${shown(s)} |`);
  return ['| variable | meaning | default |', '|---|---|---|', ...rows].join('\n');
}
