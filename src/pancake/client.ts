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
import { createHttpClient, type ApiAnswer, type HttpClientOptions, type HttpStats, type Pacing } from './http.js';

export type { ApiAnswer, Pacing } from './http.js';
export type { TokenPace } from './rate-limiter.js';

export { CONVERSATIONS_PER_PAGE, type ConversationCursorParams, type ConversationPageParams, type ConversationWindow } from './endpoints/conversations.js';
export type { MessageParams } from './endpoints/messages.js';
export { MESSAGES_PER_BATCH } from './message-walk.js';
export { MAX_RANGE_SECONDS } from './defaults.js';
export { checkRange } from './window.js';
export type { AdsStatisticsType, NewCustomerGroupBy, StatisticsEndpoints } from './endpoints/statistics.js';
export { formatDateRange, type DateRange } from './date-range.js';
export { CUSTOMERS_MAX_PAGE_SIZE, type CustomerOrder, type PageCustomerParams, type PageCustomerRange } from './endpoints/customers.js';
export { CALL_LOGS_PAGE_SIZE, type CallLogParams, type CallLogRange } from './endpoints/call-logs.js';
export { POSTS_PAGE_SIZE, type PostParams, type PostRange } from './endpoints/posts.js';
export type { CommentReply, InboxReply, PrivateReply, SendMessageParams, SendMessageResponse, WriteEndpoints, WriteResponse } from './endpoints/writes.js';

/**
 * What a client is built from: what the endpoints need (tokens, the zone of date_range strings) and
 * the HTTP layer's options, declared once in http.ts (`HttpClientOptions`).
 */
export interface PancakeClientOptions extends Omit<HttpClientOptions, 'baseUrl'> {
  /** API origin. Default `https://pages.fm`. */
  baseUrl?: string;
  /** User token: lists pages and generates page tokens. */
  accessToken?: string;
  /** Page tokens by page id, when you have them already. */
  pageTokens?: Record<string, string> | Map<string, string>;
  /** IANA zone of date_range strings. Default Asia/Ho_Chi_Minh. */
  timezone?: string;
}

/** Every endpoint of the Pancake API (docs/pancake-api.md), one method each. */
export type PancakeClient = { readonly stats: HttpStats; readonly pacing: Pacing } & PageEndpoints & ConversationEndpoints & MessageEndpoints & StatisticsEndpoints & WriteEndpoints
  & CustomerEndpoints & CallLogEndpoints & PostEndpoints & PageDirectoryEndpoints & ConversationIteratorEndpoints;

export function createPancakeClient(options: PancakeClientOptions = {}): PancakeClient {
  const { baseUrl, accessToken, pageTokens: givenTokens, timezone, ...httpOptions } = options;
  const http = createHttpClient({ ...httpOptions, baseUrl: baseUrl ?? DEFAULT_BASE_URL });
  const pageTokens = new Map<string, string>(givenTokens instanceof Map ? givenTokens : Object.entries(givenTokens ?? {}));
  const ctx = createEndpointContext(http, { accessToken, pageTokens, timezone: timezone ?? DEFAULT_TIMEZONE });
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
