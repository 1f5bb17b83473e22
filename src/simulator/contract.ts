// The simulator's public contract. The demo, the integration tests and the benchmark all depend on
// these names, so change them only together with their users.

import type { PancakeConversation, PancakeMessage } from '../pancake/types.js';
import type { FaultOptions } from './http/faults.js';
import type { OtherClientLoad } from './http/rate-limit.js';
import type { PageListStatus } from './http/routes/route.js';
import type { RequestHold } from './http/holds.js';
import type { Endpoint, RequestLogEntry } from './http/request-log.js';
import type { LiveShopOptions, LiveShopStats } from './live/live-shop.js';
import type { EntitySimulator } from './live/record-changes.js';
import type { ShopChangeRates, ShopChanges } from './live/shop-changes.js';
import type { DataOptions, SimulatorData } from './shop/model.js';

/** The data set's options (shop/model.ts) and the server's. */
export interface SimulatorOptions extends DataOptions {
  /** Added to every response; default 0. */
  latencyMs?: number;
  /**
   * Per page (the user API: per token), in any 1-second sliding window; over it → a rate-limited
   * answer (see rateLimitAnswer). Default null (off).
   */
  rateLimitPerSecond?: number | null;
  /** How a rate-limited request is answered: 'http' (default) HTTP 429 with Retry-After: 1; 'body' HTTP 200 with error_code 429 and no Retry-After. */
  rateLimitAnswer?: 'http' | 'body';
  /** Another integration spending part of each page's rate limit for the whole run; default none. */
  otherClientLoad?: OtherClientLoad | null;
  /** Issue the user token as a JWT expiring then (90 days after it was issued); default an opaque token without expiry. */
  userTokenExpiresAt?: Date | null;
  faults?: FaultOptions | null;
  /** Keep changing the data while clients read it (see live/live-shop.ts); default null (a still shop). */
  liveShop?: LiveShopOptions | null;
  /** Generating a page token issues a new one and revokes the previous, as Pancake may; default false (stable tokens). */
  rotatePageTokens?: boolean;
  /**
   * The shop's clock (what `now()` says, and the time of changes made without an `at`): 'real' (the
   * default) follows the real clock until `advanceTo` is first called; 'manual' starts at `now` and
   * moves only with `advanceTo`, so runs in simulated time (runSync with deps.now = sim.now()) line up.
   */
  clock?: 'real' | 'manual';
  /** Walks the API answers wrongly on purpose; default none. */
  pagingFaults?: PagingFaults | null;
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

/**
 * Listings that stop moving forward, on demand (what public clients guard against): for these pages
 * the v2 conversations listing ignores `last_conversation_id` (every batch is the first one again);
 * for these conversations the messages answer ignores `current_count` (every batch is the newest).
 */
export interface PagingFaults {
  stuckCursorPages?: string[];
  repeatingMessageConversations?: string[];
}

/** Sees every answer the API would give (after the token checks) and returns the one to send. */
export type ResponseOverride = (call: { endpoint: Endpoint; pageId: string | null; query: URLSearchParams }, answer: { status: number; body: unknown }) => { status: number; body: unknown };

export interface Simulator extends EntitySimulator {
  /** Origin only, e.g. http://127.0.0.1:41234; clients append /api/v1, /api/public_api/v1 or /v2. */
  readonly baseUrl: string;
  /** The user token it accepts now (renewUserToken replaces it). */
  readonly userToken: string;
  /** Live array: every request, including rejected ones, in arrival order. */
  readonly requests: RequestLogEntry[];
  /** The live truth the server answers from. */
  readonly data: SimulatorData;
  pageToken(pageId: string): string;
  clearRequests(): void;
  setLatency(ms: number): void;
  setRateLimit(perSecond: number | null): void;
  /** Another integration spending `perSecond` of each page's rate limit (of `pageIds`), from now on; null: none. */
  setOtherClientLoad(load: OtherClientLoad | null): void;
  /** The user token expires now: every user-API request with it gets HTTP 200, error_code 103. */
  expireUserToken(): void;
  /** A new user token (a JWT expiring at `expiresAt`, default 90 days on), as the shop owner makes in Pancake; the old one gets error_code 102. Returns it. */
  renewUserToken(expiresAt?: Date): string;
  /**
   * Moves a page to a list of the page list: 'inactivated' (its subscription lapsed; its token still
   * reads), 'hidden', 'nopermission' (its token and generation are refused, HTTP 403), back to
   * 'activated', or null: in no list (deleted in Pancake; its requests answer 404).
   */
  setPageListStatus(pageId: string, status: PageListStatus | null): void;
  /** Which list a page is in now. */
  pageListStatus(pageId: string): PageListStatus | null;
  setFaults(faults: FaultOptions | null): void;
  /** Starts (or, with null, stops) a live shop; the previous one's stats stay readable. */
  setLiveShop(options: LiveShopOptions | null): void;
  /** What the current (or last) live shop changed; null if none ran. */
  readonly liveShopStats: LiveShopStats | null;
  /**
   * Appends `count` counted messages (now and then after a new ad click, which comes on top) and
   * returns every item added; bumps updated_at, message_count, snippet, last_sent_by. Throws for a
   * review, which has no messages. `at` defaults to now.
   */
  addMessages(conversationId: string, count: number, at?: Date): PancakeMessage[];
  /** A new conversation of any kind (inbox, comment thread, review) with up to 5 counted messages. */
  addConversation(pageId: string, at?: Date): PancakeConversation;
  /** Re-tag / re-assign: bumps updated_at and changes tags and assignee_ids. */
  touchConversation(conversationId: string, at?: Date): void;
  /** Changes one local day's statistics of a page (`day` YYYY-MM-DD in the page's zone); rows stay the same, numbers grow. */
  bumpStatistics(pageId: string, day: string): void;
  /** Revokes a page's token by hand: the old one is refused (401) and pageToken() returns a new one. */
  revokePageToken(pageId: string): void;
  /** Rewrites answers before they are sent (e.g. an endpoint answering 404 for one page); null removes it. */
  setResponseOverride(override: ResponseOverride | null): void;
  /**
   * Holds the answers to the requests `which` picks (it sees every request on arrival, in order)
   * until `release()`: the client waits as on a slow server. For a test that must act at a known
   * point of a client's work (kill it after its n-th request) instead of racing it with a timer.
   */
  holdRequests(which: (entry: RequestLogEntry) => boolean): RequestHold;
  /** Starts (or, with null, stops) listings that stop moving forward (PagingFaults). */
  setPagingFaults(faults: PagingFaults | null): void;
  /**
   * The shop's clock (the `clock` option): the real time until `advanceTo` is first called, then the
   * instant it was advanced to; with clock 'manual', `now` until then. Changes made without an
   * explicit `at` are stamped with it.
   */
  now(): Date;
  /**
   * Moves the shop's clock forward to `to` and applies what happened in between, from the seed (new
   * conversations, messages, edits, customers stamped 1–3 days before they appear, deletions and
   * returns; live/shop-changes.ts), without waiting. The first call starts from the `now` option.
   * `rates` overrides the default pace per page and day; `false` moves the clock only.
   */
  advanceTo(to: Date, rates?: ShopChangeRates | false): ShopChanges;
  close(): Promise<void>;
}
