// The page's posts: the ones its comment threads belong to (so the warehouse joins line up) and more
// without comments, spread over the history.

import type { PancakePost } from '../../pancake/types.js';
import type { PancakeConversation, PancakePage } from '../../pancake/types.js';
import type { SimulatorData } from './model.js';
import { Random } from './random.js';
import { fillLine } from './text.js';
import { formatField, parseApiTime } from './time.js';

const DAY_MS = 86_400_000;

const POST_LINES = [
  'Hàng mới về 🔥 {p} chỉ 189k, inbox shop ngay nha!',
  'Flash sale cuối tuần: giảm 30% toàn bộ {p} ❤️',
  'Feedback khách yêu 🥰 cảm ơn chị đã tin tưởng shop',
  'Livestream tối nay 8h, xả kho {p} đồng giá 99k',
  'Size {s} đã về đủ màu, cả nhà comment SĐT để shop tư vấn',
  'Shop nghỉ Tết từ 28 đến mùng 6,\nđơn đặt trước vẫn giao bình thường nha cả nhà',
];

const POST_TYPES = ['photo', 'photo', 'photo', 'video', 'status', 'livestream'] as const;

/** The posts of one page: one per post its comment threads name, then `extra` more. */
export function pagePosts(data: SimulatorData, page: PancakePage, extra: number): PancakePost[] {
  const nowMs = data.now.getTime();
  const historyStart = nowMs - data.historyDays * DAY_MS;
  const rng = Random.of('posts', data.seed, page.id);
  const posts: PancakePost[] = [];
  const commentsByPost = new Map<string, PancakeConversation[]>();
  // Reviews carry a post_id too, but it names the review, not one of the page's posts.
  for (const c of data.conversations.get(page.id) ?? []) if (c.post_id && c.type === 'COMMENT') commentsByPost.set(c.post_id, [...(commentsByPost.get(c.post_id) ?? []), c]);
  for (const [postId, threads] of commentsByPost) {
    const firstComment = Math.min(...threads.map((c) => parseApiTime(c.inserted_at)));
    posts.push(newPost(rng, page, postId, firstComment - rng.int(600, 3 * 86_400) * 1000, threads.length));
  }
  for (let i = 0; i < extra; i++) {
    const id = `${page.id}_${rng.digits(15)}`;
    posts.push(newPost(rng, page, id, historyStart + Math.floor(rng.next() * (nowMs - historyStart)), 0));
  }
  return posts;
}

export function newPost(rng: Random, page: PancakePage, id: string, insertedMs: number, comments: number): PancakePost {
  const likes = rng.int(0, 400);
  return {
    id,
    page_id: page.id,
    from: { id: page.id, name: page.name },
    message: fillLine(rng.pick(POST_LINES), rng),
    type: rng.pick(POST_TYPES),
    inserted_at: formatField(id, 'inserted_at', insertedMs),
    comment_count: comments + rng.int(0, 25),
    reactions: {
      like_count: likes,
      love_count: Math.floor(likes * rng.next() * 0.3),
      haha_count: rng.chance(0.2) ? rng.int(1, 10) : 0,
      wow_count: rng.chance(0.1) ? rng.int(1, 5) : 0,
      sad_count: 0,
      angry_count: rng.chance(0.05) ? 1 : 0,
      care_count: rng.chance(0.3) ? rng.int(1, 20) : 0,
    },
    phone_number_count: rng.int(0, 3),
  };
}
