import { PancakeError } from '../../../pancake/errors.js';
import type { UserStatisticsData } from '../../../pancake/types.js';
import { activatedPageOffsets } from '../../../warehouse/pages.js';
import { failureLogFields } from '../../errors.js';
import { pageZone } from '../../pages.js';
import type { StreamContext, SyncSettings } from '../../stream.js';
import type { DayWindow } from '../../engines/days.js';

// Employee statistics can be read for every page of a user token in one request (the multi-page
// endpoint). The runner syncs each page on its own (its lock, its cursor), so the first page to ask
// for a window asks for all its peers at once and parks their answers here; a peer asking for the
// same window later in the run takes its share without a request. Peers are the activated pages
// that resolve to the same zone (the same date_range string means the same days for all of them).
// In a steady state every page reads the same lookback window, so N pages cost 1 request, not N.
//
// The endpoint's path is inferred (docs/pancake-api.md), so any failure of it falls back to the
// single-page endpoint; a refusal that retrying cannot fix turns it off for the rest of the run.

interface SharedAnswer {
  pageIds: string[];
  byPage: Map<string, UserStatisticsData>;
}

interface RunBatch {
  /** By `${zone}|${since}|${until}`: the in-flight or finished multi-page answer, null when not shared. */
  answers: Map<string, Promise<SharedAnswer | null>>;
  multiUnavailable: boolean;
}

// One SyncSettings object per run: the batch dies with the run.
const runs = new WeakMap<SyncSettings, RunBatch>();

const PERMANENT: ReadonlySet<string> = new Set(['not_found', 'bad_request', 'auth', 'invalid_argument', 'invalid_response']);

export async function fetchUserStatistics(ctx: StreamContext, window: DayWindow): Promise<UserStatisticsData> {
  const single = async () => (await ctx.client.getUserStatistics(ctx.page.id, { dateRange: { since: window.since, until: window.until }, timezone: window.zone })).data;
  if (!ctx.client.hasUserToken()) return single();
  let batch = runs.get(ctx.settings);
  if (!batch) runs.set(ctx.settings, (batch = { answers: new Map(), multiUnavailable: false }));
  if (batch.multiUnavailable) return single();

  const key = `${window.zone}|${window.since.getTime()}|${window.until.getTime()}`;
  let answer = batch.answers.get(key);
  // Registered before any await, so pages asking at the same moment share one request.
  if (!answer) {
    answer = requestForPeers(ctx, window, batch);
    batch.answers.set(key, answer);
  }
  const shared = await answer;
  const mine = shared?.byPage.get(ctx.page.id);
  if (!mine) return single();
  shared?.byPage.delete(ctx.page.id); // taken: free it
  return mine;
}

async function requestForPeers(ctx: StreamContext, window: DayWindow, batch: RunBatch): Promise<SharedAnswer | null> {
  const pageIds = await peerPages(ctx);
  if (pageIds.length < 2) return null;
  try {
    const body = await ctx.client.getUserStatisticsMultiplePages({ pageIds, dateRange: { since: window.since, until: window.until }, timezone: window.zone });
    return { pageIds, byPage: new Map(Object.entries(body.data)) };
  } catch (error) {
    // The process is stopping: not a failure of the endpoint, and asking each page on its own
    // would only be refused too. Every page waiting for this answer stops with it.
    if (error instanceof PancakeError && error.kind === 'interrupted') throw error;
    const permanent = error instanceof PancakeError && PERMANENT.has(error.kind);
    if (permanent) batch.multiUnavailable = true;
    ctx.log.warn({ ...failureLogFields(error, ctx.log), pages: pageIds.length }, `multi-page user statistics failed (${error instanceof Error ? error.message : String(error)}); reading each page on its own${permanent ? ' for the rest of this run' : ''}`);
    return null;
  }
}

/**
 * The activated pages whose days match this page's: the same stored `timezone` offset (hence the
 * same zone, with or without PANCAKE_TIMEZONE), or every page when PANCAKE_TIMEZONE overrides the
 * pages' own zones (this page's zone then differs from its offset's).
 */
export async function peerPages(ctx: StreamContext): Promise<string[]> {
  const pages = await activatedPageOffsets(ctx.db);
  const me = pages.find((p) => p.id === ctx.page.id);
  if (!me) return [ctx.page.id];
  const mine = me.offsetHours;
  const overridden = mine !== null && pageZone({ id: me.id, name: '', timezone: mine }, { timezone: ctx.page.timezone, timezoneOverride: false }) !== ctx.page.timezone;
  return pages.filter((p) => overridden || p.offsetHours === mine).map((p) => p.id);
}
