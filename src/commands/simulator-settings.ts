import type { Simulator } from '../simulator/index.js';

// What a sync needs to copy everything a simulator holds: shared by `simulate`, which prints it,
// and `demo`, which runs with it.

/** The settings, in .env form, that point a sync at `simulator` and fill every table. */
export function simulatorSettings(simulator: Simulator, rateLimitPerSecond: number): Array<[string, string]> {
  return [
    ['PANCAKE_BASE_URL', simulator.baseUrl],
    ['PANCAKE_ACCESS_TOKEN', simulator.userToken],
    ['PANCAKE_CALL_CENTER_IDS', simulator.data.pages.map((p) => `${p.id}:${simulator.callCenterId(p.id)}`).join(',')],
    ['PANCAKE_RATE_LIMIT', String(rateLimitPerSecond)],
  ];
}

/** A day before the oldest record the simulator holds (posts can predate their comment threads). */
export function simulatorHistoryStart(simulator: Simulator): Date {
  const posts = [...simulator.data.entities.posts.values()].flat();
  const oldestPost = Math.min(...posts.map((p) => Date.parse(`${String(p.inserted_at).replace(/Z?$/, 'Z')}`)));
  return new Date(Math.min(simulator.data.now.getTime() - (simulator.data.historyDays + 1) * 86_400_000, oldestPost - 86_400_000));
}
