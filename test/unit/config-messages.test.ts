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
    [{ SYNC_CONCURRENCY: 'lots' }, /SYNC_CONCURRENCY must be a whole number from 1 to 256, got "lots"/],
    [{ SYNC_CONCURRENCY: '1000' }, /from 1 to 256, got 1000/],
    [{ SYNC_WINDOW_DAYS: '30' }, /SYNC_WINDOW_DAYS must be a whole number from 1 to 29, got 30/],
    [{ STATS_LOOKBACK_DAYS: 'three' }, /STATS_LOOKBACK_DAYS must be a whole number from 0 to 365/],
    [{ STATS_LOOKBACK_DAYS: '-1' }, /from 0 to 365, got -1/],
    [{ PANCAKE_RETRIES: '101' }, /from 0 to 100/],
    [{ SYNC_LOOKBACK: 'soon' }, /SYNC_LOOKBACK must be a duration \(a number with a unit: ms, s, m, h, d or w\) from 0 to 1w, such as 90s/],
    [{ PANCAKE_TIMEOUT: '500ms' }, /PANCAKE_TIMEOUT must be a duration .* from 1s to 1h, got "500ms"/],
    // Longer than Node's timers hold: every request would time out after 1 ms (issue 23).
    [{ PANCAKE_TIMEOUT: '30d' }, /PANCAKE_TIMEOUT must be a duration .* from 1s to 1h, got "30d"/],
    [{ PANCAKE_MAX_RETRY_AFTER: '30d' }, /from 0 to 1d, got "30d"/],
    [{ PANCAKE_TIMEZONE: 'Mars/Olympus' }, /must be an IANA time zone name such as Asia\/Ho_Chi_Minh/],
    [{ PANCAKE_BASE_URL: 'ftp://x' }, /must be an http:\/\/ or https:\/\/ origin/],
    [{ DATABASE_URL: 'mysql://x' }, /must be a connection string starting with postgres:\/\/ or postgresql:\/\//],
    [{ LOG_LEVEL: 'loud' }, /must be one of fatal, error, warn, info, debug, trace, silent/],
    [{ PANCAKE_CONVERSATION_PAGING: 'pages' }, /must be "cursor" or "page_number"/],
    [{ SYNC_START: 'someday' }, /must be an ISO date, an ISO datetime or a duration back from now/],
    // The rule of --since (issue 23: both were accepted, and a dry run planned 46,361 requests).
    [{ SYNC_START: '1900-01-01' }, /SYNC_START is 1900-01-01, before 2015, when Pancake began: check the year/],
    [{ SYNC_START: '2030-01-01' }, /SYNC_START is 2030-01-01 .* in the future/],
    [{ SYNC_START: '2026-02-30' }, /2026-02-30 is not a day of the calendar/],
    // An empty list is an error, as for --pages (it meant "no page" here and "all" there).
    [{ PANCAKE_PAGE_IDS: ',,' }, /PANCAKE_PAGE_IDS must name at least one: page ids separated by commas/],
    [{ PANCAKE_PAGE_IDS: '123,..' }, /"\.\." is not a page id/],
    [{ PANCAKE_CALL_CENTER_IDS: 'sip-1' }, /must be a comma-separated list of page_id:value pairs/],
  ])('%o', (env, expected) => {
    const problem = problemFor(env);
    expect(problem).toMatch(expected);
    expect(problem).toMatch(/\(example: [A-Z_]+=.+\)$/);
  });
});
