// What the simulated shop holds, as types only. Every part of the simulator reads and changes this
// one object; keeping its shape apart from the code that fills it lets each part import it without
// importing the generator (and the generator import them).

import type { PancakeCallLog, PancakePageCustomer, PancakePost, PancakeUser } from '../../pancake/types.js';
import type { ApiTag, PancakeConversation, PancakeMessage, PancakePage } from '../../pancake/types.js';

export interface DataOptions {
  /** Default 1; the same seed and the same `now` give identical data. */
  seed?: number;
  /** Anchor of generated timestamps; default: the current time rounded down to the second. */
  now?: Date;
  /** Default 2. The second page (index 1) is a web chat with a `web_…` id; the others are Facebook pages. */
  pages?: number;
  /** Default 120. */
  conversationsPerPage?: number;
  /**
   * Counted messages (message_count) of an inbox thread; default { min: 1, max: 70 }, so some need more
   * than two batches of 30. Ad-click items come on top; comment threads have 1–4, reviews none.
   */
  messagesPerConversation?: { min: number; max: number };
  /** Conversations' updated_at spread over the last N days before `now`; default 120. */
  historyDays?: number;
  /** Hours from UTC per page, by index; pages without an entry get 7 (Vietnam), as real pages do. */
  timezones?: number[];
  /** Page ids by index (any channel: `web_…`, `pzl_…`, digits); a page without one gets a generated id. */
  pageIds?: string[];
  /** IANA zone of every page's statistics days (date_range strings, labels) instead of its own offset; default none. */
  statisticsZone?: string;
  /** Sizes of the customers, call logs and posts sets. */
  entities?: EntityOptions;
  /**
   * 'busy': items dressed as a busy real shop's (shop/busy-shop.ts: real field sizes and key set,
   * texts of every length, some with decomposed accents) and 1–48 counted messages per inbox thread
   * unless `messagesPerConversation` says otherwise. Default: the compact shop.
   */
  shape?: 'compact' | 'busy';
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
  /** Page customers, call logs, posts, users and call-center ids, by page id. */
  entities: EntityData;
  /** Records deleted in Pancake: gone from every listing, kept here (live/deletions.ts). */
  deleted: DeletedRecords;
  /** Records stamped earlier than the moment they appeared (live/shop-changes.ts), in the order they appeared. */
  lateStamped: LateStampedRecord[];
  /**
   * Bumped by every mutation, so the server knows when its sorted views are stale. Change data through
   * the Simulator's methods; code that edits records directly must bump it too.
   */
  revision: number;
}

/** The kinds of records Pancake may delete (they vanish from its listings). */
export type DeletableKind = 'conversation' | 'customer' | 'post' | 'tag';

/**
 * What was deleted, by page id (messages by conversation id), each list in deletion order. The
 * statistics keep counting what these records did: Pancake's counts are of what happened.
 */
export interface DeletedRecords {
  conversations: Map<string, PancakeConversation[]>;
  messages: Map<string, PancakeMessage[]>;
  customers: Map<string, PancakePageCustomer[]>;
  posts: Map<string, PancakePost[]>;
  tags: Map<string, ApiTag[]>;
  /** When each was deleted (ms), by `${kind}:${pageId}:${id}` (a tag's id is its page's own). */
  at: Map<string, number>;
}

/** A record whose time (updated_at, inserted_at) is earlier than the moment it became listable. */
export interface LateStampedRecord {
  kind: 'customer' | 'post';
  pageId: string;
  id: string;
  /** Its updated_at (customers) or inserted_at (posts), ms. */
  stampedAt: number;
  /** When it appeared in the listings, ms. */
  appearedAt: number;
}

export interface Employee {
  id: string;
  name: string;
  fb_id: string;
}

export interface EntityOptions {
  /** Customers without a conversation, as a share of the conversations; default 0.2. */
  extraCustomerShare?: number;
  /** Default: half the conversations of a page. */
  callLogsPerPage?: number;
  /** Posts besides the ones comment conversations belong to; default historyDays / 4. */
  postsPerPage?: number;
}

/** The `users` answer of a page: employees with their status and permissions. */
export interface PageUsers {
  users: PancakeUser[];
  disabled_users: PancakeUser[];
  round_robin_users: { inbox: string[]; comment: string[] };
}

/** A page's records besides its conversations. */
export interface EntityData {
  /** By page id, in creation order (not API order). */
  customers: Map<string, PancakePageCustomer[]>;
  callLogs: Map<string, PancakeCallLog[]>;
  posts: Map<string, PancakePost[]>;
  users: Map<string, PageUsers>;
  /** The SIP call-center subscription id of each page: the only `id` its call logs accept. */
  callCenters: Map<string, string>;
}

export interface StatisticsState {
  /**
   * An IANA zone used for every page's day boundaries instead of its own `timezone` offset: a shop
   * whose pages are configured in that zone (with PANCAKE_TIMEZONE set to it on the sync side).
   */
  zone: string | null;
  /** Extra activity per `${pageId}|${utcHourIndex}`, added by bumpStatistics. */
  bumps: Map<string, number>;
}
