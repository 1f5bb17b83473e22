import { PancakeError } from '../errors.js';
import type { EndpointContext } from '../endpoint-context.js';
import type { ListTagsResponse, ListUsersResponse } from '../types.js';
import type { ApiTag } from '../types.js';

// A page's small lists, read whole in one request: its tags and its employees (users).

export interface PageDirectoryEndpoints {
  /** The page's tag set. */
  listTags(pageId: string): Promise<ApiTag[]>;
  /** The page's employees: `users`, `disabled_users` and the round-robin assignment lists. */
  listUsers(pageId: string): Promise<ListUsersResponse>;
}

export function pageDirectoryEndpoints(ctx: EndpointContext): PageDirectoryEndpoints {
  return {
    async listTags(pageId) {
      const body = await ctx.pageGet<ListTagsResponse>(pageId, '/tags');
      if (!Array.isArray(body?.tags)) throw new PancakeError(`Pancake sent no tags list for page ${pageId}`, { kind: 'invalid_response', pageId });
      return body.tags;
    },
    async listUsers(pageId) {
      const body = await ctx.pageGet<ListUsersResponse>(pageId, '/users');
      if (!Array.isArray(body?.users)) throw new PancakeError(`Pancake sent no users list for page ${pageId}`, { kind: 'invalid_response', pageId });
      return body;
    },
  };
}
