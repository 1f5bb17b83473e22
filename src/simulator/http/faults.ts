// Fault injection: the ways the real API and the network in front of it fail. Every kind here is one
// a client must survive (retry, back off, or fail loudly), and the draw is seeded so a failing test
// replays the same faults on the same requests.

import type { ServerResponse } from 'node:http';
import { Random, hashSeed } from '../shop/random.js';

export type FaultKind = 'rate_limit' | 'rate_limit_body' | 'server_error' | 'timeout' | 'reset' | 'truncated' | 'non_json' | 'success_false' | 'expired_token';

/** The faults a client must ride out: a retry gets the same answer as a fault-free request. */
export const TRANSIENT_FAULT_KINDS: readonly FaultKind[] = ['rate_limit', 'rate_limit_body', 'server_error', 'timeout', 'reset', 'truncated', 'non_json', 'success_false'];

/** Every kind; 'expired_token' (HTTP 401) is fatal for the page by design, so it is only drawn when asked for. */
export const FAULT_KINDS: readonly FaultKind[] = [...TRANSIENT_FAULT_KINDS, 'expired_token'];

export interface FaultOptions {
  /** Probability in [0, 1] that a request gets a fault. */
  rate: number;
  /** Default: TRANSIENT_FAULT_KINDS (all but 'expired_token'). */
  kinds?: FaultKind[];
  /** Default: the data seed. */
  seed?: number;
  /** How long a 'timeout' hangs before answering normally; default 30000. */
  timeoutMs?: number;
  /** Retry-After (seconds) of a 'rate_limit' fault; default 1, as the API's own rate limit. */
  retryAfterSeconds?: number;
  /** Only requests about these pages get faults (default: every request), e.g. one broken page. */
  pageIds?: string[];
}

export const TOO_MANY_REQUESTS = { success: false, message: 'Too many requests', error_code: 429 } as const;

/** What a page token that ran out answers (HTTP 401): a client must stop, not retry. */
export const TOKEN_EXPIRED = { success: false, message: 'access token has expired' } as const;

const DEFAULT_TIMEOUT_MS = 30_000;

export class FaultPlan {
  private readonly rng: Random;
  private readonly kinds: readonly FaultKind[];
  private serverErrors = 0;
  readonly timeoutMs: number;
  readonly retryAfterSeconds: number;

  constructor(private readonly options: FaultOptions, dataSeed: number) {
    if (!(options.rate >= 0 && options.rate <= 1)) throw new Error(`faults.rate must be in [0, 1], got ${options.rate}`);
    this.rng = new Random(hashSeed('faults', options.seed ?? dataSeed));
    this.kinds = options.kinds && options.kinds.length > 0 ? options.kinds : TRANSIENT_FAULT_KINDS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
    if (!(this.retryAfterSeconds >= 0)) throw new Error(`faults.retryAfterSeconds must be ≥ 0, got ${options.retryAfterSeconds}`);
  }

  /**
   * Two draws per request whatever the outcome, so one request's luck does not shift the next one's.
   * Requests outside `pageIds` (when given) draw nothing and get no fault.
   */
  draw(pageId: string | null = null): FaultKind | null {
    if (this.options.pageIds && (pageId === null || !this.options.pageIds.includes(pageId))) return null;
    const hit = this.rng.next() < this.options.rate;
    const kind = this.rng.pick(this.kinds);
    return hit ? kind : null;
  }

  /** 500, 502, 503 in turn: clients must treat every 5xx as retryable, not just 500. */
  nextServerError(): number {
    const status = [500, 502, 503][this.serverErrors % 3] as number;
    this.serverErrors++;
    return status;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

const GATEWAY_PAGE = (status: number, title: string): string =>
  `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

const APP_ERROR_PAGE =
  '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Pancake</title></head>' +
  '<body><h1>Đã có lỗi xảy ra</h1><p>We\'re sorry, but something went wrong. Please try again later.</p></body></html>';

/** Answers that replace the real one entirely; returns the status written. */
export function sendServerError(res: ServerResponse, status: number): number {
  if (status === 500) sendJson(res, 500, { success: false, message: 'Internal server error' });
  else sendHtml(res, status, GATEWAY_PAGE(status, status === 502 ? 'Bad Gateway' : 'Service Temporarily Unavailable'));
  return status;
}

export function sendNonJson(res: ServerResponse): number {
  sendHtml(res, 200, APP_ERROR_PAGE);
  return 200;
}

/**
 * The first half of a valid body under the right status: what a client sees when a proxy cuts a
 * response short. Chunked, so the HTTP message itself is complete and only JSON parsing fails.
 */
export function sendTruncated(res: ServerResponse, status: number, body: unknown): number {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  res.end(bytes.subarray(0, Math.floor(bytes.length / 2)));
  return status;
}
