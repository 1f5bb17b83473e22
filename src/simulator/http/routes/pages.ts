// User API: the page list and page tokens (docs/pancake-api.md, "User API").

import type { PancakePage } from '../../../pancake/types.js';
import { BadParam, fail, ok } from './params.js';
import { listStatusOf, type RouteDefinition } from './route.js';
import { replacePageToken } from '../token-book.js';

export const pageRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: /^\/api\/v1\/pages$/,
    endpoint: 'list_pages',
    auth: 'user',
    handle: ({ ctx }) => {
      // Each page in the list its subscription and the user's rights put it in; a lapsed page is
      // `inactivated` (its token still reads), a deleted one in no list.
      const lists: Record<'activated' | 'inactivated' | 'hidden' | 'nopermission', PancakePage[]> = { activated: [], inactivated: [], hidden: [], nopermission: [] };
      for (const page of ctx.data.pages) {
        const status = listStatusOf(ctx, page.id);
        if (status !== null) lists[status].push(status === 'activated' ? page : { ...page, is_activated: false });
      }
      const { activated, ...others } = lists;
      const count = activated.length + others.inactivated.length + others.hidden.length + others.nopermission.length;
      return ok({ success: true, categorized: { activated, activated_page_ids: activated.map((p) => p.id), ...others } }, count);
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/pages\/([^/]+)\/generate_page_access_token$/,
    endpoint: 'generate_page_token',
    auth: 'user',
    handle: ({ ctx, pageId, query }) => {
      if (!ctx.data.pages.some((p) => p.id === pageId) || listStatusOf(ctx, pageId ?? '') === null) return fail(404, 'Page not found');
      if (listStatusOf(ctx, pageId ?? '') === 'nopermission') return fail(403, 'You do not have permission on this page');
      const queryPageId = query.get('page_id');
      if (queryPageId !== null && queryPageId !== pageId) throw new BadParam('page_id does not match the page in the path');
      const token = ctx.tokens.rotateOnGenerate ? replacePageToken(ctx.tokens, ctx.data.seed, pageId ?? '') : (ctx.tokens.tokensByPage.get(pageId ?? '') ?? '');
      return ok({ success: true, message: 'Generate page access token successfully', page_access_token: token });
    },
  },
];
