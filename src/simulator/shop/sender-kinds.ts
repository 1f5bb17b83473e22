// Who "sent" each item of a conversation, told apart by the rules the real answers follow (see
// test/fixtures/real-samples/README.md): everything the page sends carries the page's id in `from`,
// so the other fields decide. Derived from the data alone, so tests can count kinds without the
// sync's code, and the two can be compared.

import type { PancakeMessage } from '../../pancake/types.js';
import { isFromPage } from './channel-ids.js';
import type { SimulatorData } from './model.js';

export type SenderKind = 'customer' | 'employee' | 'bot' | 'page_notice' | 'ad_click';

export const SENDER_KINDS: readonly SenderKind[] = ['customer', 'employee', 'bot', 'page_notice', 'ad_click'];

/** The entry Facebook adds when a customer opens the thread from an ad: not a message anyone wrote. */
export function isAdClickItem(message: PancakeMessage): boolean {
  return message.id.startsWith('ad-');
}

/**
 * - ad_click: id `ad-…`;
 * - customer: `from.id` is not the page (in any form of its id, channel-ids.ts);
 * - bot: the page with `admin_name` "Botcake" and a `flow_id`, or an employee's account with
 *   `ai_generated` or `is_automated` true (an AI or automated reply);
 * - employee: the page with any other `admin_name`;
 * - page_notice: the page without `admin_name` (greetings, away messages, platform notices).
 */
export function senderKindOf(message: PancakeMessage, pageId: string): SenderKind {
  if (isAdClickItem(message)) return 'ad_click';
  const from = message.from;
  if (!from || !isFromPage(message, pageId)) return 'customer';
  if (from.flow_id !== undefined || from.admin_name === 'Botcake') return 'bot';
  if (from.ai_generated === true || from.is_automated === true) return 'bot';
  return typeof from.admin_name === 'string' ? 'employee' : 'page_notice';
}

/** Items per sender kind over the whole data set (or one page). */
export function countSenderKinds(data: SimulatorData, pageId?: string): Record<SenderKind, number> {
  const counts: Record<SenderKind, number> = { customer: 0, employee: 0, bot: 0, page_notice: 0, ad_click: 0 };
  for (const [id, messages] of data.messages) {
    const conversation = data.conversationById.get(id);
    if (!conversation || (pageId !== undefined && conversation.page_id !== pageId)) continue;
    for (const message of messages) counts[senderKindOf(message, conversation.page_id)] += 1;
  }
  return counts;
}
