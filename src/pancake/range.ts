import { PancakeArgumentError } from './errors.js';
import { toUnixSeconds, type Instant } from './time.js';

/** The API refuses a since/until range longer than one month; 30 days is the hard limit we use. */
export const MAX_RANGE_SECONDS = 30 * 86_400;

/** Refuses a range the API would refuse, before it leaves the process. */
export function checkRange(since: Instant, until: Instant): { since: number; until: number } {
  const s = toUnixSeconds(since);
  const u = toUnixSeconds(until);
  if (!Number.isFinite(s) || !Number.isFinite(u)) throw new PancakeArgumentError('since/until', 'must be Dates or unix seconds');
  if (u < s) throw new PancakeArgumentError('until', `must not be before since (since=${s}, until=${u})`);
  if (u - s > MAX_RANGE_SECONDS) {
    throw new PancakeArgumentError('until', `the range ${s}..${u} is ${((u - s) / 86_400).toFixed(1)} days; the API allows at most 30 days: split it into windows`);
  }
  return { since: s, until: u };
}
