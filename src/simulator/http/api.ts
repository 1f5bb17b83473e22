// The API's rules, independent of HTTP: which route a request hits, whether its token may use it,
// and what the real API answers. The routes themselves live in routes/, one file per family; the
// server adds the transport concerns (latency, rate limits, faults, the request log) around this.

import { BadParam, fail, type ApiResponse } from './routes/params.js';
import { listStatusOf, type ApiContext, type RouteDefinition } from './routes/route.js';
import { conversationRoutes } from './routes/conversations.js';
import { entityRoutes } from './routes/customers-calls-posts.js';
import { pageRoutes } from './routes/pages.js';
import { statisticsRoutes } from './routes/statistics.js';
import { writeRoutes } from './routes/writes.js';
import type { TokenBook } from './token-book.js';

export type { ApiContext, ApiResponse };

// Statistics come before the entities: new-customer statistics share page_customers' path (`accepts`).
const ROUTES: RouteDefinition[] = [...pageRoutes, ...statisticsRoutes, ...conversationRoutes, ...writeRoutes, ...entityRoutes];

export interface Route {
  endpoint: string;
  pageId: string | null;
  conversationId: string | null;
  definition: RouteDefinition | null;
  params: Array<string | null>;
}

function decode(part: string | undefined): string | null {
  if (part === undefined) return null;
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function matchRoute(method: string, path: string, query: URLSearchParams = new URLSearchParams()): Route {
  for (const definition of ROUTES) {
    const m = definition.method === method ? definition.pattern.exec(path) : null;
    if (!m || (definition.accepts && !definition.accepts(query))) continue;
    const params = m.slice(1).map(decode);
    const conversationId = definition.conversationParam === undefined ? null : (params[definition.conversationParam] ?? null);
    return { endpoint: definition.endpoint, pageId: params[0] ?? null, conversationId, definition, params };
  }
  return { endpoint: 'unknown', pageId: null, conversationId: null, definition: null, params: [] };
}

/** Who a request's token belongs to, for the log and the per-token rate limit. */
export function tokenOf(route: Route, query: URLSearchParams, tokens: TokenBook): { raw: string | null; id: string | null } {
  const userRaw = query.get('access_token');
  const pageRaw = query.get('page_access_token');
  const userId = userRaw !== null && userRaw === tokens.userToken ? 'user' : null;
  const pageId = pageRaw !== null ? (tokens.pagesByToken.get(pageRaw) ?? null) : null;
  if (route.definition?.auth === 'user') return { raw: userRaw, id: userId };
  if (route.definition) return { raw: pageRaw, id: pageId };
  return { raw: userRaw ?? pageRaw, id: userId ?? pageId };
}

/** Answers one request as the real API would (statuses, messages and shapes from docs/pancake-api.md). */
const failWithCode = (code: number, message: string): ApiResponse => ({ status: 200, body: { success: false, message, error_code: code }, resultCount: null });

export function handle(route: Route, query: URLSearchParams, body: unknown, ctx: ApiContext, applyEffects = true): ApiResponse {
  const definition = route.definition;
  if (!definition) return fail(404, 'Not found');
  const { data, tokens } = ctx;
  if (definition.auth === 'user') {
    const token = query.get('access_token');
    // An expired or replaced user token, as Pancake words them: HTTP 200 with an error_code
    // (docs/pancake-api.md, "Responses, errors, limits": 102 seen as HTTP 200 in a live probe).
    if (token !== null && token === tokens.userToken && tokens.userTokenExpired) return failWithCode(103, 'access_token has expired');
    if (token !== null && tokens.retiredUserTokens.has(token)) return failWithCode(102, 'Invalid access_token');
    if (token !== tokens.userToken) return fail(401, 'Invalid access_token');
  } else {
    const token = query.get('page_access_token');
    const owner = token === null ? undefined : tokens.pagesByToken.get(token);
    if (owner === undefined) return fail(401, 'Invalid page_access_token');
    if (!data.pages.some((p) => p.id === route.pageId) || listStatusOf(ctx, route.pageId ?? '') === null) return fail(404, 'Page not found');
    if (owner !== route.pageId) return fail(403, 'The page_access_token does not belong to this page');
    if (listStatusOf(ctx, route.pageId ?? '') === 'nopermission') return fail(403, 'You do not have permission on this page');
  }
  try {
    return definition.handle({ params: route.params, pageId: route.pageId, query, body, ctx, applyEffects });
  } catch (error) {
    if (error instanceof BadParam) return fail(400, error.message);
    throw error;
  }
}
