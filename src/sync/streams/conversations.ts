import { CONVERSATIONS_PER_PAGE } from '../../pancake/client.js';
import { walkKeyset, type KeysetPosition } from '../../pancake/keyset-walk.js';
import { walkSplitting, type SplitPosition } from '../../pancake/split-walk.js';
import { parseApiTimestamp } from '../../pancake/time.js';
import type { PancakeConversation } from '../../pancake/types.js';
import { upsertParts } from '../../warehouse/upsert.js';
import { bool, int, str } from '../coercions.js';
import { adClicksOfConversation } from './ad-clicks.js';
import { conversationBridgeParts } from './conversation-bridges.js';
import { windowedStream } from '../engines/windowed.js';
import { planConversations } from './conversations-estimate.js';
import type { RowOf } from '../../warehouse/tables/declare.js';
import { adClicks, conversations } from '../../warehouse/tables/inbox.js';

export type ConversationRow = RowOf<typeof conversations>;

export function mapConversation(c: PancakeConversation, pageId: string): ConversationRow {
  const customer = c.customers?.[0] ?? null;
  const pageCustomer = c.page_customer ?? null;
  return {
    page_id: typeof c.page_id === 'string' && c.page_id ? c.page_id : pageId,
    id: String(c.id),
    type: str(c.type),
    customer_id: str(c.customer_id) ?? str(pageCustomer?.customer_id) ?? str(customer?.id),
    customer_name: str(pageCustomer?.name) ?? str(customer?.name) ?? str(c.from?.name),
    customer_psid: str(pageCustomer?.psid) ?? str(customer?.fb_id),
    inserted_at: parseApiTimestamp(c.inserted_at),
    updated_at: parseApiTimestamp(c.updated_at),
    message_count: int(c.message_count),
    snippet: str(c.snippet),
    seen: bool(c.seen),
    has_phone: bool(c.has_phone),
    post_id: str(c.post_id),
    last_sent_by_id: str(c.last_sent_by?.id),
    last_sent_by_name: str(c.last_sent_by?.admin_name) ?? str(c.last_sent_by?.name),
    deleted_at: null,
    raw: c,
  };
}

/** Position inside a window: the v2 cursor (last id read), or how far the v1 split walk got. */
type Position = KeysetPosition | SplitPosition;

export const conversationsStream = windowedStream<PancakeConversation, ConversationRow, Position>({
  name: 'conversations',
  description: 'conversations walked by updated_at windows (v2 cursor by default)',
  table: conversations,
  costPerWindow: '≥1 request each (60 conversations a page)',
  // Its messages follow it newest first; the page's other streams wait for the newest days.
  newestFirst: 'walk',
  plan: planConversations,
  read(ctx, window, from) {
    const { client, page, settings } = ctx;
    // Ordered by updated_at: an incremental run must see conversations that changed, not only new
    // ones. v2 is keyset paging (keyset-walk.ts); v1 page numbers shift when a row changes mid-walk,
    // so each range is read in one request, splitting full ones (split-walk.ts).
    if (settings.conversationPaging === 'cursor') {
      const fetchAfter = (range: { since: number; until: number }, after: string | null) => client.listConversations(page.id, { ...range, lastConversationId: after, orderBy: 'updated_at' });
      return walkKeyset(fetchAfter, CONVERSATIONS_PER_PAGE, window, from && 'after' in from ? from : null);
    }
    const fetchPage = async (since: number, until: number, pageNumber: number) => ({
      records: await client.listConversations(page.id, { since, until, pageNumber, orderBy: 'updated_at' }),
      total: null,
    });
    return walkSplitting(fetchPage, CONVERSATIONS_PER_PAGE, window, from && 'doneUntil' in from ? from : null);
  },
  map: (conversation, ctx) => mapConversation(conversation, ctx.page.id),
  // Conversations move to the present when they change: a sweep reads the newest again before it marks.
  sweep: { table: 'pancake.conversations', idOf: (c) => String(c.id), timeMoves: true },
  // Same statement: a conversation's ad clicks, tags and assignees change exactly when its row does.
  alsoWrite: (ctx, records, rows) => [
    ...upsertParts(adClicks, records.flatMap((c, i) => adClicksOfConversation(c, rows[i]!.page_id)), ctx.onStorageWarning ?? null),
    ...conversationBridgeParts(ctx.page.id, records, ctx.onStorageWarning ?? null),
  ],
});
