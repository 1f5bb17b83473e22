// User API: the page list and page tokens (docs/pancake-api.md, "User API").

import { BadParam, fail, ok } from './params.js';
import type { RouteDefinition } from './route.js';
import { replacePageToken } from '../token-book.js';

export const pageRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: /^\/api\/v1\/pages$/,
    endpoint: 'list_pages',
    auth: 'user',
    handle: ({ ctx }) => {
      const pages = ctx.data.pages;
      return ok({ success: true, categorized: { activated: pages, activated_page_ids: pages.map((p) => p.id), hidden: [], inactivated: [], nopermission: [] } }, pages.length);
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/pages\/([^/]+)\/generate_page_access_token$/,
    endpoint: 'generate_page_token',
    auth: 'user',
    handle: ({ ctx, pageId, query }) => {
      if (!ctx.data.pages.some((p) => p.id === pageId)) return fail(404, 'Page not found');
      const queryPageId = query.get('page_id');
      if (queryPageId !== null && queryPageId !== pageId) throw new BadParam('page_id does not match the page in the path');
      const token = ctx.tokens.rotateOnGenerate ? replacePageToken(ctx.tokens, ctx.data.seed, pageId ?? '') : (ctx.tokens.tokensByPage.get(pageId ?? '') ?? '');
      return ok({ success: true, message: 'Generate page access token successfully', page_access_token: token });
    },
  },
];
