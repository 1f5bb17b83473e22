// The simulated shop: pages, their conversations and every message, generated from a seed. This is
// pure (no I/O, no clock unless `now` is omitted), so tests can build the expected data without a
// server, and the server serves exactly these objects.

import type { ApiTag, PancakeConversation, PancakeMessage, PancakePage } from '../pancake/types.js';
import { type EntityData, type EntityOptions, emptyEntities, generateEntities } from './entities.js';
import { Random } from './random.js';
import { type StatisticsState, createStatisticsState } from './statistics/state.js';
import { type Employee, type PageContext, formatField, newConversation, newMessage, planSeconds, planSenders, summarize } from './records.js';
import { TAG_COLORS, TAG_TEXTS, lightenColor, personName, shopName } from './text.js';
import { parseApiTime, unixSeconds } from './time.js';

export interface DataOptions {
  seed?: number;
  now?: Date;
  pages?: number;
  conversationsPerPage?: number;
  messagesPerConversation?: { min: number; max: number };
  historyDays?: number;
  /** Hours from UTC per page, by index; pages without an entry get 7 (Vietnam), as real pages do. */
  timezones?: number[];
  /** IANA zone of every page's statistics days instead of its `timezone` offset (statistics/state.ts). */
  statisticsZone?: string;
  /** Sizes of the customers, call logs and posts sets (entities.ts). */
  entities?: EntityOptions;
}

export interface SimulatorData {
  readonly seed: number;
  readonly now: Date;
  pages: PancakePage[];
  /** By page id, in creation order (not API order). */
  conversations: Map<string, PancakeConversation[]>;
  conversationById: Map<string, PancakeConversation>;
  /** By conversation id, oldest → newest. */
  messages: Map<string, PancakeMessage[]>;
  /** Employees (active users) by page id; page replies carry their name and uuid. */
  employees: Map<string, Employee[]>;
  /** The tag set of each page, by page id. */
  tags: Map<string, ApiTag[]>;
  /** Zone override and manual corrections of the simulated statistics (statistics/state.ts). */
  statistics: StatisticsState;
  /** Page customers, call logs, posts, users and call-center ids, by page id (entities.ts). */
  entities: EntityData;
  /**
   * Bumped by every mutation, so the server knows when its sorted views are stale. Change data through
   * the Simulator's methods; code that edits records directly must bump it too.
   */
  revision: number;
}

export const DEFAULT_DATA_OPTIONS = {
  seed: 1,
  pages: 2,
  conversationsPerPage: 120,
  messagesPerConversation: { min: 1, max: 70 },
  historyDays: 120,
} as const;

export function defaultNow(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

export function createSimulatorData(options: DataOptions = {}): SimulatorData {
  const seed = options.seed ?? DEFAULT_DATA_OPTIONS.seed;
  const now = options.now ?? defaultNow();
  const pageCount = options.pages ?? DEFAULT_DATA_OPTIONS.pages;
  const perPage = options.conversationsPerPage ?? DEFAULT_DATA_OPTIONS.conversationsPerPage;
  const range = options.messagesPerConversation ?? DEFAULT_DATA_OPTIONS.messagesPerConversation;
  const historyDays = options.historyDays ?? DEFAULT_DATA_OPTIONS.historyDays;
  if (range.min < 1 || range.max < range.min) throw new Error('messagesPerConversation needs 1 <= min <= max');

  const data: SimulatorData = {
    seed,
    now,
    pages: [],
    conversations: new Map(),
    conversationById: new Map(),
    messages: new Map(),
    employees: new Map(),
    tags: new Map(),
    entities: emptyEntities(),
    statistics: createStatisticsState(options.statisticsZone ?? null),
    revision: 0,
  };
  const nowMs = now.getTime();
  for (let p = 0; p < pageCount; p++) {
    const ctx = createPage(data, seed, p, nowMs, options.timezones?.[p] ?? 7);
    let previousSecond: number | null = null;
    for (let c = 0; c < perPage; c++) {
      const rng = Random.of('conversation', seed, p, c);
      // A few conversations share their last second with the previous one: ties the API must break by id.
      const tie = previousSecond !== null && rng.chance(0.04);
      const lastSecond = tie && previousSecond !== null ? previousSecond : unixSeconds(nowMs - rng.next() * historyDays * 86_400_000);
      const count = range.min + Math.floor((range.max - range.min + 1) * rng.next() ** 2);
      const conversation = generateConversation(data, ctx, rng, lastSecond, count, nowMs);
      previousSecond = unixSeconds(parseApiTime(conversation.updated_at));
    }
  }
  generateEntities(data, historyDays, options.entities);
  return data;
}

function createPage(data: SimulatorData, seed: number, index: number, nowMs: number, timezone: number): PageContext {
  const rng = Random.of('page', seed, index);
  let id = rng.digits(16);
  while (data.pages.some((p) => p.id === id)) id = rng.digits(16);
  const employees: Employee[] = [];
  const staff = rng.int(3, 5);
  for (let i = 0; i < staff; i++) employees.push({ id: rng.uuid(), name: personName(rng).name, fb_id: rng.digits(15) });
  let tagId = rng.int(1, 90);
  const tags: ApiTag[] = rng.sample(TAG_TEXTS.map((text, i) => ({ text, color: TAG_COLORS[i] as string })), 6).map(({ text, color }) => {
    tagId += rng.int(1, 7);
    return { id: tagId, text, color, lighten_color: lightenColor(color) };
  });
  const page: PancakePage = {
    id,
    name: shopName(index, rng),
    platform: 'facebook',
    timezone,
    inserted_at: formatField(id, 'inserted_at', nowMs - rng.int(300, 2_000) * 86_400_000 - rng.int(0, 86_399_999)),
    is_activated: true,
    active_user_ids: employees.map((e) => e.id),
    settings: {},
    username: null,
    avatar_url: `https://content.pancake.vn/2/s200x200/fwebp/${rng.alnum(24).toLowerCase()}.jpg`,
  };
  data.pages.push(page);
  data.conversations.set(id, []);
  data.employees.set(id, employees);
  data.tags.set(id, tags);
  return { page, employees, tags };
}

export function pageContext(data: SimulatorData, pageId: string): PageContext {
  const page = data.pages.find((p) => p.id === pageId);
  if (!page) throw new Error(`Unknown page ${pageId}`);
  return { page, employees: data.employees.get(pageId) ?? [], tags: data.tags.get(pageId) ?? [] };
}

/**
 * A conversation whose last message is at `lastSecond` (or exactly `lastMs` when given, for live
 * mutations), registered in `data`.
 */
export function generateConversation(
  data: SimulatorData,
  ctx: PageContext,
  rng: Random,
  lastSecond: number,
  count: number,
  nowMs: number,
  lastMs?: number,
): PancakeConversation {
  let conversation = newConversation(ctx, rng, rng.chance(0.2) ? 'COMMENT' : 'INBOX', lastSecond * 1000);
  while (data.conversationById.has(conversation.id)) conversation = newConversation(ctx, rng, conversation.type === 'COMMENT' ? 'COMMENT' : 'INBOX', lastSecond * 1000);
  const senders = planSenders(rng, count);
  const seconds = planSeconds(rng, senders, lastSecond);
  const messages = senders.map((sender, k) => {
    const second = seconds[k] as number;
    const exact = lastMs !== undefined ? lastMs - (lastSecond - second) * 1000 : undefined;
    const message = newMessage(ctx, conversation, rng, sender, second, exact);
    // Generated data must not end in the future of `now`, even when `now` has milliseconds.
    if (exact === undefined && parseApiTime(message.inserted_at) > nowMs) message.inserted_at = formatField(message.id, 'inserted_at', nowMs);
    return message;
  });
  // Some customers wrote last and nobody has read it yet.
  if (senders[senders.length - 1] === 'customer' && rng.chance(0.3)) {
    for (let k = messages.length - 1; k >= 0 && senders[k] === 'customer'; k--) (messages[k] as PancakeMessage).seen = false;
  }
  const first = messages[0] as PancakeMessage;
  conversation.inserted_at = formatField(conversation.id, 'inserted_at', parseApiTime(first.inserted_at));
  summarize(conversation, messages);
  data.conversations.get(ctx.page.id)?.push(conversation);
  data.conversationById.set(conversation.id, conversation);
  data.messages.set(conversation.id, messages);
  return conversation;
}

/** Conversations of a page whose updated_at lies in [since, until], compared in whole seconds like the API. */
export function conversationsUpdatedBetween(data: SimulatorData, pageId: string, since: Date, until: Date): PancakeConversation[] {
  const from = unixSeconds(since.getTime());
  const to = unixSeconds(until.getTime());
  return (data.conversations.get(pageId) ?? []).filter((c) => {
    const s = unixSeconds(parseApiTime(c.updated_at));
    return s >= from && s <= to;
  });
}

/** Every message of the data set, for totals in tests and benchmarks. */
export function countMessages(data: SimulatorData): number {
  let total = 0;
  for (const list of data.messages.values()) total += list.length;
  return total;
}
