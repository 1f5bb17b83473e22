import { describe, expect, it } from 'vitest';
import { isCalendarDate, parseInstant } from '../../src/durations.js';

describe('dates a person types', () => {
  it('regression: a day that does not exist is refused, not rolled over (2026-02-30 was March 2)', () => {
    for (const text of ['2026-02-30', '2025-02-29', '2026-13-01', '2026-04-31', '2026-00-10', '2026-02-30T10:00:00Z', '2026-01-31T24:00', '2026-01-31T23:60']) {
      expect(parseInstant(text), text).toBeNull();
    }
  });

  it('accepts the days and times that exist, leap days included', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(parseInstant('2024-02-29')?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(parseInstant('2026-01-31T23:59:59+07:00')?.toISOString()).toBe('2026-01-31T16:59:59.000Z');
    expect(parseInstant('2026-01-31T08:00')?.toISOString()).toBe('2026-01-31T08:00:00.000Z');
  });
});
