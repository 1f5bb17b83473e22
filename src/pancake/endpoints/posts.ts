import { PancakeError } from '../errors.js';
import type { EndpointContext } from '../endpoint-context.js';
import type { ListPostsResponse, PancakePost } from '../types.js';
import { checkPageNumber, walkPages } from '../page-walk.js';
import type { Instant } from '../time.js';
import { iterateWindows, requiredEnds, requiredRange } from '../window.js';
import { exactPageSize } from './call-logs.js';

/** Posts come 30 a page, like call logs (docs/pancake-api.md, "Posts"). */
export const POSTS_PAGE_SIZE = 30;

export interface PostRange {
  /** Filters on the post's inserted_at. */
  since: Instant;
  until: Instant;
  /** Post type filter, e.g. "photo", "video", "livestream". */
  type?: string;
}

export interface PostParams extends PostRange {
  pageNumber: number;
  /** Must be 30 when given. */
  pageSize?: number;
}

export interface PostEndpoints {
  /** One page of a page's posts, newest first; `total` counts the whole range. */
  listPosts(pageId: string, params: PostParams): Promise<ListPostsResponse>;
  /** Every post of [since, until], in windows under the one-month limit (oldest first), 30 a page. */
  iteratePosts(pageId: string, range: PostRange & { windowSeconds?: number }): AsyncIterable<PancakePost[]>;
}

export function postEndpoints(ctx: EndpointContext): PostEndpoints {
  async function listPosts(pageId: string, params: PostParams): Promise<ListPostsResponse> {
    const pageNumber = checkPageNumber(params.pageNumber);
    exactPageSize(params.pageSize, POSTS_PAGE_SIZE);
    const range = requiredRange(params.since, params.until);
    const body = await ctx.pageGet<ListPostsResponse>(pageId, '/posts', { ...range, page_number: pageNumber, page_size: POSTS_PAGE_SIZE, type: params.type });
    if (!Array.isArray(body.posts)) {
      throw new PancakeError(`Pancake sent no posts list for page ${pageId}`, { kind: 'invalid_response', pageId });
    }
    return body;
  }

  return {
    listPosts,
    iteratePosts(pageId, range) {
      requiredEnds(range.since, range.until);
      const fetchPage = async (since: number, until: number, pageNumber: number) => (await listPosts(pageId, { since, until, type: range.type, pageNumber })).posts;
      return iterateWindows(range.since, range.until, (window) => walkPages(fetchPage, POSTS_PAGE_SIZE, window, null), range.windowSeconds);
    },
  };
}
