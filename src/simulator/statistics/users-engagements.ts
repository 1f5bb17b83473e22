// The engagement answer's `users_engagements`: each employee's numbers over the whole requested
// range (not per category), with the measure names a public integration's answer shows. Replies and
// new customers replied to come from the shop's messages; orders are drawn per hour, stable for a seed.

import type { UserEngagementRecord } from '../../pancake/types.js';
import type { SimulatorData } from '../shop/model.js';
import { type Range, hoursOf } from './buckets.js';
import { drawCount, hourCounters } from './hourly.js';

/** Every employee of the page (or those of `userIds`), zeros included. */
export function usersEngagements(data: SimulatorData, pageId: string, range: Range, userIds: readonly string[] | null = null): UserEngagementRecord[] {
  const counters = hourCounters(data, pageId);
  const hours = hoursOf(range);
  return (data.employees.get(pageId) ?? [])
    .filter((e) => userIds === null || userIds.includes(e.id))
    .map((employee) => {
      let inbox = 0;
      let comment = 0;
      let replied = 0;
      let privateReplies = 0;
      let orders = 0;
      let oldOrders = 0;
      for (const h of hours) {
        const u = counters.get(h)?.users.get(employee.id);
        inbox += u?.inbox ?? 0;
        comment += u?.comment ?? 0;
        replied += u?.newReplied ?? 0;
        privateReplies += u?.privateReplies ?? 0;
        orders += drawCount(data.seed, 2, 1, 'user-orders', pageId, employee.id, h);
        oldOrders += drawCount(data.seed, 1, 1, 'user-old-orders', pageId, employee.id, h);
      }
      return {
        user_id: employee.id,
        name: employee.name,
        inbox_count: inbox,
        comment_count: comment,
        total_engagement: inbox + comment,
        new_customer_replied_count: replied,
        order_count: orders,
        old_order_count: oldOrders,
        // A measure no client has a column for: it must survive in the row's measures.
        private_reply_count: privateReplies,
      };
    });
}
