import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import pRetry from 'p-retry';
import { formatDuration } from '../durations.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { redact, registerSecret } from '../redact.js';
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_RETRY_AFTER_MS, DEFAULT_RATE_LIMIT, DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS } from './defaults.js';
import { PancakeError } from './errors.js';
import { createTokenRateLimiter } from './rate-limiter.js';
import { createTransport, type HttpAnswer, type HttpExchange } from './transport.js';

/** The three API roots of docs/pancake-api.md ("Bases and tokens"). */
export type ApiBase = 'user' | 'page' | 'page_v2';

const BASE_PATHS: Record<ApiBase, string> = {
  user: '/api/v1',
  page: '/api/public_api/v1',
  page_v2: '/api/public_api/v2',
};

export type QueryValue = string | number | boolean | null | undefined | ReadonlyArray<string | number>;

export interface ApiRequest {
  method: 'GET' | 'POST';
  base: ApiBase;
  /** Path below the base, e.g. `/pages/123/conversations`. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** The token and the query parameter that carries it. */
  auth: { param: 'access_token' | 'page_access_token'; token: string };
  /** For error messages and logs: the page this request is about. */
  pageId?: string;
  /**
   * False for writes that must not happen twice (sending a message): only rate limits, which the
   * server refuses before doing anything, are retried. A timeout, reset or 5xx may come after the
   * write took effect, so a retry could send the message again. Default true.
   */
  idempotent?: boolean;
}

export interface HttpClientOptions {
  baseUrl: string;
  /** Requests per second per token. Default 5 (docs/pancake-api.md). */
  rateLimit?: number;
  /** Per attempt, including reading the body. Default 30 s. */
  timeoutMs?: number;
  /** Retries of a failed request (rate limits do not use this budget). Default 6. */
  retries?: number;
  /** Requests in flight at once over all tokens. Default 8. */
  concurrency?: number;
  /** First backoff delay; grows ×2 with jitter per attempt. Default 1000 ms. */
  retryMinDelayMs?: number;
  /** Sent with every request besides accept/content-type (a queue worker names itself in one). */
  headers?: Readonly<Record<string, string>>;
  /** Longest Retry-After obeyed; a request asked to wait longer fails, saying so. Default 5 min. */
  maxRetryAfterMs?: number;
  /** Once aborted, no request is sent any more (those in flight finish): the process is stopping. */
  stopSignal?: AbortSignal;
  logger?: Logger;
  /** Sees every answer the client accepted, before the endpoint reads it (`doctor --capture`). */
  onAnswer?: (answer: ApiAnswer) => void;
}

/** An accepted answer: what was asked (the token left out) and the parsed body. */
export interface ApiAnswer {
  method: ApiRequest['method'];
  base: ApiBase;
  path: string;
  query: Readonly<Record<string, QueryValue>>;
  pageId: string | null;
  body: unknown;
}

export interface HttpStats {
  requests: number;
  retries: number;
  rateLimited: number;
  /** Requests made about each page (what one page's task cost, when many share a client). */
  byPage?: Map<string, number>;
}

export interface HttpClient {
  request<T>(request: ApiRequest): Promise<T>;
  readonly stats: HttpStats;
}

/** Rate limits should never end a run by themselves, but a server that answers nothing else must. */
const MAX_RATE_LIMIT_RETRIES = 100;
/** Waits at least this long are logged with their reason: a run that seems stuck says why. */
const LOGGED_WAIT_MS = 5_000;
const MAX_BACKOFF_MS = 60_000;

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const origin = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = options.retries ?? DEFAULT_RETRIES;
  const minDelay = options.retryMinDelayMs ?? 1000;
  const log = options.logger ?? silentLogger;
  const limiter = createTokenRateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);
  const inFlight = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  const stats: HttpStats = { requests: 0, retries: 0, rateLimited: 0, byPage: new Map() };
  const extraHeaders = options.headers ?? {};
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const stop = options.stopSignal;
  // Every request waiting to retry listens to it (up to `concurrency` at once, removed after the
  // wait): not a leak, so node's warning past 10 listeners would only alarm the user.
  if (stop) setMaxListeners(0, stop);
  const transport = createTransport(options.concurrency ?? DEFAULT_CONCURRENCY);

  /** Waits `ms`, or rejects as soon as the process is stopping (no timer left behind). */
  const pause = async (ms: number): Promise<void> => {
    stop?.throwIfAborted();
    await sleep(ms, undefined, stop ? { signal: stop } : undefined).catch((error: unknown) => {
      throw stop?.aborted ? stop.reason : error;
    });
  };

  async function attempt<T>(request: ApiRequest, url: URL): Promise<T> {
    stop?.throwIfAborted();
    await limiter.acquire(request.auth.token, stop);
    return inFlight(async () => {
      await limiter.beforeSend(request.auth.token);
      stop?.throwIfAborted();
      stats.requests += 1;
      if (request.pageId !== undefined) stats.byPage?.set(request.pageId, (stats.byPage.get(request.pageId) ?? 0) + 1);
      const exchange: HttpExchange =
        request.body === undefined
          ? { method: request.method, timeoutMs, headers: { ...extraHeaders, accept: 'application/json' } }
          : { method: request.method, timeoutMs, headers: { ...extraHeaders, accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(request.body) };
      let answer: HttpAnswer;
      try {
        answer = await transport.send(url, exchange);
      } catch (error) {
        throw transportError(error, url, request.pageId);
      }
      const body = interpret<T>(answer, url, request.pageId);
      options.onAnswer?.({ method: request.method, base: request.base, path: request.path, query: request.query ?? {}, pageId: request.pageId ?? null, body });
      return body;
    });
  }

  async function request<T>(request: ApiRequest): Promise<T> {
    registerSecret(request.auth.token);
    const url = buildUrl(origin, request);
    let rateLimitRetries = 0;
    const mayRetry = (error: unknown): error is PancakeError =>
      error instanceof PancakeError && error.retryable && (request.idempotent !== false || error.kind === 'rate_limit');
    const where = request.pageId ? ` for page ${request.pageId}` : '';
    return pRetry(() => attempt<T>(request, url), {
      retries,
      // The waits between attempts are ours (below): logged when long, cut short when stopping.
      minTimeout: 0,
      maxTimeout: 0,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft, retriesConsumed }) => {
        if (!mayRetry(error) || retriesLeft <= 0) return;
        stats.retries += 1;
        let reason = `${error.kind}${error.status ? ` (HTTP ${error.status})` : ''}`;
        if (error.kind === 'rate_limit') {
          stats.rateLimited += 1;
          rateLimitRetries += 1;
          const askedMs = (error.retryAfterSeconds ?? 1) * 1000;
          if (askedMs > maxRetryAfterMs) {
            throw new PancakeError(
              `Pancake asked to wait ${formatDuration(askedMs)} before the next request${where} (Retry-After), more than PANCAKE_MAX_RETRY_AFTER (${formatDuration(maxRetryAfterMs)}): ` +
                'this request was given up. Run again later, or raise PANCAKE_MAX_RETRY_AFTER to wait that long.',
              { kind: 'wait_too_long', status: error.status, url: error.url, pageId: error.pageId, retryAfterSeconds: error.retryAfterSeconds, cause: error },
            );
          }
          // Retry-After (or a short default) holds back every request of this token.
          limiter.pause(request.auth.token, askedMs);
          if (askedMs >= LOGGED_WAIT_MS) log.warn({ url: redact(url.toString()), waitMs: askedMs }, `Pancake rate limit${where}: waiting ${formatDuration(askedMs)} as it asked (Retry-After)`);
          reason = 'rate limit';
        }
        const delay = Math.min(MAX_BACKOFF_MS, Math.round(minDelay * 2 ** retriesConsumed * (1 + Math.random())));
        if (delay >= LOGGED_WAIT_MS) log.warn({ url: redact(url.toString()), waitMs: delay }, `waiting ${formatDuration(delay)} before retrying a Pancake request${where} after ${reason} (attempt ${attemptNumber + 1})`);
        else log.debug({ url: redact(url.toString()), kind: error.kind, status: error.status, attemptNumber, retriesLeft }, 'retrying Pancake request');
        await pause(delay);
      },
      shouldConsumeRetry: ({ error }) => !(error instanceof PancakeError && error.kind === 'rate_limit' && rateLimitRetries <= MAX_RATE_LIMIT_RETRIES),
      shouldRetry: ({ error }) => mayRetry(error),
    });
  }

  return { request, stats };
}

export function buildUrl(origin: string, request: ApiRequest): URL {
  const url = new URL(`${origin}${BASE_PATHS[request.base]}${request.path}`);
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) url.searchParams.append(key, String(item));
    } else {
      url.searchParams.set(key, String(value));
    }
  }
  url.searchParams.set(request.auth.param, request.auth.token);
  return url;
}

function transportError(error: unknown, url: URL, pageId: string | undefined): PancakeError {
  const safeUrl = redact(url.toString());
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new PancakeError(`Pancake did not answer in time${pageId ? ` for page ${pageId}` : ''}: ${safeUrl}. If it keeps happening, raise PANCAKE_TIMEOUT (e.g. PANCAKE_TIMEOUT=60s)`, { kind: 'timeout', url: safeUrl, pageId: pageId ?? null });
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
  const reason = redact([error instanceof Error ? error.message : String(error), cause].filter(Boolean).join(': '));
  return new PancakeError(`Could not reach Pancake (${reason}): ${safeUrl}. Check the network and PANCAKE_BASE_URL`, { kind: 'network', url: safeUrl, pageId: pageId ?? null });
}

function interpret<T>(answer: HttpAnswer, url: URL, pageId: string | undefined): T {
  const { status, text } = answer;
  let body: unknown;
  let parsed = true;
  try {
    body = text.length === 0 ? null : JSON.parse(text);
  } catch {
    parsed = false;
  }
  // The common case, a success, reads nothing more: the rest only words a failure.
  if (status >= 200 && status < 400 && parsed && !(isRecord(body) && body.success === false)) return body as T;
  const safeUrl = redact(url.toString());
  const where = pageId ? ` for page ${pageId}` : '';
  const message = parsed ? bodyMessage(body) : null;
  const base = { status, url: safeUrl, pageId: pageId ?? null };

  if (status === 429 || (parsed && isRecord(body) && body.success === false && (body.error_code === 429 || /too many/i.test(message ?? '')))) {
    return fail(`Pancake rate limit${where}, longer than the retries waited: lower PANCAKE_RATE_LIMIT (e.g. PANCAKE_RATE_LIMIT=2) or run again later; the next run resumes where this one stopped`, { ...base, kind: 'rate_limit', retryAfterSeconds: retryAfter(answer) });
  }
  if (status === 401 || status === 403) {
    return fail(
      `Pancake refused the token${where} (HTTP ${status}${message ? `: ${redact(message)}` : ''}). The token is wrong, revoked or lacks access to this page: generate a new one in Pancake and update your configuration.`,
      { ...base, kind: 'auth' },
    );
  }
  if (status === 404) return fail(`Pancake has no such resource${where} (HTTP 404${message ? `: ${redact(message)}` : ''}): ${safeUrl}`, { ...base, kind: 'not_found' });
  if (status >= 500 || status === 408) return fail(`Pancake server error${where} (HTTP ${status}): ${safeUrl}. Run again later; the next run resumes where this one stopped`, { ...base, kind: 'server' });
  if (status >= 400) {
    return fail(`Pancake rejected the request${where} (HTTP ${status}${message ? `: ${redact(message)}` : ''}): ${safeUrl}`, { ...base, kind: 'bad_request' });
  }
  if (!parsed) {
    return fail(`Pancake sent a body that is not valid JSON${where} (${text.length} bytes): ${safeUrl}`, { ...base, kind: 'invalid_response' });
  }
  if (isRecord(body) && body.success === false) {
    // A failure dressed as success. Token problems are final; anything else may pass.
    const kind = /token|permission|expired|unauthori[sz]ed/i.test(message ?? '') ? 'auth' : 'api';
    return fail(`Pancake answered success:false${where}: ${redact(message ?? 'no message')}`, { ...base, kind });
  }
  return body as T;
}

function fail(message: string, details: ConstructorParameters<typeof PancakeError>[1]): never {
  throw new PancakeError(message, details);
}

function bodyMessage(body: unknown): string | null {
  if (!isRecord(body)) return null;
  for (const key of ['message', 'error', 'error_message']) {
    const value = body[key];
    if (typeof value === 'string' && value) return value;
  }
  return null;
}

function retryAfter(answer: HttpAnswer): number | null {
  const header = answer.header('retry-after');
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, (date - Date.now()) / 1000);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
