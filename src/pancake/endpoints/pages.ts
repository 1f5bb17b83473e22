import { PancakeError } from '../errors.js';
import { pagePath, type EndpointContext } from '../endpoint-context.js';
import type { GeneratePageTokenResponse, ListPagesResponse, PancakePage } from '../types.js';

export interface PageEndpoints {
  /** The pages the user token can read: `categorized.activated` (the legacy `pages` list is accepted too). */
  listPages(): Promise<PancakePage[]>;
  /** Generates (and remembers) a page token. Call it once per run per page: regenerating may revoke the old one. */
  generatePageAccessToken(pageId: string): Promise<string>;
  setPageToken(pageId: string, token: string): void;
  hasPageToken(pageId: string): boolean;
}

export function pageEndpoints(ctx: EndpointContext): PageEndpoints {
  return {
    async listPages() {
      const body = await ctx.http.request<ListPagesResponse>({ method: 'GET', base: 'user', path: '/pages', auth: ctx.userAuth() });
      const pages = body.categorized?.activated ?? body.pages;
      if (!Array.isArray(pages)) {
        throw new PancakeError('Pancake listed no pages: the answer had neither categorized.activated nor pages', { kind: 'invalid_response' });
      }
      return pages;
    },
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
