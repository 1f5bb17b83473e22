// statistics/customer_feedbacks: customer ratings, in the list form inferred from the one public
// collector that reads it (`{ customer_feedback: [{ rate, … }] }`). The request is a guess, and so
// is this answer (docs/pancake-api.md). Ratings are drawn per hour, stable for a seed, mostly good.

import type { CustomerFeedbackResponse } from '../../pancake/types.js';
import type { SimulatorData } from '../shop/model.js';
import { hashSeed } from '../shop/random.js';
import { type Range, hourStamp, hoursOf } from './buckets.js';
import { drawCount } from './hourly.js';

const STARS = [5, 5, 5, 4, 4, 3, 2, 1] as const;

export function feedbackStatistics(data: SimulatorData, pageId: string, range: Range): CustomerFeedbackResponse {
  const customer_feedback = hoursOf(range).flatMap((h) =>
    Array.from({ length: drawCount(data.seed, 4, 2, 'feedback', pageId, h) }, (_, i) => {
      const v = hashSeed(data.seed, 'rating', pageId, h, i);
      return { id: `${pageId}_${h}_${i}`, rate: STARS[v % STARS.length]!, inserted_at: hourStamp(h), comment: null };
    }),
  );
  return { success: true, customer_feedback };
}
