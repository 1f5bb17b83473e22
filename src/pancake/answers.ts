import { redact } from '../redact.js';
import { classifyFailure, errorCodeOf, type TokenRole } from './error-codes.js';
import { PancakeError } from './errors.js';
import type { HttpAnswer } from './transport.js';

// What an answer (or the lack of one) means: the parsed body of a success, or a PancakeError whose
// kind comes from the error-code table (src/pancake/error-codes.ts) and whose message says what to
// do, for the page and the token concerned.

export interface AnswerContext {
  url: URL;
  pageId: string | undefined;
  /** The token the request carried: the user token (user API) or a page token. */
  token: TokenRole;
}

/** The body of a successful answer; throws the PancakeError a failed one means. */
export function interpret<T>(answer: HttpAnswer, { url, pageId, token }: AnswerContext): T {
  const { status, text } = answer;
  let body: unknown;
  let parsed = true;
  try {
    body = text.length === 0 ? null : JSON.parse(text);
  } catch {
    parsed = false;
  }
  // The common case, a success, reads nothing more: the rest only words a failure.
  const refused = parsed && isRecord(body) && body.success === false;
  if (status >= 200 && status < 400 && parsed && !refused) return body as T;
  const safeUrl = redact(url.toString());
  const where = pageId ? ` for page ${pageId}` : '';
  // A 2xx body that is not JSON is a cut or garbled answer (seen under load), whatever it says.
  if (status >= 200 && status < 400 && !parsed) {
    throw new PancakeError(`Pancake sent a body that is not valid JSON${where} (${text.length} bytes): ${safeUrl}`, { kind: 'invalid_response', status, url: safeUrl, pageId: pageId ?? null, token });
  }
  const message = parsed ? bodyMessage(body) : null;
  const errorCode = parsed ? errorCodeOf(body) : null;
  const row = classifyFailure({ status, errorCode, message, token });
  const said = [status >= 400 || errorCode === null ? `HTTP ${status}` : null, errorCode === null ? null : `error_code ${errorCode}`, message ? redact(message) : null].filter(Boolean).join(': ');
  const details = { kind: row.kind, status, url: safeUrl, pageId: pageId ?? null, errorCode, token };
  switch (row.kind) {
    case 'rate_limit':
      throw new PancakeError(
        `Pancake rate limit${where}, longer than the waits allowed (PANCAKE_RATE_LIMIT_WAIT, PANCAKE_RATE_LIMIT_RUN_WAIT): another integration of the shop may be using the page's share of the limit; lower PANCAKE_RATE_LIMIT (e.g. PANCAKE_RATE_LIMIT=2) or run again later; the next run resumes where this one stopped`,
        { ...details, retryAfterSeconds: retryAfter(answer) },
      );
    case 'auth':
      if (token === 'user') {
        throw new PancakeError(
          `Pancake refused PANCAKE_ACCESS_TOKEN, the user token (${said}; ${row.meaning}): generate a new one in Pancake (Settings → Tools → API) and update PANCAKE_ACCESS_TOKEN`,
          details,
        );
      }
      throw new PancakeError(`Pancake refused the token${where} (${said}). The token is wrong, revoked or lacks access to this page: generate a new one in Pancake and update your configuration.`, details);
    case 'not_found':
      throw new PancakeError(`Pancake has no such resource${where} (${said}): ${safeUrl}`, details);
    case 'server':
      throw new PancakeError(`Pancake server error${where} (HTTP ${status}): ${safeUrl}. Run again later; the next run resumes where this one stopped`, details);
    case 'bad_request':
      throw new PancakeError(`Pancake rejected the request${where} (${said}): ${safeUrl}`, details);
    default:
      // A failure dressed as success, or an error status we have no row for: may pass if retried.
      throw new PancakeError(`Pancake answered success:false${where}: ${message ? redact(message) : 'no message'}${errorCode === null ? '' : ` (error_code ${errorCode})`}`, details);
  }
}

/** A request that got no answer: a timeout, or a network failure. */
export function transportError(error: unknown, url: URL, pageId: string | undefined): PancakeError {
  const safeUrl = redact(url.toString());
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new PancakeError(`Pancake did not answer in time${pageId ? ` for page ${pageId}` : ''}: ${safeUrl}. If it keeps happening, raise PANCAKE_TIMEOUT (e.g. PANCAKE_TIMEOUT=60s)`, { kind: 'timeout', url: safeUrl, pageId: pageId ?? null });
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
  const reason = redact([error instanceof Error ? error.message : String(error), cause].filter(Boolean).join(': '));
  return new PancakeError(`Could not reach Pancake (${reason}): ${safeUrl}. Check the network and PANCAKE_BASE_URL`, { kind: 'network', url: safeUrl, pageId: pageId ?? null });
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
