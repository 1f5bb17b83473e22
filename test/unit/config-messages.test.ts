import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

// Every configuration message states what is accepted (a range or a form), not only that the value
// was refused: PANCAKE_RATE_LIMIT=10000 used to say "must be a positive number", hiding the limit.

function problemFor(env: Record<string, string>): string {
  try {
    parseConfig(env, new Date('2026-06-01T00:00:00Z'));
  } catch (error) {
    if (error instanceof ConfigError && error.problems.length === 1) return error.problems[0]!;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
}

describe('configuration messages state the accepted range or form', () => {
  it.each([
    [{ PANCAKE_RATE_LIMIT: '10000' }, /PANCAKE_RATE_LIMIT must be at most 1000 requests per second per token, got 10000/],
    [{ PANCAKE_RATE_LIMIT: '0' }, /more than 0 and at most 1000/],
    [{ PANCAKE_RATE_LIMIT: 'fast' }, /more than 0 and at most 1000, got "fast"/],
    [{ SYNC_CONCURRENCY: 'lots' }, /SYNC_CONCURRENCY must be a whole number between 1 and 256/],
    [{ SYNC_CONCURRENCY: '1000' }, /between 1 and 256, got 1000/],
    [{ SYNC_WINDOW_DAYS: '30' }, /SYNC_WINDOW_DAYS must be between 1 and 29/],
    [{ STATS_LOOKBACK_DAYS: 'three' }, /STATS_LOOKBACK_DAYS must be a whole number between 0 and 365/],
    [{ STATS_LOOKBACK_DAYS: '-1' }, /must be between 0 and 365, got -1/],
    [{ PANCAKE_RETRIES: '101' }, /between 0 and 100/],
    [{ SYNC_LOOKBACK: 'soon' }, /SYNC_LOOKBACK must be a duration of 0 or more: a number with a unit \(ms, s, m, h, d or w\)/],
    [{ PANCAKE_TIMEOUT: '500ms' }, /PANCAKE_TIMEOUT must be a duration of at least 1s, got "500ms"/],
    [{ PANCAKE_TIMEZONE: 'Mars/Olympus' }, /must be an IANA time zone name such as Asia\/Ho_Chi_Minh/],
    [{ PANCAKE_BASE_URL: 'ftp://x' }, /must be an http:\/\/ or https:\/\/ origin/],
    [{ DATABASE_URL: 'mysql://x' }, /must be a connection string starting with postgres:\/\/ or postgresql:\/\//],
    [{ LOG_LEVEL: 'loud' }, /must be one of fatal, error, warn, info, debug, trace, silent/],
    [{ PANCAKE_CONVERSATION_PAGING: 'pages' }, /must be "cursor" or "page_number"/],
    [{ SYNC_START: 'someday' }, /must be an ISO date, datetime or a duration back from now/],
    [{ PANCAKE_CALL_CENTER_IDS: 'sip-1' }, /must be a comma-separated list of page_id:value pairs/],
  ])('%o', (env, expected) => {
    const problem = problemFor(env);
    expect(problem).toMatch(expected);
    expect(problem).toMatch(/\(example: [A-Z_]+=.+\)$/);
  });
});
