import type { CustomerFeedbackResponse } from '../../../pancake/types.js';
import { int, num } from '../../coercions.js';
import { dailyStream } from '../../engines/daily.js';
import type { DayWindow } from '../../engines/days.js';
import type { RowOf } from '../../../warehouse/tables/declare.js';
import { statsCustomerFeedbacks } from '../../../warehouse/tables/statistics.js';

// Customer ratings (statistics/customer_feedbacks). Opt-in: the request is seen in one public
// collector and is not in Pancake's API description, and so is the answer's shape. Two forms are
// read, one request per local day: a list of ratings (`customer_feedback: [{ rate, … }]`) or counts
// per star (`feedback_rating_counts`). Either becomes one row per day and star rating.

export type FeedbackRow = RowOf<typeof statsCustomerFeedbacks>;

/** A star rating 1–5 from a number or a string ("5", 4.0); null otherwise. */
function stars(value: unknown): number | null {
  const n = num(value);
  return n !== null && Number.isInteger(n) && n >= 1 && n <= 5 ? n : null;
}

/**
 * One row per star rating the day's answer holds. `raw` keeps the ratings of that star (list form),
 * or the whole answer (counts form: its per-employee averages are not split by star).
 */
export function mapCustomerFeedbacks(body: CustomerFeedbackResponse, window: DayWindow, pageId: string): FeedbackRow[] {
  const row = (rating: number, feedbacks: number | null, raw: unknown): FeedbackRow => ({ page_id: pageId, day: window.firstDay, rating, period_start: window.since, feedbacks, raw });
  if (Array.isArray(body.customer_feedback)) {
    const byStar = new Map<number, unknown[]>();
    for (const entry of body.customer_feedback) {
      const rating = stars(typeof entry === 'object' && entry !== null ? entry.rate : null);
      if (rating !== null) byStar.set(rating, [...(byStar.get(rating) ?? []), entry]);
    }
    return [...byStar].map(([rating, entries]) => row(rating, entries.length, { rate: rating, customer_feedback: entries }));
  }
  const counts = body.feedback_rating_counts;
  if (typeof counts !== 'object' || counts === null) return [];
  return Object.entries(counts).flatMap(([star, count]) => {
    const rating = stars(star);
    return rating === null ? [] : [row(rating, int(count), body)];
  });
}

export const customerFeedbacksStream = dailyStream<FeedbackRow>({
  stream: 'stats_customer_feedbacks',
  description: 'customer ratings per local day and star (statistics/customer_feedbacks, one request per day; a guessed request)',
  optIn: 'its request (statistics/customer_feedbacks) is a guess: it is seen in one public client, not in Pancake\'s API description',
  table: statsCustomerFeedbacks,
  maxDays: 1,
  requestsPerWindow: 1,
  async fetch(ctx, window) {
    const body = await ctx.client.getCustomerFeedbackStatistics(ctx.page.id, { since: window.since, until: window.until });
    return mapCustomerFeedbacks(body, window, ctx.page.id);
  },
});
