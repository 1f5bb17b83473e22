import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { isValidPageId, PAGE_ID_FORM, pageIdProblem, showId } from '../page-ids.js';
import type { PancakeClient } from '../pancake/client.js';
import { PAGE_LISTS } from '../pancake/endpoints/pages.js';
import { isUserTokenRefusal, type PancakeError } from '../pancake/errors.js';
import { parseApiTimestamp } from '../pancake/time.js';
import type { CategorizedPages, PageListStatus, PancakePage } from '../pancake/types.js';
import type { Database } from '../warehouse/schema.js';
import { previousPagesListed, recordPagesListed } from '../warehouse/runs.js';
import { lastKnownSyncedPages, storeBarePages, storePageList } from '../warehouse/pages.js';
import type { Queryable } from '../warehouse/upsert.js';
import { EmptyPageListError } from './errors.js';
import { bool, num, str } from './coercions.js';
import { availablePageToken } from './page-tokens/policy.js';
import type { PageInfo } from './stream.js';
import type { RowOf } from '../warehouse/tables/declare.js';
import { pages as pagesTable } from '../warehouse/tables/inbox.js';

// The page list is read by every run (one request) and stored whole: each page with the list it
// is in (`status`). A page whose subscription lapsed moves to `inactivated`: it keeps its history
// and, while its token reads, keeps syncing; it often comes back. Only a page in no list at all is
// `deleted` (deleted_at set), and even then its rows stay, because its history is in the tables.

export type PageRow = RowOf<typeof pagesTable>;

/** The lists whose pages a run syncs: activated, and inactivated (a lapsed page still reads). */
const SYNCED_LISTS: readonly PageListStatus[] = ['activated', 'inactivated'];

export function mapPage(page: PancakePage, status: PageListStatus = 'activated'): PageRow {
  return {
    id: String(page.id),
    name: str(page.name),
    platform: str(page.platform),
    timezone_offset_hours: num(page.timezone),
    is_activated: bool(page.is_activated),
    inserted_at: parseApiTimestamp(page.inserted_at),
    raw: page,
    deleted_at: null,
    status,
  };
}

/** The zone of a page's day boundaries: PANCAKE_TIMEZONE when set explicitly, else the page's own. */
export function pageZone(page: PancakePage | null, config: Pick<Config, 'timezone' | 'timezoneOverride'>): string {
  return zoneOfOffset(page ? num(page.timezone) : null, config);
}

/** The zone of a page whose `timezone` offset (hours from UTC) is known, or null. */
export function zoneOfOffset(offset: number | null, config: Pick<Config, 'timezone' | 'timezoneOverride'>): string {
  if (config.timezoneOverride || offset === null) return config.timezone;
  if (offset === 0) return 'UTC';
  const hours = Math.trunc(Math.abs(offset));
  const minutes = Math.round((Math.abs(offset) - hours) * 60);
  return `UTC${offset < 0 ? '-' : '+'}${hours}${minutes ? `:${String(minutes).padStart(2, '0')}` : ''}`;
}

export interface ResolvedPages {
  pages: PageInfo[];
  /** Requested pages the token cannot read. */
  missing: string[];
  /** The API's page lists, when a user token listed them. */
  listed: CategorizedPages | null;
  /** Listed pages whose id cannot be used (src/page-ids.ts): left out, each with the reason. */
  refused: string[];
}

/**
 * Which pages this run syncs: the user token's activated and inactivated pages (or the pages of
 * PANCAKE_PAGE_TOKENS), narrowed by PANCAKE_PAGE_IDS and --pages.
 */
export async function resolvePages(client: PancakeClient, config: Config, only: string[] | null): Promise<ResolvedPages> {
  const wanted = intersect(config.pageIds, only);
  let candidates: Array<{ id: string; page: PancakePage | null; status: PageInfo['status'] }>;
  let listed: CategorizedPages | null = null;
  if (config.accessToken) {
    listed = await client.listPagesByStatus();
    const lists = listed;
    candidates = SYNCED_LISTS.flatMap((status) => lists[status].map((page) => ({ id: String(page.id), page, status })));
    for (const id of config.pageTokens.keys()) {
      if (!candidates.some((c) => c.id === id)) candidates.push({ id, page: null, status: 'unlisted' });
    }
  } else {
    candidates = [...config.pageTokens.keys()].map((id) => ({ id, page: null, status: undefined }));
  }
  // An id from the API goes into URL paths and folder names like one from the configuration: the
  // same check, and a page whose id fails it is left out, saying why.
  const refused = candidates.filter((c) => !isValidPageId(c.id)).map((c) => `Pancake listed a page whose id ${showId(c.id)} ${pageIdProblem(c.id)}; it is left out (ids are ${PAGE_ID_FORM})`);
  candidates = candidates.filter((c) => isValidPageId(c.id));
  const selected = wanted ? candidates.filter((c) => wanted.includes(c.id)) : candidates;
  const missing = wanted ? wanted.filter((id) => !candidates.some((c) => c.id === id)) : [];
  return {
    pages: selected.map(({ id, page, status }) => ({ id, name: page ? str(page.name) : null, timezone: pageZone(page, config), ...(status !== undefined && { status }) })),
    missing,
    listed,
    refused,
  };
}

export interface RunPages extends ResolvedPages {
  /** Pancake refused the user token: the pages are the ones earlier runs stored that have a token. */
  userTokenRefused: PancakeError | null;
  /** With the user token refused: the stored pages left out because no token of theirs is at hand. */
  withoutToken: string[];
}

/**
 * The pages of a run. When Pancake refuses the user token (expired, revoked), the page list cannot
 * be read and no page token generated, but every page token at hand still works: the run takes the
 * pages earlier runs stored (and PANCAKE_PAGE_TOKENS) that have a token (configured, or stored and
 * opening with the user token), and reports the rest.
 */
export async function resolveRunPages(deps: { client: PancakeClient; config: Config; db: Kysely<Database>; log: Logger }, only: string[] | null): Promise<RunPages> {
  const { client, config, db } = deps;
  try {
    return { ...(await resolvePages(client, config, only)), userTokenRefused: null, withoutToken: [] };
  } catch (error) {
    if (!isUserTokenRefusal(error)) throw error;
    const wanted = intersect(config.pageIds, only);
    const stored = await lastKnownSyncedPages(db);
    const candidates: PageInfo[] = stored.map((p) => ({ id: p.id, name: p.name, timezone: zoneOfOffset(p.offsetHours, config), ...(p.status !== null && { status: p.status }) }));
    for (const id of config.pageTokens.keys()) if (!candidates.some((c) => c.id === id)) candidates.push({ id, name: null, timezone: config.timezone, status: 'unlisted' });
    const selected = wanted ? candidates.filter((c) => wanted.includes(c.id)) : candidates;
    const pages: PageInfo[] = [];
    const withoutToken: string[] = [];
    for (const page of selected) {
      if ((await availablePageToken({ config, db }, page.id)) === null) withoutToken.push(page.id);
      else pages.push(page);
    }
    return { pages, missing: wanted ? wanted.filter((id) => !candidates.some((c) => c.id === id)) : [], listed: null, refused: [], userTokenRefused: error, withoutToken };
  }
}
/**
 * Stores the page list: each listed page with its list (`status`); pages synced without being
 * listed (`alsoSynced`: given only in PANCAKE_PAGE_TOKENS) become `unlisted`; a page in no list
 * becomes `deleted` (its rows stay), and one that comes back is revived. An empty page list (every
 * list empty) is an error (nothing is marked deleted) unless the run before also saw none; `runId`
 * records the count for the next run to compare with. `listed` may be the activated pages alone.
 */
export async function storePages(db: Queryable, listed: CategorizedPages | PancakePage[], runId: string | null = null, alsoSynced: readonly PageInfo[] = []): Promise<number> {
  const lists: CategorizedPages = Array.isArray(listed) ? { activated: listed, inactivated: [], hidden: [], nopermission: [] } : listed;
  const rows = PAGE_LISTS.flatMap((status) => lists[status].map((page) => mapPage(page, status)));
  if (rows.length === 0) {
    const before = await previousPagesListed(db, runId);
    if (runId !== null) await recordPagesListed(db, runId, 0);
    if (before !== 0) throw new EmptyPageListError(before);
  } else if (runId !== null) {
    await recordPagesListed(db, runId, rows.length);
  }
  const listedIds = new Set(rows.map((row) => row.id));
  const unlisted = alsoSynced.filter((page) => !listedIds.has(page.id));
  await storeBarePages(db, unlisted);
  return storePageList(db, pagesTable, rows, unlisted.map((page) => page.id));
}

export { storeBarePages } from '../warehouse/pages.js';

/** Every page of every list, in list order. */
export function allListed(listed: CategorizedPages | null): PancakePage[] {
  return listed === null ? [] : PAGE_LISTS.flatMap((status) => listed[status]);
}

function intersect(a: string[] | null, b: string[] | null): string[] | null {
  if (a && b) return a.filter((id) => b.includes(id));
  return a ?? b;
}
