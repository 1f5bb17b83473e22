import { describe, expect, it } from 'vitest';
import { businessHoursOf, parseBusinessHours } from '../../src/business-hours.js';
import { parseConfig } from '../../src/config.js';

// PANCAKE_BUSINESS_HOURS: opening hours as seconds since Monday 00:00, per page where given.

const H = 3600;
const D = 24 * H;

function parse(raw: string) {
  const problems: string[] = [];
  return { hours: parseBusinessHours(raw, (what) => problems.push(what)), problems };
}

describe('PANCAKE_BUSINESS_HOURS', () => {
  it('reads days and ranges into seconds of the week, for every page unless one has its own', () => {
    const { hours, problems } = parse('Mon-Sat 08:00-21:00; 1234567890123456: Mon-Fri 09:00-12:00, Mon-Fri 13:00-17:30, Sun 10:00-24:00; 2222222222222222: always');
    expect(problems).toEqual([]);
    // Monday 08:00 is 28 800 s into the week; Saturday 21:00 is 5 days + 21 h.
    expect(businessHoursOf(hours, 'any-page')).toBe(`{${[0, 1, 2, 3, 4, 5].map((d) => `[${d * D + 8 * H},${d * D + 21 * H})`).join(',')}}`);
    expect(businessHoursOf(hours, '1234567890123456')).toBe(
      `{${[0, 1, 2, 3, 4].map((d) => `[${d * D + 9 * H},${d * D + 12 * H}),[${d * D + 13 * H},${d * D + 17.5 * H})`).join(',')},[${6 * D + 10 * H},${7 * D})}`,
    );
    expect(businessHoursOf(hours, '2222222222222222')).toBeNull();
  });

  it('unset means always open; a range across the week\'s end and overlapping ranges are merged', () => {
    expect(businessHoursOf(parse('').hours, 'p')).toBeNull();
    // Sat-Mon wraps: Sat, Sun, Mon; 08-12 and 10-14 on Sunday make 08-14.
    expect(businessHoursOf(parse('Sat-Mon 08:00-12:00, Sun 10:00-14:00').hours, 'p')).toBe(`{[${8 * H},${12 * H}),[${5 * D + 8 * H},${5 * D + 12 * H}),[${6 * D + 8 * H},${6 * D + 14 * H})}`);
  });

  it('each malformed range is a problem that names it, in one configuration error', () => {
    expect(parse('Mon-Sat 21:00-08:00').problems).toEqual([expect.stringMatching(/"Mon-Sat 21:00-08:00" is not one/)]);
    expect(parse('Mon-Fri 8-17, Funday 08:00-09:00').problems).toHaveLength(2);
    expect(() => parseConfig({ PANCAKE_BUSINESS_HOURS: 'Mon 09:00-25:00' })).toThrow(/PANCAKE_BUSINESS_HOURS must be days and opening hours such as "Mon-Sat 08:00-21:00".*example: PANCAKE_BUSINESS_HOURS=/);
  });

  it('PANCAKE_INQUIRY_GAP is a duration, 24 hours unless set, at least a minute', () => {
    expect(parseConfig({}).inquiryGapMs).toBe(24 * H * 1000);
    expect(parseConfig({ PANCAKE_INQUIRY_GAP: '3d' }).inquiryGapMs).toBe(3 * D * 1000);
    expect(() => parseConfig({ PANCAKE_INQUIRY_GAP: '10s' })).toThrow(/PANCAKE_INQUIRY_GAP must be a duration .* from 1m /);
  });
});
