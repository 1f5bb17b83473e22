// Parameter rules shared by the simulator's routes: the API answers 400 with a message naming the
// parameter, which is what the client's error classification relies on.

/**
 * The real API's one-month limit on until - since (docs/pancake-api.md: 30 × 86 400 s is the hard limit).
 * Stated here apart from the client's own (src/pancake/defaults.ts) on purpose: the simulator stands
 * for Pancake, so a client whose limit were wrong would be refused here rather than agreed with.
 */
export const MAX_RANGE_SECONDS = 30 * 86_400;

export interface ApiResponse {
  status: number;
  body: unknown;
  resultCount: number | null;
}

export class BadParam extends Error {}

export const fail = (status: number, message: string): ApiResponse => ({ status, body: { success: false, message }, resultCount: null });

export const ok = (body: Record<string, unknown>, resultCount: number | null = null): ApiResponse => ({ status: 200, body, resultCount });

export function intParam(query: URLSearchParams, name: string, required: boolean, min = Number.MIN_SAFE_INTEGER): number | null {
  const raw = query.get(name);
  if (raw === null || raw === '') {
    if (required) throw new BadParam(`${name} is required`);
    return null;
  }
  if (!/^-?\d+$/.test(raw)) throw new BadParam(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (value < min) throw new BadParam(`${name} must be >= ${min}`);
  return value;
}

export function rangeParams(query: URLSearchParams, required: boolean): { since: number | null; until: number | null } {
  const since = intParam(query, 'since', required);
  const until = intParam(query, 'until', required);
  if (since !== null && until !== null) {
    if (until < since) throw new BadParam('since must be less than or equal to until');
    if (until - since > MAX_RANGE_SECONDS) throw new BadParam('Time range must be less than or equal to one month');
  }
  return { since, until };
}
