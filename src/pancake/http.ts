import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import pRetry from 'p-retry';
import { formatDuration } from '../durations.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { redact, registerSecret } from '../redact.js';
import { sleep } from '../sleep.js';
import { interpret, transportError } from './answers.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_RATE_LIMIT,
  DEFAULT_RATE_LIMIT_RUN_WAIT_MS,
  DEFAULT_RATE_LIMIT_WAIT_MS,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
} from './defaults.js';
import { PancakeError } from './errors.js';
import { createTokenRateLimiter, type TokenPace } from './rate-limiter.js';
import { createTransport, type HttpAnswer, type HttpExchange } from './transport.js';

export { isRecord } from './answers.js';

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

/** The client's HTTP options, declared once: `PancakeClientOptions` (client.ts) adds the endpoints' own. */
export interface HttpClientOptions {
  baseUrl: string;
  /** Requests per second per token: where the adaptive pace starts, and its ceiling. Default 5 (docs/pancake-api.md). */
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
  /** Longest Retry-After obeyed; a request asked to wait longer fails with kind `wait_too_long`. Default 5 min. */
  maxRetryAfterMs?: number;
  /** How long one request may keep being rate-limited before it fails (kind `wait_too_long`). Default 5 min. */
  rateLimitWaitMs?: number;
  /** How long a page's token may spend rate-limited (a rate-limited answer to the next success) over the client's run before its requests fail. Default 1 h. */
  rateLimitRunWaitMs?: number;
  /** Once aborted, no request is sent any more (kind `interrupted`; those in flight finish): the process is stopping. */
  stopSignal?: AbortSignal;
  logger?: Logger;
  /** Sees every answer the client accepted (the request without its token, the parsed body), before the endpoint reads it (`doctor --capture`). */
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
  /** Rate-limited answers (HTTP 429 or error_code 429). */
  rateLimited: number;
  /** Requests made about each page (what one page's task cost, when many share a client). */
  byPage?: Map<string, number>;
}

export interface HttpClient {
  request<T>(request: ApiRequest): Promise<T>;
  readonly stats: HttpStats;
  readonly pacing: Pacing;
}

/** The adaptive pace of each token (src/pancake/rate-limiter.ts), as a run reports it. */
export interface Pacing {
  /** Each page token's pace, by page id (only pages that made a request). */
  byPage(): Map<string, TokenPace>;
  /** The user token's (page list, page tokens), or null if it made no request. */
  user(): TokenPace | null;
  /** Starts the page's run wait budget afresh (a queue worker's next task of the page). */
  startRun(pageId: string): void;
}

/** Waits at least this long are logged with their reason: a run that seems stuck says why. */
const LOGGED_WAIT_MS = 5_000;
const MAX_BACKOFF_MS = 60_000;
/** The pause after a rate-limited answer without Retry-After (Pancake sends none: docs/pancake-api.md). */
const DEFAULT_RATE_LIMIT_PAUSE_MS = 1_000;
/** A token that keeps being rate-limited says so at most this often. */
const SPELL_LOG_EVERY_MS = 60_000;

/** Requests with a page token are paced per page (Pancake's limit is per page); the user token's apart. */
function paceKey(request: ApiRequest): string {
  return request.auth.param === 'page_access_token' && request.pageId !== undefined ? `page:${request.pageId}` : 'user';
}

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
  const requestWaitMs = options.rateLimitWaitMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
  const runWaitMs = options.rateLimitRunWaitMs ?? DEFAULT_RATE_LIMIT_RUN_WAIT_MS;
  const stop = options.stopSignal;
  const pacedPages = new Set<string>();
  let userPaced = false;
  const spellLoggedAt = new Map<string, number>();
  // Every request waiting to retry listens to it (up to `concurrency` at once, removed after the
  // wait): not a leak, so node's warning past 10 listeners would only alarm the user.
  if (stop) setMaxListeners(0, stop);
  const transport = createTransport(options.concurrency ?? DEFAULT_CONCURRENCY);

  /** Waits `ms`, or rejects as soon as the process is stopping (no timer left behind). */
  const pause = async (ms: number): Promise<void> => {
    stop?.throwIfAborted();
    await sleep(ms, stop);
  };

  async function attempt<T>(request: ApiRequest, url: URL, key: string): Promise<T> {
    stop?.throwIfAborted();
    await limiter.acquire(key, stop);
    return inFlight(async () => {
      await limiter.beforeSend(key);
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
      let body: T;
      try {
        body = interpret<T>(answer, { url, pageId: request.pageId, token: request.auth.param === 'access_token' ? 'user' : 'page' });
      } catch (error) {
        // Any answer but a rate limit ends a rate-limited spell (a 404 is no reason to slow down).
        if (!(error instanceof PancakeError && error.kind === 'rate_limit')) limiter.answered(key);
        throw error;
      }
      limiter.answered(key);
      options.onAnswer?.({ method: request.method, base: request.base, path: request.path, query: request.query ?? {}, pageId: request.pageId ?? null, body });
      return body;
    });
  }

  /**
   * A rate-limited answer: the token's pace goes down and its requests pause. Throws (kind
   * `wait_too_long`) when waiting more would pass Retry-After's cap or a wait budget: of this
   * request since its first rate-limited answer, or of the page over the run.
   */
  function onRateLimited(error: PancakeError, key: string, limitedSince: number, where: string, url: URL): number {
    const askedMs = error.retryAfterSeconds === null ? DEFAULT_RATE_LIMIT_PAUSE_MS : error.retryAfterSeconds * 1000;
    const giveUp = (message: string): never => {
      throw new PancakeError(message, { kind: 'wait_too_long', status: error.status, url: error.url, pageId: error.pageId, retryAfterSeconds: error.retryAfterSeconds, errorCode: error.errorCode, token: error.token, cause: error });
    };
    if (askedMs > maxRetryAfterMs) {
      giveUp(
        `Pancake asked to wait ${formatDuration(askedMs)} before the next request${where} (Retry-After), more than PANCAKE_MAX_RETRY_AFTER (${formatDuration(maxRetryAfterMs)}): ` +
          'this request was given up. Run again later, or raise PANCAKE_MAX_RETRY_AFTER to wait that long.',
      );
    }
    const spentMs = Date.now() - limitedSince;
    if (spentMs + askedMs > requestWaitMs) {
      giveUp(
        `Pancake kept rate-limiting a request${where} for ${formatDuration(spentMs)}, and PANCAKE_RATE_LIMIT_WAIT allows ${formatDuration(requestWaitMs)}: the page was given up for this run. ` +
          "Another integration of the shop may be using the page's share of the limit: run again later, or raise PANCAKE_RATE_LIMIT_WAIT; the next run resumes where this one stopped.",
      );
    }
    if (limiter.pace(key).heldMs + askedMs > runWaitMs) {
      giveUp(
        `Pancake has rate-limited the requests${where} for ${formatDuration(limiter.pace(key).heldMs)} in this run, and PANCAKE_RATE_LIMIT_RUN_WAIT allows ${formatDuration(runWaitMs)}: the page was given up for this run. ` +
          "Another integration of the shop may be using the page's share of the limit: run again later, or raise PANCAKE_RATE_LIMIT_RUN_WAIT; the next run resumes where this one stopped.",
      );
    }
    limiter.rateLimited(key, askedMs);
    const pace = limiter.pace(key);
    const now = Date.now();
    if (askedMs >= LOGGED_WAIT_MS) log.warn({ url: redact(url.toString()), waitMs: askedMs }, `Pancake rate limit${where}: waiting ${formatDuration(askedMs)} as it asked (Retry-After)`);
    else if (now - (spellLoggedAt.get(key) ?? -Infinity) >= SPELL_LOG_EVERY_MS && pace.rateLimited > 1) {
      spellLoggedAt.set(key, now);
      log.warn(
        { pace: Number(pace.rate.toFixed(2)), rateLimited: pace.rateLimited, heldMs: pace.heldMs },
        `Pancake is rate-limiting the requests${where} (${pace.rateLimited} rate-limited answers so far): pacing at ${pace.rate.toFixed(2)} requests/s and waiting; ` +
          "the page's limit is shared with the shop's other integrations",
      );
    }
    // The pause holds every request of the token; a little jitter keeps them from returning at once.
    return Math.round(Math.random() * minDelay);
  }

  async function request<T>(request: ApiRequest): Promise<T> {
    registerSecret(request.auth.token);
    const url = buildUrl(origin, request);
    const key = paceKey(request);
    if (key === 'user') userPaced = true;
    else if (request.pageId !== undefined) pacedPages.add(request.pageId);
    let limitedSince: number | null = null;
    const mayRetry = (error: unknown): error is PancakeError =>
      error instanceof PancakeError && error.retryable && (request.idempotent !== false || error.kind === 'rate_limit');
    const where = request.pageId ? ` for page ${request.pageId}` : '';
    return pRetry(() => attempt<T>(request, url, key), {
      retries,
      // The waits between attempts are ours (below): logged when long, cut short when stopping.
      minTimeout: 0,
      maxTimeout: 0,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft, retriesConsumed }) => {
        if (error instanceof PancakeError && error.kind === 'rate_limit') stats.rateLimited += 1;
        if (!mayRetry(error) || retriesLeft <= 0) return;
        stats.retries += 1;
        if (error.kind === 'rate_limit') {
          limitedSince ??= Date.now();
          await pause(onRateLimited(error, key, limitedSince, where, url));
          return;
        }
        const reason = `${error.kind}${error.status ? ` (HTTP ${error.status})` : ''}`;
        const delay = Math.min(MAX_BACKOFF_MS, Math.round(minDelay * 2 ** retriesConsumed * (1 + Math.random())));
        if (delay >= LOGGED_WAIT_MS) log.warn({ url: redact(url.toString()), waitMs: delay }, `waiting ${formatDuration(delay)} before retrying a Pancake request${where} after ${reason} (attempt ${attemptNumber + 1})`);
        else log.debug({ url: redact(url.toString()), kind: error.kind, status: error.status, attemptNumber, retriesLeft }, 'retrying Pancake request');
        await pause(delay);
      },
      // Rate limits do not use up retries: the wait budgets bound them instead.
      shouldConsumeRetry: ({ error }) => !(error instanceof PancakeError && error.kind === 'rate_limit'),
      shouldRetry: ({ error }) => mayRetry(error),
    });
  }

  const pacing: Pacing = {
    byPage: () => new Map([...pacedPages].map((pageId) => [pageId, limiter.pace(`page:${pageId}`)])),
    user: () => (userPaced ? limiter.pace('user') : null),
    startRun: (pageId) => limiter.resetHeld(`page:${pageId}`),
  };
  return { request, stats, pacing };
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
