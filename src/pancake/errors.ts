// Error classes of the Pancake client, all of them. The `kind` decides what the runner does: retry
// the request, give up on one page, or stop the run.

export type PancakeErrorKind =
  | 'rate_limit' // HTTP 429 or a 200 body with error_code 429: retry after the server's delay
  | 'server' // 5xx: retry
  | 'network' // reset, refused, DNS: retry
  | 'timeout' // no complete answer in time: retry
  | 'invalid_response' // truncated or non-JSON body: retry (seen under load)
  | 'api' // 200 with success:false and no better clue: retry a bounded number of times
  | 'auth' // a refused token (error_code 102/103/105, 401/403, a token message): see `token` for which one
  | 'bad_request' // 400: our request is wrong, retrying cannot help
  | 'not_found' // 404
  | 'invalid_argument' // refused before sending (window too long, bad page_size, ...)
  | 'interrupted' // not sent: the process is stopping (SIGTERM/SIGINT)
  | 'wait_too_long'; // the server asked to wait (Retry-After) longer than the configured cap

const RETRYABLE: ReadonlySet<PancakeErrorKind> = new Set(['rate_limit', 'server', 'network', 'timeout', 'invalid_response', 'api']);

export class PancakeError extends Error {
  readonly kind: PancakeErrorKind;
  readonly status: number | null;
  /** The request URL with tokens masked. */
  readonly url: string | null;
  readonly pageId: string | null;
  /** Seconds the server asked us to wait (Retry-After), when it said so. */
  readonly retryAfterSeconds: number | null;
  /** The body's `error_code`, when it had one (src/pancake/error-codes.ts). */
  readonly errorCode: number | null;
  /** Which token the refused request carried: the user token or a page token (null: not known). */
  readonly token: 'user' | 'page' | null;

  constructor(
    message: string,
    details: {
      kind: PancakeErrorKind;
      status?: number | null;
      url?: string | null;
      pageId?: string | null;
      retryAfterSeconds?: number | null;
      errorCode?: number | null;
      token?: 'user' | 'page' | null;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PancakeError';
    this.kind = details.kind;
    this.status = details.status ?? null;
    this.url = details.url ?? null;
    this.pageId = details.pageId ?? null;
    this.retryAfterSeconds = details.retryAfterSeconds ?? null;
    this.errorCode = details.errorCode ?? null;
    this.token = details.token ?? null;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

export class PancakeArgumentError extends PancakeError {
  constructor(parameter: string, problem: string) {
    super(`${parameter}: ${problem}`, { kind: 'invalid_argument' });
    this.name = 'PancakeArgumentError';
  }
}

/** Thrown by a library iterator whose walk the API stopped moving forward (see WalkBatch.stuck in window.ts). */
export class StuckWalkError extends PancakeError {
  constructor(readonly cursor: string) {
    super(`Pancake stopped moving the walk forward (${cursor}): the same records came back; the walk was ended instead of looping`, { kind: 'invalid_response' });
    this.name = 'StuckWalkError';
  }
}

/** Transport level (transport.ts): the HTTP exchange took longer than its timeout (named as fetch's timeout errors are). */
export class HttpTimeoutError extends Error {
  override name = 'TimeoutError';
}

export function isRetryable(error: unknown): boolean {
  return error instanceof PancakeError && error.retryable;
}

/** Pancake refused the user token (PANCAKE_ACCESS_TOKEN): invalid, expired or revoked. */
export function isUserTokenRefusal(error: unknown): error is PancakeError {
  return error instanceof PancakeError && error.kind === 'auth' && error.token === 'user';
}

/** Pancake refused a page token (not the user token that generates them). */
export function isPageTokenRefusal(error: unknown): error is PancakeError {
  return error instanceof PancakeError && error.kind === 'auth' && error.token !== 'user';
}
