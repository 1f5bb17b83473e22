import { parseApiTimestamp } from '../../pancake/time.js';
import type { ListMessagesResponse, PancakeConversation } from '../../pancake/types.js';
import { dedupeByKey } from '../../warehouse/upsert.js';
import { str } from '../coercions.js';
import { phoneOf } from './customers.js';
import type { RowOf } from '../../warehouse/tables/declare.js';
import { adClicks, conversationDetails } from '../../warehouse/tables/inbox.js';

// Which ad brought a customer, and the rest of the messages answer. Ad clicks arrive in two places:
// the conversation list's `ads[]` (every conversation passes through it) and the messages answer's
// `ad_clicks`, keyed by the customer's Pancake id. Both hold `{ ad_id, inserted_at, post_id }`, and
// both are upserted into one table keyed by the click, so neither source can remove what the other
// wrote. The messages answer also carries ~30 other keys (notes, orders, phone numbers, …): kept whole
// per conversation, so that a later version can type more of them without a re-sync.

export type AdClickRow = RowOf<typeof adClicks>;
export type ConversationDetailsRow = RowOf<typeof conversationDetails>;

function adClick(entry: unknown, pageId: string, conversationId: string, customerId: string | null): AdClickRow | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const record = entry as Record<string, unknown>;
  const adId = str(record.ad_id);
  const clickedAt = parseApiTimestamp(record.inserted_at);
  if (adId === null || clickedAt === null) return null;
  return { page_id: pageId, conversation_id: conversationId, ad_id: adId, clicked_at: clickedAt, customer_id: customerId, post_id: str(record.post_id), raw: record };
}

/** The conversation list's `ads[]` (absent on comment and rating conversations). */
export function adClicksOfConversation(c: PancakeConversation, pageId: string): AdClickRow[] {
  const ads = Array.isArray(c.ads) ? c.ads : [];
  // The answer keys its clicks by the page customer's id (page_customer.id = customers[0].id, the
  // id of pancake.customers), not by the conversation's global customer_id: use the same one, or
  // the two sources would rewrite each other's rows on every run.
  const customerId = str(c.page_customer?.id) ?? str(c.customers?.[0]?.id) ?? null;
  const rows = ads.map((entry) => adClick(entry, pageId, String(c.id), customerId)).filter((r): r is AdClickRow => r !== null);
  return dedupeByKey(rows, adClicks.key);
}

/** The messages answer's `ad_clicks`: `{ <customer uuid>: [ { ad_id, inserted_at, post_id } ] | null }`. */
export function adClicksOfAnswer(answer: ListMessagesResponse, pageId: string, conversationId: string): AdClickRow[] {
  const byCustomer = answer.ad_clicks;
  if (typeof byCustomer !== 'object' || byCustomer === null || Array.isArray(byCustomer)) return [];
  const rows: AdClickRow[] = [];
  for (const [customerId, clicks] of Object.entries(byCustomer as Record<string, unknown>)) {
    if (!Array.isArray(clicks)) continue;
    for (const entry of clicks) {
      const row = adClick(entry, pageId, conversationId, customerId);
      if (row) rows.push(row);
    }
  }
  return dedupeByKey(rows, adClicks.key);
}

/** Everything of the messages answer but the messages themselves (and `app`, which changes from one batch to the next). */
export function mapConversationDetails(answer: ListMessagesResponse, pageId: string, conversationId: string): ConversationDetailsRow {
  const { messages: _messages, app: _app, ...rest } = answer;
  const customers = Array.isArray(rest.conv_customers) ? rest.conv_customers : Array.isArray(rest.customers) ? rest.customers : [];
  const first = customers.find((c): c is Record<string, unknown> => typeof c === 'object' && c !== null);
  // conv_phone_numbers are strings; recent_phone_numbers strings or `{ phone_number, … }` objects (both seen).
  const listed = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const phones = [...listed(rest.conv_phone_numbers), ...listed(rest.recent_phone_numbers)].map(phoneOf).filter((p): p is string => p !== null);
  return {
    page_id: pageId,
    conversation_id: conversationId,
    customer_id: str(first?.id),
    phone_numbers: phones.length > 0 ? [...new Set(phones)].join(',') : null,
    raw: rest,
  };
}
