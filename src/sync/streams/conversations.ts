import { CONVERSATIONS_PER_PAGE } from '../../pancake/client.js';
import { parseApiTimestamp } from '../../pancake/time.js';
import type { PancakeConversation } from '../../pancake/types.js';
import type { ConversationsTable } from '../../warehouse/schema.js';
import { upsertRows, type TableSpec } from '../../warehouse/upsert.js';
import { bool, int, str } from '../map.js';
import { adClicksOfConversation, adClicksTable } from './ad-clicks.js';
import { writeConversationBridges } from './conversation-bridges.js';
import type { Stream } from '../stream.js';
import { walkSplitting, type SplitPosition } from '../split-walk.js';
import { countWindows, runWindowed, type WindowedSource } from '../windowed.js';

export type ConversationRow = Omit<ConversationsTable, 'synced_at' | 'raw' | 'inserted_at' | 'updated_at'> & {
  inserted_at: Date | null;
  updated_at: Date | null;
  raw: unknown;
};

export const conversationsTable: TableSpec<ConversationRow> = {
  table: 'pancake.conversations',
  key: ['page_id', 'id'],
  columns: [
    { name: 'page_id', type: 'text' },
    { name: 'id', type: 'text' },
    { name: 'type', type: 'text' },
    { name: 'customer_id', type: 'text' },
    { name: 'customer_name', type: 'text' },
    { name: 'customer_psid', type: 'text' },
    { name: 'inserted_at', type: 'timestamptz' },
    { name: 'updated_at', type: 'timestamptz' },
    { name: 'message_count', type: 'integer' },
    { name: 'snippet', type: 'text' },
    { name: 'seen', type: 'boolean' },
    { name: 'has_phone', type: 'boolean' },
    { name: 'post_id', type: 'text' },
    { name: 'last_sent_by_id', type: 'text' },
    { name: 'last_sent_by_name', type: 'text' },
    { name: 'raw', type: 'jsonb' },
  ],
};

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
    raw: c,
  };
}

/** Position inside a window: the v2 cursor (last id read), or how far the v1 split walk got. */
type Position = { after: string } | SplitPosition;

const source: WindowedSource<PancakeConversation, Position> = {
  stream: 'conversations',
  async *read(ctx, window, from) {
    const { client, page, settings } = ctx;
    // Ordered by updated_at: an incremental run must see conversations that changed, not only new
    // ones. The v2 cursor is keyset paging, so a row that changes mid-walk cannot shift the others
    // out of reach (docs/pancake-api.md, "Paging hazard"); it moves past the window and the next run,
    // whose window starts before this run's end, reads it.
    if (settings.conversationPaging === 'cursor') {
      let after = from && 'after' in from ? from.after : null;
      for (;;) {
        const batch = await client.listConversations(page.id, { since: window.since, until: window.until, lastConversationId: after, orderBy: 'updated_at' });
        const last = batch.at(-1);
        const done = batch.length < CONVERSATIONS_PER_PAGE || last === undefined;
        after = last?.id ?? after;
        yield { records: batch, position: done ? null : { after: after as string } };
        if (done) return;
      }
    }
    // v1 page numbers shift when a row changes mid-walk, so each range is read in one request,
    // splitting ranges whose first page is full (split-walk.ts, shared with customers).
    const fetchPage = async (since: number, until: number, pageNumber: number) => ({
      records: await client.listConversations(page.id, { since, until, pageNumber, orderBy: 'updated_at' }),
      total: null,
    });
    yield* walkSplitting(fetchPage, CONVERSATIONS_PER_PAGE, window, from && 'doneUntil' in from ? from : null);
  },
  async write(trx, ctx, records) {
    const rows = records.map((c) => mapConversation(c, ctx.page.id));
    const written = await upsertRows(trx, conversationsTable, rows);
    const adClicks = await upsertRows(trx, adClicksTable, records.flatMap((c, i) => adClicksOfConversation(c, rows[i]!.page_id)));
    // Same transaction: a conversation's tags and assignees change exactly when its row does.
    return written + adClicks + (await writeConversationBridges(trx, ctx.page.id, records));
  },
};

export const conversationsStream: Stream = {
  name: 'conversations',
  table: 'pancake.conversations',
  description: 'conversations walked by updated_at windows (v2 cursor by default)',
  run: (ctx) => runWindowed(ctx, source),
  async plan(ctx) {
    const { windows, resumes } = await countWindows(ctx, source.stream);
    const first = windows[0];
    const last = windows.at(-1);
    return {
      units: windows.length,
      estimatedRequests: windows.length,
      detail: first && last ? `${resumes ? 'resume' : 'from'} ${first.since.toISOString()} to ${last.until.toISOString()} in ${windows.length} window(s), ≥1 request each` : 'nothing to read',
    };
  },
};
