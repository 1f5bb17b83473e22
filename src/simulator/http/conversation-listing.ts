// How the API orders and pages conversations and messages. Order is by the chosen time field,
// newest first, ties broken by id (descending, as strings); filters compare whole unix seconds.

import type { ApiTag, PancakeConversation, PancakeMessage } from '../../pancake/types.js';
import type { SimulatorData } from '../shop/model.js';
import { activityTime } from '../shop/channel-shape.js';
import { parseApiTime, unixSeconds } from '../shop/time.js';

export type OrderField = 'inserted_at' | 'updated_at';

export const CONVERSATIONS_PER_PAGE = 60;
export const MESSAGES_PER_BATCH = 30;

interface Row {
  conversation: PancakeConversation;
  ms: number;
}

interface SortedView {
  revision: number;
  rows: Row[];
}

/** Sorted views per page and field, rebuilt only when the data changed (a benchmark walks big pages). */
export class ConversationViews {
  private readonly cache = new Map<string, SortedView>();

  constructor(private readonly data: SimulatorData) {}

  sorted(pageId: string, field: OrderField): Row[] {
    const key = `${pageId}:${field}`;
    const cached = this.cache.get(key);
    if (cached && cached.revision === this.data.revision) return cached.rows;
    // A conversation without updated_at (channel-shape.ts) stands at its inserted_at.
    const rows = (this.data.conversations.get(pageId) ?? []).map((conversation) => ({ conversation, ms: parseApiTime(field === 'updated_at' ? activityTime(conversation) : conversation[field]) }));
    rows.sort(compareRows);
    this.cache.set(key, { revision: this.data.revision, rows });
    return rows;
  }
}

function compareRows(a: Row, b: Row): number {
  if (a.ms !== b.ms) return b.ms - a.ms;
  return a.conversation.id < b.conversation.id ? 1 : a.conversation.id > b.conversation.id ? -1 : 0;
}

export interface ConversationFilter {
  since: number | null;
  until: number | null;
  /** Tag ids as strings; a conversation matches when it carries any of them. */
  tagIds: string[] | null;
}

function matches(row: Row, filter: ConversationFilter): boolean {
  const second = unixSeconds(row.ms);
  if (filter.since !== null && second < filter.since) return false;
  if (filter.until !== null && second > filter.until) return false;
  if (filter.tagIds) {
    const tags = (row.conversation.tags ?? []).filter((t): t is ApiTag => t !== null);
    if (!tags.some((t) => filter.tagIds?.includes(String(t.id)))) return false;
  }
  return true;
}

/** v1: page numbers over the filtered order, so a row that moves shifts every later row. */
export function pageByNumber(rows: readonly Row[], filter: ConversationFilter, pageNumber: number): PancakeConversation[] {
  const skip = (pageNumber - 1) * CONVERSATIONS_PER_PAGE;
  const out: PancakeConversation[] = [];
  let seen = 0;
  for (const row of rows) {
    if (!matches(row, filter)) continue;
    if (seen++ < skip) continue;
    out.push(row.conversation);
    if (out.length === CONVERSATIONS_PER_PAGE) break;
  }
  return out;
}

/**
 * v2: the 60 rows strictly after the cursor conversation's *current* position. A keyset cursor
 * cannot make a row that did not move disappear; a row that moved above the cursor is just not
 * seen again in this walk (it is newer than the walk's start, so the next run picks it up). A
 * cursor conversation deleted since is no longer in the rows: the walk goes on after the place it
 * had (inferred: a soft-deleting backend still knows its keys).
 */
export function pageAfter(rows: readonly Row[], filter: ConversationFilter, after: PancakeConversation | null, field: OrderField = 'updated_at'): PancakeConversation[] {
  let start = 0;
  if (after) {
    const index = rows.findIndex((row) => row.conversation === after);
    const place = { conversation: after, ms: parseApiTime(after[field]) };
    start = index >= 0 ? index + 1 : rows.findIndex((row) => compareRows(place, row) < 0);
    if (start < 0) return [];
  }
  const out: PancakeConversation[] = [];
  for (let i = start; i < rows.length && out.length < CONVERSATIONS_PER_PAGE; i++) {
    const row = rows[i] as Row;
    if (matches(row, filter)) out.push(row.conversation);
  }
  return out;
}

/** Without `currentCount` the 30 newest; with N the 30 before the N newest; always oldest → newest. */
export function messageBatch(messages: readonly PancakeMessage[], currentCount: number): PancakeMessage[] {
  const end = messages.length - currentCount;
  if (end <= 0) return [];
  return messages.slice(Math.max(0, end - MESSAGES_PER_BATCH), end);
}
