import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, requireCredentials } from '../../src/config.js';

const now = new Date('2026-06-01T00:00:00Z');

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = parseConfig({}, now);
    expect(config).toMatchObject({
      databaseUrl: null,
      baseUrl: 'https://pages.fm',
      timezone: 'Asia/Ho_Chi_Minh',
      timezoneOverride: false,
      lookbackMs: 2 * 3_600_000,
      statsLookbackDays: 3,
      concurrency: 8,
      rateLimitPerSecond: 5,
      logLevel: 'info',
      conversationPaging: 'cursor',
    });
    expect(config.syncStart).toEqual(new Date('2026-05-02T00:00:00Z'));
  });

  it('parses token and call-center pairs', () => {
    const config = parseConfig({ PANCAKE_PAGE_TOKENS: '111:abc, 222:d:e', PANCAKE_CALL_CENTER_IDS: '111:sip-1', PANCAKE_PAGE_IDS: '111,222' }, now);
    expect([...config.pageTokens]).toEqual([['111', 'abc'], ['222', 'd:e']]);
    expect(config.callCenterIds.get('111')).toBe('sip-1');
    expect(config.pageIds).toEqual(['111', '222']);
  });

  it('accepts page ids of any channel: digits or a channel prefix (regression: "must be numeric")', () => {
    const config = parseConfig(
      { PANCAKE_PAGE_IDS: 'web_1664524051101747,pzl_84901234567,1234567890123456', PANCAKE_PAGE_TOKENS: 'web_1664524051101747:tok-a,pzl_84901234567:tok-b', PANCAKE_CALL_CENTER_IDS: 'web_1664524051101747:sip-9' },
      now,
    );
    expect(config.pageIds).toEqual(['web_1664524051101747', 'pzl_84901234567', '1234567890123456']);
    expect([...config.pageTokens.keys()]).toEqual(['web_1664524051101747', 'pzl_84901234567']);
    expect(config.callCenterIds.get('web_1664524051101747')).toBe('sip-9');
    for (const bad of ['1;drop', 'a b', '../x', "x'y"]) {
      expect(() => parseConfig({ PANCAKE_PAGE_IDS: bad }, now)).toThrow(/PANCAKE_PAGE_IDS must be page ids/);
    }
  });

  it('lists every problem at once, each with the name and an example, and never echoes a token', () => {
    let error: unknown;
    try {
      parseConfig({ SYNC_CONCURRENCY: '-3', PANCAKE_RATE_LIMIT: 'fast', SYNC_START: 'someday', PANCAKE_TIMEZONE: 'Mars/Olympus', PANCAKE_BASE_URL: 'ftp://x', PANCAKE_PAGE_TOKENS: 'secret-token-without-page', DATABASE_URL: 'mysql://x' }, now);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toHaveLength(7);
    for (const name of ['SYNC_CONCURRENCY', 'PANCAKE_RATE_LIMIT', 'SYNC_START', 'PANCAKE_TIMEZONE', 'PANCAKE_BASE_URL', 'PANCAKE_PAGE_TOKENS', 'DATABASE_URL']) {
      expect(problems.some((p) => p.startsWith(name) && p.includes(`example: ${name}=`))).toBe(true);
    }
    expect(message).not.toContain('secret-token-without-page');
  });

  it('requires a token only for commands that call Pancake', () => {
    expect(() => requireCredentials(parseConfig({}, now))).toThrow(/PANCAKE_ACCESS_TOKEN is not set/);
    expect(() => requireCredentials(parseConfig({ PANCAKE_PAGE_TOKENS: '111:abc' }, now))).not.toThrow();
  });
});
