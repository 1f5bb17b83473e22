import { POSTS_PAGE_SIZE } from '../../pancake/client.js';
import type { PancakePost } from '../../pancake/types.js';
import { parseApiTimestamp } from '../../pancake/time.js';
import { int, str } from '../coercions.js';
import { walkPages, type PagePosition } from '../../pancake/page-walk.js';
import { windowedStream } from '../engines/windowed.js';
import type { RowOf } from '../../warehouse/tables/declare.js';
import { posts } from '../../warehouse/tables/shop.js';

export type PostRow = RowOf<typeof posts>;

const REACTIONS = ['like_count', 'love_count', 'haha_count', 'wow_count', 'sad_count', 'angry_count', 'care_count'] as const;

export function mapPost(post: PancakePost, pageId: string): PostRow {
  const reactions = post.reactions ?? {};
  const counts = Object.fromEntries(REACTIONS.map((name) => [name, int(reactions[name])])) as Record<(typeof REACTIONS)[number], number | null>;
  const known = Object.values(counts).filter((n): n is number => n !== null);
  return {
    page_id: pageId,
    id: String(post.id),
    from_id: str(post.from?.id),
    from_name: str(post.from?.name),
    message: str(post.message),
    type: str(post.type),
    inserted_at: parseApiTimestamp(post.inserted_at),
    comment_count: int(post.comment_count),
    phone_number_count: int(post.phone_number_count),
    reaction_count: known.length > 0 ? known.reduce((a, b) => a + b, 0) : null,
    ...counts,
    deleted_at: null,
    raw: post,
  };
}

export const postsStream = windowedStream<PancakePost, PostRow, PagePosition>({
  name: 'posts',
  description: 'posts walked by inserted_at windows, with typed reaction counts',
  table: posts,
  // By inserted_at: it never changes, so plain page numbers cannot skip (page-walk.ts). The price:
  // counters of a post are refreshed only while the post lies inside a run's lookback.
  read: (ctx, window, from) =>
    walkPages(async (since, until, pageNumber) => (await ctx.client.listPosts(ctx.page.id, { since, until, pageNumber })).posts, POSTS_PAGE_SIZE, window, from),
  map: (post, ctx) => mapPost(post, ctx.page.id),
  // inserted_at never moves: a post a window does not list is gone.
  sweep: { table: 'pancake.posts', idOf: (p) => String(p.id), timeMoves: false },
  costPerWindow: '≥1 request each (30 posts a page)',
});
