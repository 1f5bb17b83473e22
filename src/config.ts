import { existsSync } from 'node:fs';
import { config as loadDotenv } from 'dotenv';
import { parseDuration, parseInstant } from './durations.js';
import { UserError } from './errors.js';
import { isValidPageId, PAGE_ID_FORM } from './page-ids.js';

/** Validated configuration: every field already parsed and checked (README.md, "Configuration"). */
export interface Config {
  databaseUrl: string | null;
  accessToken: string | null;
  pageTokens: Map<string, string>;
  pageIds: string[] | null;
  baseUrl: string;
  timezone: string;
  /** True when PANCAKE_TIMEZONE was set: it then overrides the pages' own `timezone`. */
  timezoneOverride: boolean;
  callCenterIds: Map<string, string>;
  syncStart: Date;
  lookbackMs: number;
  statsLookbackDays: number;
  concurrency: number;
  rateLimitPerSecond: number;
  logLevel: string;
  windowDays: number;
  safetyLagMs: number;
  retries: number;
  timeoutMs: number;
  /** Longest Retry-After the client obeys (PANCAKE_MAX_RETRY_AFTER). */
  maxRetryAfterMs: number;
  conversationPaging: 'cursor' | 'page_number';
  homeDir: string;
}

export class ConfigError extends UserError {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `Configuration problem: ${problems[0]}`
        : `Configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

export type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** The API refuses `until - since` over one month; windows stay strictly inside it. */
export const MAX_WINDOW_DAYS = 30;
/** Above this a limit is a typo rather than a plan: Pancake's own limit is a few per second. */
const MAX_RATE_LIMIT = 1000;

/** Reads `.env` (if present) under the real environment; the environment wins. */
export function readEnvironment(cwd = process.cwd()): Env {
  const path = `${cwd}/.env`;
  const fromFile: Env = {};
  if (existsSync(path)) loadDotenv({ path, processEnv: fromFile as Record<string, string>, quiet: true });
  return { ...fromFile, ...process.env };
}

/**
 * Parses every setting and reports all problems in one error, each with the variable's name, what
 * was wrong and an example of a good value, so a user fixes their .env in one pass.
 */
export function parseConfig(env: Env, now: Date = new Date()): Config {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const problem = (name: string, what: string, example: string) =>
    problems.push(`${name} ${what} (example: ${name}=${example})`);

  const integer = (name: string, fallback: number, min: number, max: number, example: string): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (!/^-?\d+$/.test(raw)) {
      problem(name, `must be a whole number between ${min} and ${max}, got "${raw}"`, example);
      return fallback;
    }
    const value = Number(raw);
    if (value < min || value > max) {
      problem(name, `must be between ${min} and ${max}, got ${value}`, example);
      return fallback;
    }
    return value;
  };
  const duration = (name: string, fallback: string, example: string): number => {
    const raw = get(name) ?? fallback;
    const ms = parseDuration(raw);
    if (ms === null || ms < 0) {
      problem(name, `must be a duration of 0 or more: a number with a unit (ms, s, m, h, d or w) such as 90s, 15m, 2h or 3d, got "${raw}"`, example);
      return parseDuration(fallback) ?? 0;
    }
    return ms;
  };
  const pairs = (name: string, example: string): Map<string, string> => {
    const result = new Map<string, string>();
    const raw = get(name);
    if (raw === undefined) return result;
    for (const item of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
      const at = item.indexOf(':');
      const key = item.slice(0, at).trim();
      const value = item.slice(at + 1).trim();
      if (at <= 0 || !value || !isValidPageId(key)) {
        problem(name, `must be a comma-separated list of page_id:value pairs, page ids made of ${PAGE_ID_FORM}; "${redactPair(item)}" is not one`, example);
        continue;
      }
      result.set(key, value);
    }
    return result;
  };

  const databaseUrl = get('DATABASE_URL') ?? null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    problem('DATABASE_URL', 'must be a connection string starting with postgres:// or postgresql://', 'postgres://user:password@localhost:5432/warehouse');
  }

  const accessToken = get('PANCAKE_ACCESS_TOKEN') ?? null;
  const pageTokens = pairs('PANCAKE_PAGE_TOKENS', '1234567890123456:page-token-from-pancake');

  const pageIdsRaw = get('PANCAKE_PAGE_IDS');
  let pageIds: string[] | null = null;
  if (pageIdsRaw !== undefined) {
    pageIds = pageIdsRaw.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = pageIds.filter((id) => !isValidPageId(id));
    if (bad.length > 0) problem('PANCAKE_PAGE_IDS', `must be page ids separated by commas, each made of ${PAGE_ID_FORM}; got "${bad.join(',')}"`, '1234567890123456,web_1664524051101747');
  }

  const baseUrl = (get('PANCAKE_BASE_URL') ?? 'https://pages.fm').replace(/\/+$/, '');
  try {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    problem('PANCAKE_BASE_URL', `must be an http:// or https:// origin (scheme, host and optional port), got "${baseUrl}"`, 'https://pages.fm');
  }

  const timezoneRaw = get('PANCAKE_TIMEZONE');
  const timezone = timezoneRaw ?? 'Asia/Ho_Chi_Minh';
  if (!isValidTimeZone(timezone)) problem('PANCAKE_TIMEZONE', `must be an IANA time zone name such as Asia/Ho_Chi_Minh, Asia/Bangkok or UTC, got "${timezone}"`, 'Asia/Ho_Chi_Minh');

  const callCenterIds = pairs('PANCAKE_CALL_CENTER_IDS', '1234567890123456:sip-package-id');

  const syncStartRaw = get('SYNC_START') ?? '30d';
  const syncStart = parseInstant(syncStartRaw, now);
  if (syncStart === null) problem('SYNC_START', `must be an ISO date, datetime or a duration back from now, got "${syncStartRaw}"`, '2026-01-01');

  const logLevel = (get('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) problem('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`, 'info');

  const paging = get('PANCAKE_CONVERSATION_PAGING') ?? 'cursor';
  if (paging !== 'cursor' && paging !== 'page_number') problem('PANCAKE_CONVERSATION_PAGING', `must be "cursor" or "page_number", got "${paging}"`, 'cursor');

  const rateRaw = get('PANCAKE_RATE_LIMIT');
  let rateLimitPerSecond = 5;
  if (rateRaw !== undefined) {
    const value = Number(rateRaw);
    if (!/^\d+(\.\d+)?$/.test(rateRaw) || !(value > 0)) {
      problem('PANCAKE_RATE_LIMIT', `must be a number of requests per second per token, more than 0 and at most ${MAX_RATE_LIMIT}, got "${rateRaw}"`, '5');
    } else if (value > MAX_RATE_LIMIT) {
      problem('PANCAKE_RATE_LIMIT', `must be at most ${MAX_RATE_LIMIT} requests per second per token, got ${rateRaw}`, '5');
    } else {
      rateLimitPerSecond = value;
    }
  }

  const config: Config = {
    databaseUrl,
    accessToken,
    pageTokens,
    pageIds,
    baseUrl,
    timezone,
    timezoneOverride: timezoneRaw !== undefined,
    callCenterIds,
    syncStart: syncStart ?? new Date(now.getTime() - 30 * 86_400_000),
    lookbackMs: duration('SYNC_LOOKBACK', '2h', '2h'),
    statsLookbackDays: integer('STATS_LOOKBACK_DAYS', 3, 0, 365, '3'),
    concurrency: integer('SYNC_CONCURRENCY', 8, 1, 256, '8'),
    rateLimitPerSecond,
    logLevel,
    windowDays: integer('SYNC_WINDOW_DAYS', 7, 1, MAX_WINDOW_DAYS - 1, '7'),
    safetyLagMs: duration('SYNC_SAFETY_LAG', '30s', '30s'),
    retries: integer('PANCAKE_RETRIES', 6, 0, 100, '6'),
    timeoutMs: duration('PANCAKE_TIMEOUT', '30s', '30s'),
    maxRetryAfterMs: duration('PANCAKE_MAX_RETRY_AFTER', '5m', '5m'),
    conversationPaging: paging === 'page_number' ? 'page_number' : 'cursor',
    homeDir: get('PANCAKE_SYNC_HOME') ?? '.pancake-sync',
  };
  if (config.timeoutMs < 1000) problem('PANCAKE_TIMEOUT', `must be a duration of at least 1s, got "${get('PANCAKE_TIMEOUT')}"`, '30s');
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Problems that only matter for commands that talk to Pancake (sync), not for migrate/status. */
export function requireCredentials(config: Config): void {
  if (!config.accessToken && config.pageTokens.size === 0) {
    throw new ConfigError([
      'PANCAKE_ACCESS_TOKEN is not set (and no PANCAKE_PAGE_TOKENS): pancake-sync needs a token to read your pages. ' +
        'Copy the user token from Pancake (Settings → Tools → API) into .env (example: PANCAKE_ACCESS_TOKEN=eyJhbGciOi...), ' +
        'or run `pancake-sync demo` to try it against the local simulator',
    ]);
  }
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function redactPair(item: string): string {
  const at = item.indexOf(':');
  return at < 0 ? (item.length > 12 ? `${item.slice(0, 4)}…` : item) : `${item.slice(0, at)}:***`;
}
