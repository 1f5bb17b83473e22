// The simulator's public contract. The demo, the integration tests and the benchmark all depend on
// these names, so change them only together with their users.

import type { PancakeConversation, PancakeMessage } from '../pancake/types.js';
import type { DataOptions, SimulatorData } from './shop/data-set.js';
import type { EntitySimulator } from './live/record-changes.js';
import type { LiveShopOptions, LiveShopStats } from './live/live-shop.js';

export interface SimulatorOptions extends DataOptions {
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
  /** Hours from UTC per page index; default 7 for every page. */
  timezones?: number[];
  /** IANA zone of every page's statistics days (date_range strings, labels) instead of its own offset; default none. */
  statisticsZone?: string;
  /** Added to every response; default 0. */
  latencyMs?: number;
  /** Per token, in any 1-second sliding window; over it → HTTP 429 with Retry-After: 1. Default null (off). */
  rateLimitPerSecond?: number | null;
  faults?: FaultOptions | null;
  /** Keep changing the data while clients read it (see live-shop.ts); default null (a still shop). */
  liveShop?: LiveShopOptions | null;
  /** Generating a page token issues a new one and revokes the previous, as Pancake may; default false (stable tokens). */
  rotatePageTokens?: boolean;
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export type FaultKind = 'rate_limit' | 'rate_limit_body' | 'server_error' | 'timeout' | 'reset' | 'truncated' | 'non_json' | 'success_false' | 'expired_token';

/** The faults a client must ride out: a retry gets the same answer as a fault-free request. */
export const TRANSIENT_FAULT_KINDS: readonly FaultKind[] = ['rate_limit', 'rate_limit_body', 'server_error', 'timeout', 'reset', 'truncated', 'non_json', 'success_false'];

/** Every kind; 'expired_token' (HTTP 401) is fatal for the page by design, so it is only drawn when asked for. */
export const FAULT_KINDS: readonly FaultKind[] = [...TRANSIENT_FAULT_KINDS, 'expired_token'];

export interface FaultOptions {
  /** Probability in [0, 1] that a request gets a fault. */
  rate: number;
  /** Default: TRANSIENT_FAULT_KINDS (all but 'expired_token'). */
  kinds?: FaultKind[];
  /** Default: the data seed. */
  seed?: number;
  /** How long a 'timeout' hangs before answering normally; default 30000. */
  timeoutMs?: number;
  /** Retry-After (seconds) of a 'rate_limit' fault; default 1, as the API's own rate limit. */
  retryAfterSeconds?: number;
  /** Only requests about these pages get faults (default: every request), e.g. one broken page. */
  pageIds?: string[];
}

/** The route's name (e.g. 'list_conversations', 'list_messages', 'get_page_statistics'); 'unknown' when no route matched. See routes/. */
export type Endpoint = string;

/** Sees every answer the API would give (after the token checks) and returns the one to send. */
export type ResponseOverride = (call: { endpoint: Endpoint; pageId: string | null; query: URLSearchParams }, answer: { status: number; body: unknown }) => { status: number; body: unknown };

export interface RequestLogEntry {
  seq: number;
  method: string;
  /** Without the query string. */
  path: string;
  endpoint: Endpoint;
  pageId: string | null;
  conversationId: string | null;
  /** Query parameters, with token values replaced by '***'. */
  query: Record<string, string>;
  /** The parsed POST body (JSON or form), tokens replaced by '***'; null when there was none. */
  body: unknown;
  /** 'user' or the id of the page the token belongs to; null when missing or invalid. */
  tokenId: string | null;
  /** 0 while in flight, and for requests answered by dropping the connection. */
  status: number;
  fault: FaultKind | null;
  /** ms since the epoch. */
  startedAt: number;
  finishedAt: number;
  /** Records returned (pages, conversations, messages); null for failures and non-list answers. */
  resultCount: number | null;
  /** The `x-pancake-sync-worker` header: which queue worker sent it; null from anything else. */
  worker: string | null;
}

export interface Simulator extends EntitySimulator {
  /** Origin only, e.g. http://127.0.0.1:41234; clients append /api/v1, /api/public_api/v1 or /v2. */
  readonly baseUrl: string;
  readonly userToken: string;
  /** Live array: every request, including rejected ones, in arrival order. */
  readonly requests: RequestLogEntry[];
  /** The live truth the server answers from. */
  readonly data: SimulatorData;
  pageToken(pageId: string): string;
  clearRequests(): void;
  setLatency(ms: number): void;
  setRateLimit(perSecond: number | null): void;
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
  close(): Promise<void>;
}
