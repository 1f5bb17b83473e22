// The request log: every request the server received, in arrival order, as tests and the benchmark
// read it. Tests compare entries and print them on failure, so no token may appear in one: query
// parameters named like tokens are masked, and so are POST body fields named like tokens and any
// known token value inside a string (a wrong token is not in the book, hence both rules).

import type { IncomingMessage } from 'node:http';
import type { Route } from './api.js';
import type { FaultKind } from './faults.js';
import type { TokenBook } from './token-book.js';

/** The route's name (e.g. 'list_conversations', 'list_messages', 'get_page_statistics'); 'unknown' when no route matched. See routes/. */
export type Endpoint = string;

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
  /** True when the API's own rate limit (rateLimitPerSecond) refused it, whatever the answer's form. */
  rateLimited: boolean;
  /** ms since the epoch. */
  startedAt: number;
  finishedAt: number;
  /** Records returned (pages, conversations, messages); null for failures and non-list answers. */
  resultCount: number | null;
  /** The `x-pancake-sync-worker` header: which queue worker sent it; null from anything else. */
  worker: string | null;
}


const SECRET_PARAMS = new Set(['access_token', 'page_access_token']);

/** A new entry for a request that just arrived; the server fills in status and counts as it answers. */
export function logEntry(seq: number, req: IncomingMessage, url: URL, route: Pick<Route, 'endpoint' | 'pageId' | 'conversationId'>, tokenId: string | null, startedAt: number): RequestLogEntry {
  return {
    seq,
    method: req.method ?? 'GET',
    path: url.pathname,
    endpoint: route.endpoint,
    pageId: route.pageId,
    conversationId: route.conversationId,
    query: redactedQuery(url.searchParams),
    body: null,
    tokenId,
    status: 0,
    fault: null,
    rateLimited: false,
    startedAt,
    finishedAt: 0,
    resultCount: null,
    worker: headerValue(req.headers['x-pancake-sync-worker']),
  };
}

function redactedQuery(params: URLSearchParams): Record<string, string> {
  const query = new Map<string, string>();
  for (const [key, value] of params) if (!query.has(key)) query.set(key, SECRET_PARAMS.has(key) ? '***' : value);
  // fromEntries defines own properties, so a hostile key such as __proto__ stays plain data.
  return Object.fromEntries(query);
}

function headerValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** A POST body as JSON (or form fields); null when empty. Unparseable bodies are kept as text. */
export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return null;
  if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const TOKEN_KEY = /access_token|^token$/i;

export function redactBody(body: unknown, tokens: TokenBook): unknown {
  const secrets = [tokens.userToken, ...tokens.retiredUserTokens, ...tokens.tokensByPage.values()];
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return secrets.reduce((text, secret) => text.split(secret).join('***'), value);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      // fromEntries defines own properties, so a hostile key such as __proto__ stays plain data.
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, TOKEN_KEY.test(key) && inner != null ? '***' : walk(inner)]));
    }
    return value;
  };
  return walk(body);
}
