// The simulated shop: pages, their conversations and every message, generated from a seed. This is
// pure (no I/O, no clock unless `now` is omitted), so tests can build the expected data without a
// server, and the server serves exactly these objects.

import type { ApiTag, PancakeConversation, PancakeMessage, PancakePage } from '../../pancake/types.js';
import { type EntityData, type EntityOptions, emptyEntities, generateEntities } from './page-records.js';
import { createPage } from './pages.js';
import { Random } from './random.js';
import type { Employee } from './new-conversation.js';
import { type StatisticsState, createStatisticsState } from '../statistics/state.js';
import { generateConversation } from './conversations.js';
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
  /** Page ids by index (any channel: `web_…`, `pzl_…`, digits); a page without one gets a generated id. */
  pageIds?: string[];
  /** IANA zone of every page's statistics days instead of its `timezone` offset (statistics/state.ts). */
  statisticsZone?: string;
  /** Sizes of the customers, call logs and posts sets (entities.ts). */
  entities?: EntityOptions;
}

export interface SimulatorData {
  readonly seed: number;
  readonly now: Date;
  /** How far back conversations' last activity reaches (older visits of a customer lie before it). */
  readonly historyDays: number;
  pages: PancakePage[];
  /** By page id, in creation order (not API order). */
  conversations: Map<string, PancakeConversation[]>;
  conversationById: Map<string, PancakeConversation>;
  /** By conversation id, oldest → newest: every item the API serves, ad clicks included. */
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
    historyDays,
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
    const ctx = createPage(data, seed, p, nowMs, options.timezones?.[p] ?? 7, options.pageIds?.[p]);
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

/** Conversations of a page whose updated_at lies in [since, until], compared in whole seconds like the API. */
export function conversationsUpdatedBetween(data: SimulatorData, pageId: string, since: Date, until: Date): PancakeConversation[] {
  const from = unixSeconds(since.getTime());
  const to = unixSeconds(until.getTime());
  return (data.conversations.get(pageId) ?? []).filter((c) => {
    const s = unixSeconds(parseApiTime(c.updated_at));
    return s >= from && s <= to;
  });
}

/** Every item the API serves (ad clicks included), for totals in tests and benchmarks. */
export function countMessages(data: SimulatorData): number {
  let total = 0;
  for (const list of data.messages.values()) total += list.length;
  return total;
}
