import type { Logger } from '../logger.js';
import { registerSecret } from '../redact.js';
import { PancakeArgumentError, PancakeError } from './errors.js';
import { createHttpClient, type ApiRequest, type HttpStats, type QueryValue } from './http.js';
import { toUnixSeconds, type Instant } from './time.js';
import type {
  ConversationOrder,
  GeneratePageTokenResponse,
  ListConversationsResponse,
  ListMessagesResponse,
  ListPagesResponse,
  PancakeConversation,
  PancakeMessage,
  PancakePage,
} from './types.js';

/** The API refuses a since/until range longer than one month; 30 days is the hard limit we use. */
export const MAX_RANGE_SECONDS = 30 * 86_400;
export const CONVERSATIONS_PER_PAGE = 60;
export const MESSAGES_PER_BATCH = 30;

export interface PancakeClientOptions {
  /** API origin. Default `https://pages.fm`. */
  baseUrl?: string;
  /** User token: lists pages and generates page tokens. */
  accessToken?: string;
  /** Page tokens by page id, when you have them already. */
  pageTokens?: Record<string, string> | Map<string, string>;
  /** Requests per second per token. Default 5. */
  rateLimit?: number;
  timeoutMs?: number;
  retries?: number;
  concurrency?: number;
  retryMinDelayMs?: number;
  logger?: Logger;
}

export interface ConversationWindow {
  since: Instant;
  until: Instant;
  orderBy?: ConversationOrder;
  /** Comma-separated tag ids to filter on. */
  tags?: string;
}

/** v1 paging: page numbers from 1, 60 conversations a page. */
export interface ConversationPageParams extends ConversationWindow {
  pageNumber: number;
}

/** v2 paging: the next 60 conversations after `lastConversationId` (null for the first batch). */
export interface ConversationCursorParams extends Partial<ConversationWindow> {
  lastConversationId: string | null;
}

export interface MessageParams {
  customerId?: string | null;
  /** How many of the newest messages you already have; omitted → the 30 newest. */
  currentCount?: number;
}

export interface PancakeClient {
  readonly stats: HttpStats;
  listPages(): Promise<PancakePage[]>;
  generatePageAccessToken(pageId: string): Promise<string>;
  setPageToken(pageId: string, token: string): void;
  hasPageToken(pageId: string): boolean;
  listConversations(pageId: string, params: ConversationPageParams | ConversationCursorParams): Promise<PancakeConversation[]>;
  listMessages(pageId: string, conversationId: string, params?: MessageParams): Promise<ListMessagesResponse>;
  /**
   * Walks a conversation's messages newest batch first (each batch oldest → newest inside, as the
   * API sends it). Ends on a short or empty batch, or once `expectedCount` messages were seen, which
   * saves the trailing empty call. The caller may stop early by breaking out of the loop.
   */
  iterateMessages(pageId: string, conversationId: string, options?: { customerId?: string | null; expectedCount?: number; startCount?: number }): AsyncIterable<PancakeMessage[]>;
}

export function createPancakeClient(options: PancakeClientOptions = {}): PancakeClient {
  const http = createHttpClient({
    baseUrl: options.baseUrl ?? 'https://pages.fm',
    ...(options.rateLimit !== undefined && { rateLimit: options.rateLimit }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.retries !== undefined && { retries: options.retries }),
    ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
    ...(options.retryMinDelayMs !== undefined && { retryMinDelayMs: options.retryMinDelayMs }),
    ...(options.logger !== undefined && { logger: options.logger }),
  });
  const pageTokens = new Map<string, string>(options.pageTokens instanceof Map ? options.pageTokens : Object.entries(options.pageTokens ?? {}));
  registerSecret(options.accessToken);
  for (const token of pageTokens.values()) registerSecret(token);

  function userAuth(): ApiRequest['auth'] {
    if (!options.accessToken) {
      throw new PancakeArgumentError('accessToken', 'this call needs the user access token (PANCAKE_ACCESS_TOKEN)');
    }
    return { param: 'access_token', token: options.accessToken };
  }

  function pageAuth(pageId: string): ApiRequest['auth'] {
    checkId('pageId', pageId);
    const token = pageTokens.get(pageId);
    if (!token) {
      throw new PancakeArgumentError('pageId', `no page access token for page ${pageId}: call generatePageAccessToken(${pageId}) first or pass it in pageTokens`);
    }
    return { param: 'page_access_token', token };
  }

  function pageGet<T>(pageId: string, path: string, query: Record<string, QueryValue>, base: ApiRequest['base'] = 'page'): Promise<T> {
    return http.request<T>({ method: 'GET', base, path: `/pages/${pageId}${path}`, query, auth: pageAuth(pageId), pageId });
  }

  const client: PancakeClient = {
    stats: http.stats,

    async listPages() {
      const body = await http.request<ListPagesResponse>({ method: 'GET', base: 'user', path: '/pages', auth: userAuth() });
      // The real API answers `categorized.activated`; the OpenAPI description shows `pages`.
      const pages = body.categorized?.activated ?? body.pages;
      if (!Array.isArray(pages)) {
        throw new PancakeError('Pancake listed no pages: the answer had neither categorized.activated nor pages', { kind: 'invalid_response' });
      }
      return pages;
    },

    async generatePageAccessToken(pageId) {
      checkId('pageId', pageId);
      const body = await http.request<GeneratePageTokenResponse>({
        method: 'POST',
        base: 'user',
        path: `/pages/${pageId}/generate_page_access_token`,
        query: { page_id: pageId },
        auth: userAuth(),
        pageId,
      });
      if (typeof body.page_access_token !== 'string' || body.page_access_token === '') {
        throw new PancakeError(`Pancake generated no page token for page ${pageId}`, { kind: 'invalid_response', pageId });
      }
      client.setPageToken(pageId, body.page_access_token);
      return body.page_access_token;
    },

    setPageToken(pageId, token) {
      registerSecret(token);
      pageTokens.set(pageId, token);
    },

    hasPageToken(pageId) {
      return pageTokens.has(pageId);
    },

    async listConversations(pageId, params) {
      if ('pageNumber' in params) {
        if (!Number.isInteger(params.pageNumber) || params.pageNumber < 1) throw new PancakeArgumentError('pageNumber', `must be a whole number ≥ 1, got ${params.pageNumber}`);
        const range = checkRange(params.since, params.until);
        const body = await pageGet<ListConversationsResponse>(pageId, '/conversations', {
          ...range,
          page_number: params.pageNumber,
          order_by: params.orderBy,
          tags: params.tags,
        });
        return conversationsOf(body, pageId);
      }
      const range = params.since !== undefined && params.until !== undefined ? checkRange(params.since, params.until) : {
        since: params.since === undefined ? undefined : toUnixSeconds(params.since),
        until: params.until === undefined ? undefined : toUnixSeconds(params.until),
      };
      const body = await pageGet<ListConversationsResponse>(
        pageId,
        '/conversations',
        { ...range, last_conversation_id: params.lastConversationId ?? undefined, order_by: params.orderBy, tags: params.tags },
        'page_v2',
      );
      return conversationsOf(body, pageId);
    },

    async listMessages(pageId, conversationId, params = {}) {
      checkId('conversationId', conversationId);
      if (params.currentCount !== undefined && (!Number.isInteger(params.currentCount) || params.currentCount < 0)) {
        throw new PancakeArgumentError('currentCount', `must be a whole number ≥ 0, got ${params.currentCount}`);
      }
      const body = await pageGet<ListMessagesResponse>(pageId, `/conversations/${encodeURIComponent(conversationId)}/messages`, {
        customer_id: params.customerId ?? undefined,
        current_count: params.currentCount || undefined,
      });
      if (!Array.isArray(body.messages)) {
        throw new PancakeError(`Pancake sent no messages list for conversation ${conversationId} of page ${pageId}`, { kind: 'invalid_response', pageId });
      }
      return body;
    },

    async *iterateMessages(pageId, conversationId, options = {}) {
      let position = options.startCount ?? 0;
      // Distinct ids, not positions: a message arriving mid-walk shifts the batches by one, and
      // the overlap must not count twice toward expectedCount.
      const seen = new Set<string>();
      for (;;) {
        const body = await client.listMessages(pageId, conversationId, { customerId: options.customerId ?? null, currentCount: position });
        const batch = body.messages;
        if (batch.length > 0) yield batch;
        position += batch.length;
        for (const message of batch) seen.add(String(message.id));
        if (batch.length < MESSAGES_PER_BATCH) return;
        if (options.expectedCount !== undefined && seen.size >= options.expectedCount) return;
      }
    },
  };
  return client;
}

function conversationsOf(body: ListConversationsResponse, pageId: string): PancakeConversation[] {
  if (!Array.isArray(body.conversations)) {
    throw new PancakeError(`Pancake sent no conversations list for page ${pageId}`, { kind: 'invalid_response', pageId });
  }
  return body.conversations;
}

/** Refuses a range the API would refuse, before it leaves the process. */
export function checkRange(since: Instant, until: Instant): { since: number; until: number } {
  const s = toUnixSeconds(since);
  const u = toUnixSeconds(until);
  if (!Number.isFinite(s) || !Number.isFinite(u)) throw new PancakeArgumentError('since/until', 'must be Dates or unix seconds');
  if (u < s) throw new PancakeArgumentError('until', `must not be before since (since=${s}, until=${u})`);
  if (u - s > MAX_RANGE_SECONDS) {
    throw new PancakeArgumentError('until', `the range ${s}..${u} is ${((u - s) / 86_400).toFixed(1)} days; the API allows at most 30 days: split it into windows`);
  }
  return { since: s, until: u };
}

function checkId(name: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200 || /[/?#\s]/.test(value)) {
    throw new PancakeArgumentError(name, `"${String(value)}" is not a valid id`);
  }
}
