import type { Logger } from '../logger.js';
import { createEndpointContext } from './endpoint-context.js';
import { conversationEndpoints, type ConversationEndpoints } from './endpoints/conversations.js';
import { messageEndpoints, type MessageEndpoints } from './endpoints/messages.js';
import { pageEndpoints, type PageEndpoints } from './endpoints/pages.js';
import { statisticsEndpoints, type StatisticsEndpoints } from './endpoints/statistics.js';
import { writeEndpoints, type WriteEndpoints } from './endpoints/writes.js';
import { callLogEndpoints, type CallLogEndpoints } from './endpoints/call-logs.js';
import { conversationIteratorEndpoints, type ConversationIteratorEndpoints } from './endpoints/conversation-iterator.js';
import { customerEndpoints, type CustomerEndpoints } from './endpoints/customers.js';
import { pageDirectoryEndpoints, type PageDirectoryEndpoints } from './endpoints/page-directory.js';
import { postEndpoints, type PostEndpoints } from './endpoints/posts.js';
import { DEFAULT_BASE_URL, DEFAULT_TIMEZONE } from './defaults.js';
import { createHttpClient, type ApiAnswer, type HttpStats, type Pacing } from './http.js';

export type { ApiAnswer, Pacing } from './http.js';
export type { TokenPace } from './rate-limiter.js';

export { CONVERSATIONS_PER_PAGE, type ConversationCursorParams, type ConversationPageParams, type ConversationWindow } from './endpoints/conversations.js';
export { MESSAGES_PER_BATCH, type MessageParams } from './endpoints/messages.js';
export { MAX_RANGE_SECONDS } from './defaults.js';
export { checkRange } from './window.js';
export type { AdsStatisticsType, NewCustomerGroupBy, StatisticsEndpoints } from './endpoints/statistics.js';
export { formatDateRange, type DateRange } from './date-range.js';
export { CUSTOMERS_MAX_PAGE_SIZE, type CustomerOrder, type PageCustomerParams, type PageCustomerRange } from './endpoints/customers.js';
export { CALL_LOGS_PAGE_SIZE, type CallLogParams, type CallLogRange } from './endpoints/call-logs.js';
export { POSTS_PAGE_SIZE, type PostParams, type PostRange } from './endpoints/posts.js';
export type { CommentReply, InboxReply, PrivateReply, SendMessageParams, SendMessageResponse, WriteEndpoints, WriteResponse } from './endpoints/writes.js';

export interface PancakeClientOptions {
  /** API origin. Default `https://pages.fm`. */
  baseUrl?: string;
  /** User token: lists pages and generates page tokens. */
  accessToken?: string;
  /** Page tokens by page id, when you have them already. */
  pageTokens?: Record<string, string> | Map<string, string>;
  /** Requests per second per token: where the adaptive pace starts, and its ceiling. Default 5. */
  rateLimit?: number;
  /** Per request attempt, body included. Default 30 000. */
  timeoutMs?: number;
  /** Retries of a failed request; rate limits do not use them. Default 6. */
  retries?: number;
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
  /** First backoff delay (doubles, with jitter). Default 1000. */
  retryMinDelayMs?: number;
  /** IANA zone of date_range strings. Default Asia/Ho_Chi_Minh. */
  timezone?: string;
  /** Extra request headers, e.g. `x-pancake-sync-worker` from a queue worker. */
  headers?: Readonly<Record<string, string>>;
  /** Longest Retry-After obeyed; a request asked to wait longer fails with kind `wait_too_long`. Default 300 000. */
  maxRetryAfterMs?: number;
  /** How long one request may keep being rate-limited before it fails (kind `wait_too_long`). Default 300 000. */
  rateLimitWaitMs?: number;
  /** How long a page's token may spend rate-limited (from a rate-limited answer to the next success) over the client's life (a run) before its requests fail. Default 3 600 000. */
  rateLimitRunWaitMs?: number;
  /** Once aborted, no further request is sent (kind `interrupted`); requests in flight finish. */
  stopSignal?: AbortSignal;
  logger?: Logger;
  /** Sees every accepted answer (request without its token, parsed body), e.g. to record them. */
  onAnswer?: (answer: ApiAnswer) => void;
}

/** Every endpoint of the Pancake API (docs/pancake-api.md), one method each. */
export type PancakeClient = { readonly stats: HttpStats; readonly pacing: Pacing } & PageEndpoints & ConversationEndpoints & MessageEndpoints & StatisticsEndpoints & WriteEndpoints
  & CustomerEndpoints & CallLogEndpoints & PostEndpoints & PageDirectoryEndpoints & ConversationIteratorEndpoints;

export function createPancakeClient(options: PancakeClientOptions = {}): PancakeClient {
  const http = createHttpClient({
    baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
    ...(options.rateLimit !== undefined && { rateLimit: options.rateLimit }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.retries !== undefined && { retries: options.retries }),
    ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
    ...(options.retryMinDelayMs !== undefined && { retryMinDelayMs: options.retryMinDelayMs }),
    ...(options.headers !== undefined && { headers: options.headers }),
    ...(options.maxRetryAfterMs !== undefined && { maxRetryAfterMs: options.maxRetryAfterMs }),
    ...(options.rateLimitWaitMs !== undefined && { rateLimitWaitMs: options.rateLimitWaitMs }),
    ...(options.rateLimitRunWaitMs !== undefined && { rateLimitRunWaitMs: options.rateLimitRunWaitMs }),
    ...(options.stopSignal !== undefined && { stopSignal: options.stopSignal }),
    ...(options.logger !== undefined && { logger: options.logger }),
    ...(options.onAnswer !== undefined && { onAnswer: options.onAnswer }),
  });
  const pageTokens = new Map<string, string>(options.pageTokens instanceof Map ? options.pageTokens : Object.entries(options.pageTokens ?? {}));
  const ctx = createEndpointContext(http, { accessToken: options.accessToken, pageTokens, timezone: options.timezone ?? DEFAULT_TIMEZONE });
  return {
    stats: http.stats,
    pacing: http.pacing,
    ...pageEndpoints(ctx),
    ...conversationEndpoints(ctx),
    ...messageEndpoints(ctx),
    ...statisticsEndpoints(ctx),
    ...writeEndpoints(ctx),
    ...customerEndpoints(ctx),
    ...callLogEndpoints(ctx),
    ...postEndpoints(ctx),
    ...pageDirectoryEndpoints(ctx),
    ...conversationIteratorEndpoints(ctx),
  };
}
