import { PancakeArgumentError } from './errors.js';
import type { ApiRequest, HttpClient, QueryValue } from './http.js';
import { PAGE_ID_FORM, pageIdProblem, showId } from '../page-ids.js';
import { registerSecret } from '../redact.js';

/**
 * What every endpoint module needs: the HTTP client and the tokens. Endpoint families live in
 * endpoints/, one file each, and client.ts composes them into one PancakeClient.
 */
export interface EndpointContext {
  http: HttpClient;
  /** IANA zone used to format date_range strings. */
  timezone: string;
  userAuth(): ApiRequest['auth'];
  pageAuth(pageId: string): ApiRequest['auth'];
  setPageToken(pageId: string, token: string): void;
  hasPageToken(pageId: string): boolean;
  pageGet<T>(pageId: string, path: string, query?: Record<string, QueryValue>, base?: ApiRequest['base']): Promise<T>;
  pagePost<T>(pageId: string, path: string, body: unknown, query?: Record<string, QueryValue>, options?: { idempotent?: boolean }): Promise<T>;
}

export function createEndpointContext(http: HttpClient, options: { accessToken?: string | undefined; pageTokens: Map<string, string>; timezone: string }): EndpointContext {
  const { pageTokens } = options;
  registerSecret(options.accessToken);
  for (const token of pageTokens.values()) registerSecret(token);
  const ctx: EndpointContext = {
    http,
    timezone: options.timezone,
    userAuth() {
      if (!options.accessToken) throw new PancakeArgumentError('accessToken', 'this call needs the user access token (PANCAKE_ACCESS_TOKEN)');
      return { param: 'access_token', token: options.accessToken };
    },
    pageAuth(pageId) {
      checkPageId('pageId', pageId);
      const token = pageTokens.get(pageId);
      if (!token) {
        throw new PancakeArgumentError('pageId', `no page access token for page ${pageId}: call generatePageAccessToken(${pageId}) first or pass it in pageTokens`);
      }
      return { param: 'page_access_token', token };
    },
    setPageToken(pageId, token) {
      registerSecret(token);
      pageTokens.set(pageId, token);
    },
    hasPageToken: (pageId) => pageTokens.has(pageId),
    pageGet: (pageId, path, query = {}, base = 'page') => http.request({ method: 'GET', base, path: pagePath(pageId, path), query, auth: ctx.pageAuth(pageId), pageId }),
    pagePost: (pageId, path, body, query = {}, options = {}) =>
      http.request({ method: 'POST', base: 'page', path: pagePath(pageId, path), query, body, auth: ctx.pageAuth(pageId), pageId, ...(options.idempotent === false && { idempotent: false }) }),
  };
  return ctx;
}

/** `/pages/<id><rest>`, the id checked and percent-encoded: it is one path segment whatever it holds. */
export function pagePath(pageId: string, rest = ''): string {
  checkPageId('pageId', pageId);
  return `/pages/${encodeURIComponent(pageId)}${rest}`;
}

/** A page id goes into URL paths, folder names and lists: src/page-ids.ts is the one check. */
export function checkPageId(name: string, value: unknown): asserts value is string {
  const problem = pageIdProblem(value);
  if (problem !== null) throw new PancakeArgumentError(name, `${showId(value)} ${problem} (ids are ${PAGE_ID_FORM})`);
}

/**
 * Other ids (a conversation's, a call's) go into URL paths too, percent-encoded: refuse what a path
 * would still read as structure (`.` and `..` are dot segments even encoded), and what no id holds.
 */
export function checkId(name: string, value: unknown): asserts value is string {
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || value.length === 0 || value.length > 200 || value === '.' || value === '..' || /[/?#\s\u0000-\u001f\u007f]/.test(value)) {
    throw new PancakeArgumentError(name, `${showId(value)} is not a valid id`);
  }
}
