import type { Config } from '../config.js';
import { isValidPageId, PAGE_ID_FORM, pageIdProblem, showId } from '../page-ids.js';
import type { PancakeClient } from '../pancake/client.js';
import { parseApiTimestamp } from '../pancake/time.js';
import type { PancakePage } from '../pancake/types.js';
import type { PagesTable } from '../warehouse/schema.js';
import { previousPagesListed, recordPagesListed } from '../warehouse/runs.js';
import { storeBarePages } from '../warehouse/pages.js';
import { storeSnapshot } from '../warehouse/snapshot.js';
import type { Queryable, TableSpec } from '../warehouse/upsert.js';
import { bool, num, str } from './map.js';
import type { PageInfo } from './stream.js';

// The page list is a full snapshot: every run reads it (it is one request) and upserts it; a page
// that left the list keeps its row, marked deleted_at, because its history is still in the tables.

export type PageRow = Omit<PagesTable, 'synced_at' | 'raw' | 'inserted_at' | 'timezone_offset_hours' | 'deleted_at' | 'zone'> & {
  inserted_at: Date | null;
  timezone_offset_hours: number | null;
  deleted_at: Date | null;
  raw: unknown;
};

export const pagesTable: TableSpec<PageRow> = {
  table: 'pancake.pages',
  key: ['id'],
  columns: [
    { name: 'id', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'platform', type: 'text' },
    { name: 'timezone_offset_hours', type: 'numeric' },
    { name: 'is_activated', type: 'boolean' },
    { name: 'inserted_at', type: 'timestamptz' },
    { name: 'raw', type: 'jsonb' },
    { name: 'deleted_at', type: 'timestamptz' },
  ],
};

export function mapPage(page: PancakePage): PageRow {
  return {
    id: String(page.id),
    name: str(page.name),
    platform: str(page.platform),
    timezone_offset_hours: num(page.timezone),
    is_activated: bool(page.is_activated),
    inserted_at: parseApiTimestamp(page.inserted_at),
    raw: page,
    deleted_at: null,
  };
}

/** The zone of a page's day boundaries: PANCAKE_TIMEZONE when set explicitly, else the page's own. */
export function pageZone(page: PancakePage | null, config: Pick<Config, 'timezone' | 'timezoneOverride'>): string {
  const offset = page ? num(page.timezone) : null;
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
  /** The API's page objects, when a user token listed them. */
  listed: PancakePage[] | null;
  /** Listed pages whose id cannot be used (src/page-ids.ts): left out, each with the reason. */
  refused: string[];
}

/**
 * Which pages this run syncs: the user token's activated pages (or the pages of PANCAKE_PAGE_TOKENS),
 * narrowed by PANCAKE_PAGE_IDS and --pages.
 */
export async function resolvePages(client: PancakeClient, config: Config, only: string[] | null): Promise<ResolvedPages> {
  const wanted = intersect(config.pageIds, only);
  let candidates: Array<{ id: string; page: PancakePage | null }>;
  let listed: PancakePage[] | null = null;
  if (config.accessToken) {
    listed = await client.listPages();
    candidates = listed.map((page) => ({ id: String(page.id), page }));
    for (const id of config.pageTokens.keys()) {
      if (!candidates.some((c) => c.id === id)) candidates.push({ id, page: null });
    }
  } else {
    candidates = [...config.pageTokens.keys()].map((id) => ({ id, page: null }));
  }
  // An id from the API goes into URL paths and folder names like one from the configuration: the
  // same check, and a page whose id fails it is left out, saying why.
  const refused = candidates.filter((c) => !isValidPageId(c.id)).map((c) => `Pancake listed a page whose id ${showId(c.id)} ${pageIdProblem(c.id)}; it is left out (ids are ${PAGE_ID_FORM})`);
  candidates = candidates.filter((c) => isValidPageId(c.id));
  const selected = wanted ? candidates.filter((c) => wanted.includes(c.id)) : candidates;
  const missing = wanted ? wanted.filter((id) => !candidates.some((c) => c.id === id)) : [];
  return {
    pages: selected.map(({ id, page }) => ({ id, name: page ? str(page.name) : null, timezone: pageZone(page, config) })),
    missing,
    listed,
    refused,
  };
}

/** An empty page list that is not believed: see storePages. */
export class EmptyPageListError extends Error {
  constructor(previouslyListed: number | null) {
    super(
      `Pancake listed no pages for this token${previouslyListed ? `, while the last run that listed pages saw ${previouslyListed}` : ''}. ` +
        'A token that lost its access looks just like a shop without pages, so no page was marked deleted. ' +
        'Check the token (PANCAKE_ACCESS_TOKEN) and its pages in Pancake; if the shop really has no pages any more, the next run that also sees none marks them deleted.',
    );
    this.name = 'EmptyPageListError';
  }
}

/**
 * Upserts the listed pages, marks the ones that left the list and revives the ones that came back.
 * Pages synced without being listed (`alsoSynced`: given only in PANCAKE_PAGE_TOKENS) get a bare row
 * and are not marked deleted. An empty list is an error (nothing is marked deleted) unless the run
 * before also saw none; `runId` records the count for the next run to compare with.
 */
export async function storePages(db: Queryable, listed: PancakePage[], runId: string | null = null, alsoSynced: readonly PageInfo[] = []): Promise<number> {
  if (listed.length === 0) {
    const before = await previousPagesListed(db, runId);
    if (runId !== null) await recordPagesListed(db, runId, 0);
    if (before !== 0) throw new EmptyPageListError(before);
  } else if (runId !== null) {
    await recordPagesListed(db, runId, listed.length);
  }
  const listedIds = new Set(listed.map((page) => String(page.id)));
  const unlisted = alsoSynced.filter((page) => !listedIds.has(page.id));
  await storeBarePages(db, unlisted);
  return storeSnapshot(db, pagesTable, listed.map(mapPage), null, unlisted.map((page) => page.id));
}

export { storeBarePages } from '../warehouse/pages.js';

function intersect(a: string[] | null, b: string[] | null): string[] | null {
  if (a && b) return a.filter((id) => b.includes(id));
  return a ?? b;
}
