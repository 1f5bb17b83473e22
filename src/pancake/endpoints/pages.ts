import { PancakeError } from '../errors.js';
import { pagePath, type EndpointContext } from '../endpoint-context.js';
import type { CategorizedPages, GeneratePageTokenResponse, ListPagesResponse, PageListStatus, PancakePage } from '../types.js';

/** The lists in the order a page found in two of them is placed by. */
export const PAGE_LISTS: readonly PageListStatus[] = ['activated', 'inactivated', 'hidden', 'nopermission'];

export interface PageEndpoints {
  /** The pages the user token can read: `categorized.activated` (the legacy `pages` list is accepted too). */
  listPages(): Promise<PancakePage[]>;
  /**
   * Every list of the page list: `activated`, `inactivated` (a lapsed subscription: the page still
   * reads), `hidden`, `nopermission`. A page in two lists is kept in the first of PAGE_LISTS; the
   * legacy `pages` list counts as `activated`.
   */
  listPagesByStatus(): Promise<CategorizedPages>;
  /** Generates (and remembers) a page token. Call it once per run per page: regenerating may revoke the old one. */
  generatePageAccessToken(pageId: string): Promise<string>;
  setPageToken(pageId: string, token: string): void;
  hasPageToken(pageId: string): boolean;
}

export function pageEndpoints(ctx: EndpointContext): PageEndpoints {
  const listPagesByStatus = async (): Promise<CategorizedPages> => {
    const body = await ctx.http.request<ListPagesResponse>({ method: 'GET', base: 'user', path: '/pages', auth: ctx.userAuth() });
    const activated = body.categorized?.activated ?? body.pages;
    if (!Array.isArray(activated)) {
      throw new PancakeError('Pancake listed no pages: the answer had neither categorized.activated nor pages', { kind: 'invalid_response' });
    }
    const lists: CategorizedPages = { activated: [], inactivated: [], hidden: [], nopermission: [] };
    const seen = new Set<string>();
    for (const status of PAGE_LISTS) {
      const list = status === 'activated' ? activated : body.categorized?.[status];
      for (const page of Array.isArray(list) ? list : []) {
        if (typeof page !== 'object' || page === null || seen.has(String(page.id))) continue;
        seen.add(String(page.id));
        lists[status].push(page);
      }
    }
    return lists;
  };
  return {
    async listPages() {
      return (await listPagesByStatus()).activated;
    },
    listPagesByStatus,
    async generatePageAccessToken(pageId) {
      const body = await ctx.http.request<GeneratePageTokenResponse>({
        method: 'POST',
        base: 'user',
        path: pagePath(pageId, '/generate_page_access_token'),
        query: { page_id: pageId },
        auth: ctx.userAuth(),
        pageId,
      });
      if (typeof body.page_access_token !== 'string' || body.page_access_token === '') {
        throw new PancakeError(`Pancake generated no page token for page ${pageId}`, { kind: 'invalid_response', pageId });
      }
      ctx.setPageToken(pageId, body.page_access_token);
      return body.page_access_token;
    },
    setPageToken: ctx.setPageToken,
    hasPageToken: ctx.hasPageToken,
  };
}
