import type { Simulator } from '../src/simulator/index.js';

/** The environment a measured sync runs with: the simulator, its user token, no safety lag. */
export function benchSyncEnv(sim: Simulator, databaseUrl: string, rate: number, concurrency: number): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    PANCAKE_BASE_URL: sim.baseUrl,
    PANCAKE_ACCESS_TOKEN: sim.userToken,
    PANCAKE_RATE_LIMIT: String(rate),
    SYNC_CONCURRENCY: String(concurrency),
    SYNC_SAFETY_LAG: '0s',
  };
}
