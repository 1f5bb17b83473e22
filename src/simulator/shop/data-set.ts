// The simulated shop: pages, their conversations and every message, customers, call logs, posts and
// users, generated from a seed. This is pure (no I/O, no clock unless `now` is omitted), so tests can
// build the expected data without a server, and the server serves exactly these objects.

import type { PancakeConversation, PancakePage } from '../../pancake/types.js';
import { createStatisticsState } from '../statistics/state.js';
import { pageCallLogs } from './call-logs.js';
import { generateConversation } from './conversations.js';
import { pageCustomers } from './customers.js';
import type { DataOptions, EntityOptions, SimulatorData } from './model.js';
import { activityTime } from './channel-shape.js';
import { createPage } from './pages.js';
import { pagePosts } from './posts.js';
import { BUSY_MESSAGES_PER_CONVERSATION, dressAsBusyShop } from './busy-shop.js';
import { Random } from './random.js';
import { parseApiTime, unixSeconds } from './time.js';
import { pageUsers } from './users.js';

const DEFAULT_DATA_OPTIONS = {
  seed: 1,
  pages: 3,
  conversationsPerPage: 120,
  messagesPerConversation: { min: 1, max: 70 },
  historyDays: 120,
} as const;

function defaultNow(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

export function createSimulatorData(options: DataOptions = {}): SimulatorData {
  const seed = options.seed ?? DEFAULT_DATA_OPTIONS.seed;
  const now = options.now ?? defaultNow();
  const pageCount = options.pages ?? DEFAULT_DATA_OPTIONS.pages;
  const perPage = options.conversationsPerPage ?? DEFAULT_DATA_OPTIONS.conversationsPerPage;
  const range = options.messagesPerConversation ?? (options.shape === 'busy' ? BUSY_MESSAGES_PER_CONVERSATION : DEFAULT_DATA_OPTIONS.messagesPerConversation);
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
    entities: { customers: new Map(), callLogs: new Map(), posts: new Map(), users: new Map(), callCenters: new Map() },
    statistics: createStatisticsState(options.statisticsZone ?? null),
    deleted: { conversations: new Map(), messages: new Map(), customers: new Map(), posts: new Map(), tags: new Map(), at: new Map() },
    lateStamped: [],
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
      previousSecond = unixSeconds(parseApiTime(activityTime(conversation)));
    }
  }
  if (options.shape === 'busy') dressAsBusyShop(data);
  for (const page of data.pages) addPageRecords(data, page, options.entities);
  return data;
}

/**
 * A page's customers, call logs, posts and users. Generated after the conversations, from seeded
 * streams of their own, so adding them changed no conversation or message of an existing seed.
 */
function addPageRecords(data: SimulatorData, page: PancakePage, options: EntityOptions = {}): void {
  const pageId = page.id;
  const employees = data.employees.get(pageId) ?? [];
  const conversationCount = data.conversations.get(pageId)?.length ?? 0;
  data.entities.callCenters.set(pageId, Random.of('entities', data.seed, pageId).uuid());
  data.entities.users.set(pageId, pageUsers(Random.of('users', data.seed, pageId), employees));
  const customers = pageCustomers(data, pageId, employees, options.extraCustomerShare ?? 0.2);
  data.entities.customers.set(pageId, customers);
  data.entities.callLogs.set(pageId, pageCallLogs(data, pageId, customers, options.callLogsPerPage ?? Math.round(conversationCount / 2)));
  data.entities.posts.set(pageId, pagePosts(data, page, options.postsPerPage ?? Math.round(data.historyDays / 4)));
}

/** Conversations of a page whose updated_at (else inserted_at) lies in [since, until], compared in whole seconds like the API. */
export function conversationsUpdatedBetween(data: SimulatorData, pageId: string, since: Date, until: Date): PancakeConversation[] {
  const from = unixSeconds(since.getTime());
  const to = unixSeconds(until.getTime());
  return (data.conversations.get(pageId) ?? []).filter((c) => {
    const s = unixSeconds(parseApiTime(activityTime(c)));
    return s >= from && s <= to;
  });
}

/** Every item the API serves (ad clicks included), for totals in tests and benchmarks. */
export function countMessages(data: SimulatorData): number {
  let total = 0;
  for (const list of data.messages.values()) total += list.length;
  return total;
}
