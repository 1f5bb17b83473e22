// The two tiers of the suite (README, "Development"). `npm test` is what CI and the README run: every
// guarantee proven, each with a few repetitions on small data. `npm run test:soak` sets
// PANCAKE_SOAK=1 and runs the files that import this module with many more (every kill point, larger
// shops, thousands of random sequences). test/unit/test-tiers.test.ts keeps the script's list of
// files and the files that import this module the same.

/** True in the soak tier (`npm run test:soak`). */
export const SOAK = process.env.PANCAKE_SOAK === '1';

/** `ci` in `npm test`, `soak` in `npm run test:soak`. */
export function perTier<T>(ci: T, soak: T): T {
  return SOAK ? soak : ci;
}

/** The tier's name, for test titles: a reader of the output sees which tier ran. */
export const TIER = SOAK ? 'soak tier' : 'CI tier';
