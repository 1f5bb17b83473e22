import { describe, expect, it } from 'vitest';
import { parseApiTimestamp, toUnixSeconds } from '../../src/pancake/time.js';

describe('API timestamps', () => {
  it('reads zone-less strings with 0, 3 and 6 fraction digits as UTC', () => {
    expect(parseApiTimestamp('2026-03-31T16:34:03')?.toISOString()).toBe('2026-03-31T16:34:03.000Z');
    expect(parseApiTimestamp('2026-03-31T14:00:18.127')?.toISOString()).toBe('2026-03-31T14:00:18.127Z');
    expect(parseApiTimestamp('2026-03-31T14:00:18.127647')?.toISOString()).toBe('2026-03-31T14:00:18.127Z');
    expect(parseApiTimestamp('2026-04-03T12:22:36.000000')?.toISOString()).toBe('2026-04-03T12:22:36.000Z');
  });

  it('honours Z and offsets, and epoch seconds or milliseconds', () => {
    expect(parseApiTimestamp('2026-03-31T16:34:03Z')?.toISOString()).toBe('2026-03-31T16:34:03.000Z');
    expect(parseApiTimestamp('2026-03-31T23:34:03+07:00')?.toISOString()).toBe('2026-03-31T16:34:03.000Z');
    expect(parseApiTimestamp(1727745600000)?.toISOString()).toBe('2024-10-01T01:20:00.000Z');
    expect(parseApiTimestamp(1727745600)?.toISOString()).toBe('2024-10-01T01:20:00.000Z');
  });

  it('returns null for what is not a timestamp instead of throwing', () => {
    for (const value of [null, undefined, '', 'yesterday', {}, '2026-13-45T99:99:99']) expect(parseApiTimestamp(value)).toBeNull();
  });

  it('sends unix seconds', () => {
    expect(toUnixSeconds(new Date('2026-01-01T00:00:00.999Z'))).toBe(1767225600);
    expect(toUnixSeconds(1767225600.7)).toBe(1767225600);
  });
});
