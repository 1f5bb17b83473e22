// What the simulated statistics need besides the shop's records: the zone that decides a page's day
// boundaries, and the manual corrections tests make ("yesterday's numbers changed").

import { DateTime } from 'luxon';
import type { SimulatorData, StatisticsState } from '../shop/model.js';

export function createStatisticsState(zone: string | null = null): StatisticsState {
  if (zone !== null && !DateTime.now().setZone(zone).isValid) throw new Error(`statisticsZone "${zone}" is not a time zone`);
  return { zone, bumps: new Map() };
}

export const HOUR_MS = 3_600_000;

/** The UTC hour an instant falls in, as an index since the epoch: the unit every statistic is made of. */
export function hourIndex(ms: number): number {
  return Math.floor(ms / HOUR_MS);
}

/** A page's zone: the override, else its `timezone` hours as a fixed offset ("UTC+7"). */
export function statisticsZone(data: SimulatorData, pageId: string): string {
  if (data.statistics.zone) return data.statistics.zone;
  const hours = data.pages.find((p) => p.id === pageId)?.timezone;
  if (typeof hours !== 'number' || hours === 0) return 'UTC';
  const abs = Math.abs(hours);
  const minutes = Math.round((abs - Math.trunc(abs)) * 60);
  return `UTC${hours < 0 ? '-' : '+'}${Math.trunc(abs)}${minutes ? `:${String(minutes).padStart(2, '0')}` : ''}`;
}

export function bumpCount(data: SimulatorData, pageId: string, hour: number): number {
  return data.statistics.bumps.get(`${pageId}|${hour}`) ?? 0;
}

/**
 * Changes one local day's numbers of a page, as Pancake does when late events arrive: one more new
 * inbox customer at 10:00 that day (engagement, page, employee, tag, ad and new-customer numbers all
 * move; no row appears or disappears). `day` is YYYY-MM-DD in the page's zone.
 */
export function bumpStatistics(data: SimulatorData, pageId: string, day: string): void {
  if (!data.pages.some((p) => p.id === pageId)) throw new Error(`Unknown page ${pageId}`);
  const start = DateTime.fromISO(day, { zone: statisticsZone(data, pageId) });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !start.isValid) throw new Error(`bumpStatistics needs a day as YYYY-MM-DD, got "${day}"`);
  const key = `${pageId}|${hourIndex(start.set({ hour: 10 }).toMillis())}`;
  data.statistics.bumps.set(key, (data.statistics.bumps.get(key) ?? 0) + 1);
  data.revision++;
}
