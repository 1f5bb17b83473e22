// The API's rules, independent of HTTP: which route a request hits, whether its token may use it,
// which parameters it must send, and what the real API answers. The server adds the transport
// concerns (latency, rate limits, faults, the request log) around this.

import type { PancakeConversation } from '../pancake/types.js';
import type { SimulatorData } from './data.js';
import { type ConversationFilter, type ConversationViews, type OrderField, messageBatch, pageAfter, pageByNumber } from './listing.js';
import type { TokenBook } from './tokens.js';
import type { Endpoint } from './types.js';

export interface Route {
  endpoint: Endpoint;
  pageId: string | null;
  conversationId: string | null;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  resultCount: number | null;
}

/** The real API's one-month limit on until - since (pancake-api.md: 30 × 86 400 s is the hard limit). */
export const MAX_RANGE_SECONDS = 30 * 86_400;

const ROUTES: Array<{ method: string; pattern: RegExp; endpoint: Endpoint }> = [
  { method: 'GET', pattern: /^\/api\/v1\/pages$/, endpoint: 'list_pages' },
  { method: 'POST', pattern: /^\/api\/v1\/pages\/([^/]+)\/generate_page_access_token$/, endpoint: 'generate_page_token' },
  { method: 'GET', pattern: /^\/api\/public_api\/v1\/pages\/([^/]+)\/conversations$/, endpoint: 'list_conversations' },
  { method: 'GET', pattern: /^\/api\/public_api\/v2\/pages\/([^/]+)\/conversations$/, endpoint: 'list_conversations_v2' },
  { method: 'GET', pattern: /^\/api\/public_api\/v1\/pages\/([^/]+)\/conversations\/([^/]+)\/messages$/, endpoint: 'list_messages' },
];

function decode(part: string | undefined): string | null {
  if (part === undefined) return null;
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function matchRoute(method: string, path: string): Route {
  for (const route of ROUTES) {
    const m = route.method === method ? route.pattern.exec(path) : null;
    if (m) return { endpoint: route.endpoint, pageId: decode(m[1]), conversationId: decode(m[2]) };
  }
  return { endpoint: 'unknown', pageId: null, conversationId: null };
}

const USER_ENDPOINTS: ReadonlySet<Endpoint> = new Set(['list_pages', 'generate_page_token']);

/** Who a request's token belongs to, for the log and the per-token rate limit. */
export function tokenOf(route: Route, query: URLSearchParams, tokens: TokenBook): { raw: string | null; id: string | null } {
  const userRaw = query.get('access_token');
  const pageRaw = query.get('page_access_token');
  const userId = userRaw !== null && userRaw === tokens.userToken ? 'user' : null;
  const pageId = pageRaw !== null ? (tokens.pagesByToken.get(pageRaw) ?? null) : null;
  if (USER_ENDPOINTS.has(route.endpoint)) return { raw: userRaw, id: userId };
  if (route.endpoint !== 'unknown') return { raw: pageRaw, id: pageId };
  return { raw: userRaw ?? pageRaw, id: userId ?? pageId };
}

const fail = (status: number, message: string): ApiResponse => ({ status, body: { success: false, message }, resultCount: null });

class BadParam extends Error {}

function intParam(query: URLSearchParams, name: string, required: boolean, min = Number.MIN_SAFE_INTEGER): number | null {
  const raw = query.get(name);
  if (raw === null || raw === '') {
    if (required) throw new BadParam(`${name} is required`);
    return null;
  }
  if (!/^-?\d+$/.test(raw)) throw new BadParam(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (value < min) throw new BadParam(`${name} must be >= ${min}`);
  return value;
}

function orderParam(query: URLSearchParams, fallback: OrderField): OrderField {
  const raw = query.get('order_by');
  if (raw === null || raw === '') return fallback;
  if (raw === 'inserted_at' || raw === 'updated_at') return raw;
  throw new BadParam(`order_by must be inserted_at or updated_at, got ${JSON.stringify(raw)}`);
}

function rangeParams(query: URLSearchParams, required: boolean): Pick<ConversationFilter, 'since' | 'until'> {
  const since = intParam(query, 'since', required);
  const until = intParam(query, 'until', required);
  if (since !== null && until !== null) {
    if (until < since) throw new BadParam('since must be less than or equal to until');
    if (until - since > MAX_RANGE_SECONDS) throw new BadParam('Time range must be less than or equal to one month');
  }
  return { since, until };
}

function tagParam(query: URLSearchParams): string[] | null {
  const raw = query.get('tags');
  if (raw === null || raw.trim() === '') return null;
  return raw.split(',').map((t) => t.trim()).filter((t) => t !== '');
}

export interface ApiContext {
  data: SimulatorData;
  tokens: TokenBook;
  views: ConversationViews;
}

/** Answers one request as the real API would (statuses, messages and shapes from pancake-api.md). */
export function handle(route: Route, query: URLSearchParams, ctx: ApiContext): ApiResponse {
  if (route.endpoint === 'unknown') return fail(404, 'Not found');
  const { data, tokens } = ctx;

  if (USER_ENDPOINTS.has(route.endpoint)) {
    if (query.get('access_token') !== tokens.userToken) return fail(401, 'Invalid access_token');
    if (route.endpoint === 'list_pages') {
      const pages = data.pages;
      const body = { success: true, categorized: { activated: pages, activated_page_ids: pages.map((p) => p.id), hidden: [], inactivated: [], nopermission: [] } };
      return { status: 200, body, resultCount: pages.length };
    }
    const pageId = route.pageId ?? '';
    if (!data.pages.some((p) => p.id === pageId)) return fail(404, 'Page not found');
    const queryPageId = query.get('page_id');
    if (queryPageId !== null && queryPageId !== pageId) return fail(400, 'page_id does not match the page in the path');
    const token = tokens.tokensByPage.get(pageId) ?? '';
    return { status: 200, body: { success: true, message: 'Generate page access token successfully', page_access_token: token }, resultCount: null };
  }

  const token = query.get('page_access_token');
  const owner = token === null ? undefined : tokens.pagesByToken.get(token);
  if (owner === undefined) return fail(401, 'Invalid page_access_token');
  const pageId = route.pageId ?? '';
  if (!data.pages.some((p) => p.id === pageId)) return fail(404, 'Page not found');
  if (owner !== pageId) return fail(403, 'The page_access_token does not belong to this page');

  try {
    if (route.endpoint === 'list_messages') return listMessages(route, query, ctx, pageId);
    // Seen in the wild: the type[] filter crashes the real API.
    if (query.has('type[]')) return fail(500, 'Internal server error');
    if (route.endpoint === 'list_conversations') {
      const { since, until } = rangeParams(query, true);
      const pageNumber = intParam(query, 'page_number', true, 1) as number;
      const field = orderParam(query, 'inserted_at');
      const rows = ctx.views.sorted(pageId, field);
      const conversations = pageByNumber(rows, { since, until, tagIds: tagParam(query) }, pageNumber);
      return { status: 200, body: { success: true, conversations }, resultCount: conversations.length };
    }
    const { since, until } = rangeParams(query, false);
    const field = orderParam(query, 'updated_at');
    const lastId = query.get('last_conversation_id');
    let after: PancakeConversation | null = null;
    if (lastId !== null && lastId !== '') {
      after = data.conversationById.get(lastId) ?? null;
      if (!after || after.page_id !== pageId) throw new BadParam(`last_conversation_id ${JSON.stringify(lastId)} not found`);
    }
    const conversations = pageAfter(ctx.views.sorted(pageId, field), { since, until, tagIds: tagParam(query) }, after);
    return { status: 200, body: { success: true, conversations }, resultCount: conversations.length };
  } catch (error) {
    if (error instanceof BadParam) return fail(400, error.message);
    throw error;
  }
}

function listMessages(route: Route, query: URLSearchParams, ctx: ApiContext, pageId: string): ApiResponse {
  const conversationId = route.conversationId ?? '';
  const conversation = ctx.data.conversationById.get(conversationId);
  if (!conversation || conversation.page_id !== pageId) return fail(404, 'Conversation not found');
  const currentCount = intParam(query, 'current_count', false, 0) ?? 0;
  const messages = messageBatch(ctx.data.messages.get(conversationId) ?? [], currentCount);
  const body = {
    success: true,
    conversation_id: conversationId,
    messages,
    customers: conversation.customers ?? [],
    activities: [],
    recent_phone_numbers: conversation.recent_phone_numbers ?? [],
    read_watermarks: [],
  };
  return { status: 200, body, resultCount: messages.length };
}
