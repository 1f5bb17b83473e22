import type { PancakeErrorKind } from './errors.js';

// How a failed answer becomes an error kind: ONE table, read top to bottom, first match wins.
// A row matches on the body's `error_code`, the HTTP status and the token the request carried
// (the user token of the user API, or a page token). Every row says where its fact comes from,
// in the words of docs/pancake-api.md ("Answers, errors and limits"): "seen in public client
// code", "live probe", "API description" (the seed reference or the OpenAPI description),
// "HTTP" (what the status means on the web at large), or "inferred" (our best guess, kept on the
// safe side: a guess never turns a refusal into a retry loop).

/** Which token a request carried. */
export type TokenRole = 'user' | 'page';

/** The HTTP statuses a row covers. */
export type StatusMatch = 'any' | 'success' | readonly number[] | { from: number; to: number };

/** What `error_code` a row covers: one code, or any code (none included) that no earlier row took. */
export type CodeMatch = number | 'any';

export interface ErrorCodeRow {
  code: CodeMatch;
  status: StatusMatch;
  token: TokenRole | 'any';
  /** Only when the body's message matches (a code-less success:false is judged by its words). */
  message?: RegExp;
  kind: PancakeErrorKind;
  /** What the answer means, as the error message and the docs say it. */
  meaning: string;
  /** Where the fact comes from (see the vocabulary above). */
  source: string;
}

/** Codes that say the token itself is refused: no need to ask another endpoint whether it works. */
export const TOKEN_REFUSAL_CODES: ReadonlySet<number> = new Set([102, 103, 105]);

const TOKEN_WORDS = /token|permission|expired|unauthori[sz]ed/i;
const RATE_WORDS = /too many/i;

export const ERROR_CODE_TABLE: readonly ErrorCodeRow[] = [
  // The rate limit, in a 200 body or with HTTP 429: retried, paced down (docs/pancake-api.md).
  { code: 429, status: 'any', token: 'any', kind: 'rate_limit', meaning: 'rate limit (error_code 429)', source: 'seen in public client code; seen in a real answer' },
  // 102 "invalid access_token": HTTP 200 in a live probe; one production client met it with a non-2xx status.
  { code: 102, status: 'any', token: 'user', kind: 'auth', meaning: 'the user token is invalid (error_code 102)', source: 'seen in public client code; live probe (HTTP 200)' },
  { code: 102, status: 'any', token: 'page', kind: 'auth', meaning: 'the page token is invalid (error_code 102)', source: 'seen in public client code; live probe (HTTP 200)' },
  // 103 "user token expired": the JWT's exp has passed (90 days after it was issued).
  { code: 103, status: 'any', token: 'user', kind: 'auth', meaning: 'the user token has expired (error_code 103)', source: 'seen in public client code' },
  { code: 103, status: 'any', token: 'page', kind: 'auth', meaning: 'the token was refused as expired (error_code 103)', source: 'inferred: a code about a token, on a page token, refuses that token' },
  // 105 "page token expired: regenerate it": the renew-on-refusal path generates a new one.
  { code: 105, status: 'any', token: 'page', kind: 'auth', meaning: 'the page token has expired (error_code 105)', source: 'seen in public client code' },
  { code: 105, status: 'any', token: 'user', kind: 'auth', meaning: 'the token was refused as expired (error_code 105)', source: 'inferred: a code about a token refuses the token sent' },
  // Without a known code, the HTTP status decides.
  { code: 'any', status: [429], token: 'any', kind: 'rate_limit', meaning: 'rate limit (HTTP 429)', source: 'HTTP; seen in public client code' },
  { code: 'any', status: [401, 403], token: 'any', kind: 'auth', meaning: 'the token is wrong, revoked or lacks access', source: 'API description; HTTP' },
  { code: 'any', status: [404], token: 'any', kind: 'not_found', meaning: 'no such resource', source: 'API description; HTTP' },
  { code: 'any', status: [408], token: 'any', kind: 'server', meaning: 'the server timed out', source: 'HTTP' },
  { code: 'any', status: { from: 500, to: 599 }, token: 'any', kind: 'server', meaning: 'server error', source: 'API description; HTTP; seen in a real answer (500 for the type[] filter)' },
  { code: 'any', status: { from: 400, to: 499 }, token: 'any', kind: 'bad_request', meaning: 'the request was rejected', source: 'API description; HTTP' },
  // A success:false under a 2xx status without a code above: its words decide.
  { code: 'any', status: 'success', token: 'any', message: RATE_WORDS, kind: 'rate_limit', meaning: 'rate limit ("too many requests")', source: 'seen in a real answer' },
  { code: 'any', status: 'success', token: 'any', message: TOKEN_WORDS, kind: 'auth', meaning: 'the token was refused', source: 'seen in public client code' },
  { code: 'any', status: 'any', token: 'any', kind: 'api', meaning: 'the API reported a failure', source: 'seen in a real answer ({"success": false, "error": "..."}); retried a bounded number of times' },
];

export interface FailedAnswer {
  status: number;
  /** The body's `error_code` as a number, or null. */
  errorCode: number | null;
  message: string | null;
  token: TokenRole;
}

/** The first row of the table that covers the answer (the last row covers everything). */
export function classifyFailure(answer: FailedAnswer): ErrorCodeRow {
  for (const row of ERROR_CODE_TABLE) if (matches(row, answer)) return row;
  return ERROR_CODE_TABLE[ERROR_CODE_TABLE.length - 1] as ErrorCodeRow;
}

function matches(row: ErrorCodeRow, answer: FailedAnswer): boolean {
  if (row.token !== 'any' && row.token !== answer.token) return false;
  if (typeof row.code === 'number' && row.code !== answer.errorCode) return false;
  if (!statusMatches(row.status, answer.status)) return false;
  return row.message === undefined || row.message.test(answer.message ?? '');
}

function statusMatches(match: StatusMatch, status: number): boolean {
  if (match === 'any') return true;
  if (match === 'success') return status >= 200 && status < 400;
  if (Array.isArray(match)) return match.includes(status);
  const range = match as { from: number; to: number };
  return status >= range.from && status <= range.to;
}

/** `error_code` as a number (the API sends a number; a string of digits is taken too). */
export function errorCodeOf(body: unknown): number | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const value = (body as Record<string, unknown>).error_code;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
}
