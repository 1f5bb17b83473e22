/** The real API's one-month limit on until - since (docs/pancake-api.md: 30 × 86 400 s is the hard limit). */
export const MAX_RANGE_SECONDS = 30 * 86_400;
