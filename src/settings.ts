import { parseBusinessHours, type BusinessHours } from './business-hours.js';
import { exactDuration } from './durations.js';
import { helpColumns } from './help-text.js';
import { isValidPageId, PAGE_ID_FORM } from './page-ids.js';
import { durationRule, pageListRule, startRule, wholeNumberRule, type Rule } from './rules.js';
import {
  DEFAULT_BASE_URL,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_RATE_LIMIT,
  DEFAULT_RATE_LIMIT_RUN_WAIT_MS,
  DEFAULT_RATE_LIMIT_WAIT_MS,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_TIMEZONE,
  MAX_RANGE_DAYS,
  MAX_RATE_LIMIT,
} from './pancake/defaults.js';

// Every setting of pancake-sync, declared once: its variable, meaning, what it accepts, default,
// example and parser. The Config type, `--help`, README's configuration table and the check of
// .env.example all follow from this table (src/config.ts, src/cli.ts, test/unit/settings-docs.test.ts).
// A value of the same kind as a flag's follows the same rule (src/rules.ts): SYNC_START and --since,
// PANCAKE_PAGE_IDS and --pages.

/** What a parser may report: the problem, phrased to follow the variable's name. */
export interface ParseContext {
  now: Date;
  problem(what: string): void;
}

export interface Setting<T> {
  env: string;
  /** One line: what it is for, as --help and the README say it. */
  help: string;
  /** What it accepts, as --help, the README and its error messages say it. */
  accepts: string;
  /** The default as a user reads it ('' when there is none). */
  shown: string;
  /** A good value, for error messages. */
  example: string;
  /** Parses the trimmed value (undefined when unset or empty); reports problems through ctx. */
  parse(raw: string | undefined, ctx: ParseContext): T;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** A first run reads the last 30 days unless SYNC_START says otherwise. */
const DEFAULT_START_MS = 30 * 86_400_000;

/** A value that may be left unset (null). */
function optionalText(env: string, help: string, options: { accepts: string; shown?: string; example: string; check?: (value: string, ctx: ParseContext) => void }): Setting<string | null> {
  return {
    env,
    help,
    accepts: options.accepts,
    shown: options.shown ?? '',
    example: options.example,
    parse(raw, ctx) {
      if (raw !== undefined) options.check?.(raw, ctx);
      return raw ?? null;
    },
  };
}

/** A value with a default; `normalize` tidies what the user wrote (e.g. a trailing slash). */
function text(env: string, help: string, options: { accepts: string; fallback: string; check?: (value: string, ctx: ParseContext) => void; normalize?: (value: string) => string }): Setting<string> {
  return {
    env,
    help,
    accepts: options.accepts,
    shown: options.fallback,
    example: options.fallback,
    parse(raw, ctx) {
      const value = options.normalize ? options.normalize(raw ?? options.fallback) : (raw ?? options.fallback);
      options.check?.(value, ctx);
      return value;
    },
  };
}

/** A setting parsed by one of the rules that flags use too; `fallback` when unset (or refused). */
function ruled<T>(env: string, help: string, rule: Rule<T>, fallback: (now: Date) => T, shown: string, example = shown): Setting<T> {
  return {
    env,
    help,
    accepts: rule.accepts,
    shown,
    example,
    parse(raw, ctx) {
      if (raw === undefined) return fallback(ctx.now);
      const parsed = rule.parse(raw, ctx.now);
      if ('value' in parsed) return parsed.value;
      ctx.problem(parsed.problem);
      return fallback(ctx.now);
    },
  };
}

function integer(env: string, help: string, fallback: number, min: number, max: number): Setting<number> {
  return ruled(env, help, wholeNumberRule(min, max), () => fallback, String(fallback));
}

function duration(env: string, help: string, fallbackMs: number, minMs: number, maxMs: number): Setting<number> {
  return ruled(env, help, durationRule(minMs, maxMs), () => fallbackMs, exactDuration(fallbackMs));
}

function choice<const C extends string>(env: string, help: string, choices: readonly C[], fallback: C, describe: string): Setting<C> {
  return {
    env,
    help,
    accepts: describe,
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

/** `on` or `off`, read as a boolean. */
function toggle(env: string, help: string, fallback: boolean): Setting<boolean> {
  const onOff = choice(env, help, ['on', 'off'], fallback ? 'on' : 'off', '"on" or "off"');
  return { ...onOff, parse: (raw, ctx) => onOff.parse(raw, ctx) === 'on' };
}

/** `page_id:value,page_id:value` (the value may hold colons: tokens do). */
function pagePairs(env: string, help: string, example: string): Setting<Map<string, string>> {
  return {
    env,
    help,
    accepts: 'page_id:value pairs separated by commas',
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
    accepts: 'a postgres:// or postgresql:// connection string',
    shown: 'an embedded Postgres under `$PANCAKE_SYNC_HOME/postgres`',
    example: 'postgres://user:password@localhost:5432/warehouse',
    check: (value, ctx) => {
      if (!/^postgres(ql)?:\/\//i.test(value)) ctx.problem('must be a connection string starting with postgres:// or postgresql://');
    },
  }),
  preparedStatements: toggle(
    'DATABASE_PREPARED_STATEMENTS',
    'run the statements repeated for every API page as prepared statements, their text sent once per connection; `off` behind a pooler in transaction mode (PgBouncer before 1.21 and the like) that does not keep them',
    true,
  ),
  accessToken: optionalText('PANCAKE_ACCESS_TOKEN', 'user token: lists pages and generates page tokens (kept encrypted for reuse)', { accepts: "the token from Pancake's settings", example: 'eyJhbGciOi...' }),
  previousAccessToken: optionalText(
    'PANCAKE_PREVIOUS_ACCESS_TOKEN',
    'after renewing PANCAKE_ACCESS_TOKEN, the token it replaced, for one run: the page tokens stored under it are kept (re-encrypted with the new one) instead of generated again, which may revoke the ones other integrations use',
    { accepts: 'the user token you replaced', example: 'eyJhbGciOi...' },
  ),
  pageTokens: pagePairs('PANCAKE_PAGE_TOKENS', '`page_id:token,...`, instead of or besides the user token; always used first', '1234567890123456:page-token-from-pancake'),
  pageIds: ruled<string[] | null>('PANCAKE_PAGE_IDS', 'only these pages; ids of any channel, e.g. `1234567890123456,web_1664524051101747`', pageListRule, () => null, 'every page the token reads', '1234567890123456,web_1664524051101747'),
  baseUrl: text('PANCAKE_BASE_URL', 'API origin (the simulator in tests)', {
    accepts: 'an http:// or https:// origin',
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
    accepts: 'an IANA time zone name',
    fallback: DEFAULT_TIMEZONE,
    check: (value, ctx) => {
      if (!isValidTimeZone(value)) ctx.problem(`must be an IANA time zone name such as Asia/Ho_Chi_Minh, Asia/Bangkok or UTC, got "${value}"`);
    },
  }),
  inquiryGapMs: duration('PANCAKE_INQUIRY_GAP', 'analytics: a customer message after this long without one starts a new inquiry, whose response time is measured', 24 * 3_600_000, 60_000, 366 * 86_400_000),
  businessHours: {
    env: 'PANCAKE_BUSINESS_HOURS',
    help: 'analytics: opening hours in the page\'s zone, for response times in business seconds; `Mon-Sat 08:00-21:00`, ranges by commas, a page\'s own after `; page_id:`',
    accepts: 'days and one time range each, e.g. Mon-Sat 08:00-21:00; ranges separated by commas; a page\'s own hours after ; page_id: (always for a page open around the clock)',
    shown: 'always open',
    example: 'Mon-Sat 08:00-21:00; 1234567890123456: Mon-Fri 09:00-17:00, Sat 09:00-12:00',
    parse: (raw, ctx) => parseBusinessHours(raw, ctx.problem),
  } satisfies Setting<BusinessHours>,
  callCenterIds: pagePairs('PANCAKE_CALL_CENTER_IDS', '`page_id:sip_package_id,...`: the call center of each page, for call logs', '1234567890123456:sip-package-id'),
  syncStart: ruled('SYNC_START', 'where a first run starts when nothing is synced yet (the rule of --since)', startRule, (now) => new Date(now.getTime() - DEFAULT_START_MS), '30d', '2026-01-01'),
  lookbackMs: duration('SYNC_LOOKBACK', 'overlap re-read by incremental runs (catches records updated while the last run read)', 2 * 3_600_000, 0, 7 * 86_400_000),
  windowDays: integer('SYNC_WINDOW_DAYS', `days per since/until window (below ${MAX_RANGE_DAYS}: the API refuses a month)`, 7, 1, MAX_RANGE_DAYS - 1),
  safetyLagMs: duration('SYNC_SAFETY_LAG', 'the newest window ends this long before now', 30_000, 0, 86_400_000),
  sweepEveryMs: duration('SYNC_SWEEP_EVERY', 'how often a run re-lists every list stream over its whole covered range: stores what the nightly walks missed, marks what Pancake no longer lists with deleted_at; 0: only with `sync --sweep`', 7 * 86_400_000, 0, 366 * 86_400_000),
  statsLookbackDays: integer('STATS_LOOKBACK_DAYS', 'days of statistics re-read on every run (Pancake corrects recent days)', 3, 0, 365),
  concurrency: integer('SYNC_CONCURRENCY', 'requests in flight at once', DEFAULT_CONCURRENCY, 1, 256),
  rateLimitPerSecond: {
    env: 'PANCAKE_RATE_LIMIT',
    help: 'requests per second per page token: where the pace starts, and its ceiling; rate-limited answers lower it, quiet spells raise it back',
    accepts: `a number more than 0 and at most ${MAX_RATE_LIMIT}`,
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
  timeoutMs: duration('PANCAKE_TIMEOUT', 'per request, body included', DEFAULT_TIMEOUT_MS, 1000, 3_600_000),
  maxRetryAfterMs: duration('PANCAKE_MAX_RETRY_AFTER', 'longest `Retry-After` obeyed; a request asked to wait longer fails, saying so', DEFAULT_MAX_RETRY_AFTER_MS, 0, 86_400_000),
  rateLimitWaitMs: duration('PANCAKE_RATE_LIMIT_WAIT', 'how long one request may keep being rate-limited before its page fails for the run, saying so', DEFAULT_RATE_LIMIT_WAIT_MS, 0, 86_400_000),
  rateLimitRunWaitMs: duration('PANCAKE_RATE_LIMIT_RUN_WAIT', 'how long a page may spend rate-limited over a run (from a rate-limited answer to the next success) before it fails for the run', DEFAULT_RATE_LIMIT_RUN_WAIT_MS, 0, 7 * 86_400_000),
  conversationPaging: choice('PANCAKE_CONVERSATION_PAGING', 'conversation paging: `cursor` (API v2, keyset) or `page_number` (API v1)', ['cursor', 'page_number'], 'cursor', '"cursor" or "page_number"'),
  homeDir: text('PANCAKE_SYNC_HOME', 'where the embedded Postgres keeps its data (as root, what the user postgres cannot enter goes to /var/lib/pancake-sync)', {
    accepts: 'a directory',
    fallback: '.pancake-sync',
  }),
  logLevel: choice('LOG_LEVEL', 'log level (stack traces only at debug and trace)', LOG_LEVELS, 'info', `one of ${LOG_LEVELS.join(', ')}`),
};

type Settings = typeof SETTINGS;
/** Every setting's parsed value, by field name. */
export type SettingValues = { [K in keyof Settings]: ReturnType<Settings[K]['parse']> };

/** The environment section of `--help`: one entry per setting, wrapped to 100 columns. */
export function environmentHelp(): string {
  const all = Object.values(SETTINGS) as Array<Setting<unknown>>;
  return helpColumns(all.map((s) => ({ label: s.env, text: `${s.help}; accepts ${s.accepts}${s.shown ? ` (default: ${s.shown})` : ''}` })));
}

/** README's configuration table, in Markdown. */
export function settingsTable(): string {
  // A default that is a value is code (`30s`); one described in words is prose.
  const shown = (s: Setting<unknown>) => (!s.shown ? '—' : /\s/.test(s.shown) ? s.shown : `\`${s.shown}\``);
  const rows = (Object.values(SETTINGS) as Array<Setting<unknown>>).map((s) => `| \`${s.env}\` | ${s.help} | ${s.accepts} | ${shown(s)} |`);
  return ['| variable | meaning | accepts | default |', '|---|---|---|---|', ...rows].join('\n');
}
