import { describe, expect, it } from 'vitest';
import { interpret } from '../../src/pancake/answers.js';
import { ERROR_CODE_TABLE, classifyFailure, type ErrorCodeRow, type TokenRole } from '../../src/pancake/error-codes.js';
import { PancakeError, type PancakeErrorKind } from '../../src/pancake/errors.js';
import type { HttpAnswer } from '../../src/pancake/transport.js';

// Every row of the error-code table (src/pancake/error-codes.ts), reached by an answer and read
// back through the same function the client uses, with the kind and the message it leads to.

interface Case {
  name: string;
  status: number;
  body: unknown;
  token: TokenRole;
  kind: PancakeErrorKind;
  /** The row's meaning, which names it. */
  row: string;
}

const failure = (extra: Record<string, unknown>) => ({ success: false, ...extra });

const CASES: Case[] = [
  { name: '429 in a 200 body', status: 200, body: failure({ message: 'Too many requests', error_code: 429 }), token: 'page', kind: 'rate_limit', row: 'rate limit (error_code 429)' },
  { name: '429 in a 500 body', status: 500, body: failure({ error_code: 429 }), token: 'user', kind: 'rate_limit', row: 'rate limit (error_code 429)' },
  { name: '102 on the user token, HTTP 200 (the live probe)', status: 200, body: failure({ message: 'Invalid access_token', error_code: 102 }), token: 'user', kind: 'auth', row: 'the user token is invalid (error_code 102)' },
  { name: '102 on the user token, HTTP 400', status: 400, body: failure({ message: 'Invalid', error_code: 102 }), token: 'user', kind: 'auth', row: 'the user token is invalid (error_code 102)' },
  { name: '102 on a page token, HTTP 200', status: 200, body: failure({ message: 'Invalid', error_code: 102 }), token: 'page', kind: 'auth', row: 'the page token is invalid (error_code 102)' },
  { name: '102 on a page token, HTTP 400 (was bad_request, never renewed)', status: 400, body: failure({ message: 'bad', error_code: 102 }), token: 'page', kind: 'auth', row: 'the page token is invalid (error_code 102)' },
  { name: '103 on the user token', status: 200, body: failure({ message: 'expired', error_code: 103 }), token: 'user', kind: 'auth', row: 'the user token has expired (error_code 103)' },
  { name: '103 on a page token', status: 200, body: failure({ message: 'x', error_code: 103 }), token: 'page', kind: 'auth', row: 'the token was refused as expired (error_code 103)' },
  { name: '105 on a page token, without token words (was retried and failed the page)', status: 200, body: failure({ message: 'Hết hạn', error_code: 105 }), token: 'page', kind: 'auth', row: 'the page token has expired (error_code 105)' },
  { name: '105 on a page token, HTTP 400', status: 400, body: failure({ error_code: 105 }), token: 'page', kind: 'auth', row: 'the page token has expired (error_code 105)' },
  { name: '105 on the user token', status: 200, body: failure({ error_code: 105 }), token: 'user', kind: 'auth', row: 'the token was refused as expired (error_code 105)' },
  { name: 'HTTP 429 without a code', status: 429, body: failure({ message: 'slow down' }), token: 'page', kind: 'rate_limit', row: 'rate limit (HTTP 429)' },
  { name: 'HTTP 429 with an unknown code', status: 429, body: failure({ error_code: 7 }), token: 'page', kind: 'rate_limit', row: 'rate limit (HTTP 429)' },
  { name: 'HTTP 401', status: 401, body: failure({ message: 'Invalid page_access_token' }), token: 'page', kind: 'auth', row: 'the token is wrong, revoked or lacks access' },
  { name: 'HTTP 403 on the user token', status: 403, body: failure({ message: 'Forbidden' }), token: 'user', kind: 'auth', row: 'the token is wrong, revoked or lacks access' },
  { name: 'HTTP 404', status: 404, body: failure({ message: 'Not found' }), token: 'page', kind: 'not_found', row: 'no such resource' },
  { name: 'HTTP 408', status: 408, body: null, token: 'page', kind: 'server', row: 'the server timed out' },
  { name: 'HTTP 502 with an HTML page', status: 502, body: '<html>502</html>', token: 'page', kind: 'server', row: 'server error' },
  { name: 'HTTP 400', status: 400, body: failure({ message: 'page_number is invalid' }), token: 'page', kind: 'bad_request', row: 'the request was rejected' },
  { name: 'HTTP 400 with an unknown code', status: 400, body: failure({ message: 'no', error_code: 999 }), token: 'page', kind: 'bad_request', row: 'the request was rejected' },
  { name: '200 success:false "Too many requests" without a code', status: 200, body: failure({ message: 'Too many requests' }), token: 'page', kind: 'rate_limit', row: 'rate limit ("too many requests")' },
  { name: '200 success:false with token words', status: 200, body: failure({ message: 'access token has expired' }), token: 'page', kind: 'auth', row: 'the token was refused' },
  { name: '200 success:false, any other words', status: 200, body: failure({ message: 'Internal error, please try again' }), token: 'page', kind: 'api', row: 'the API reported a failure' },
  { name: '200 success:false with an unknown code', status: 200, body: failure({ message: 'Something', error_code: 4242 }), token: 'user', kind: 'api', row: 'the API reported a failure' },
  { name: '200 {"success": false, "error": ...}', status: 200, body: failure({ error: 'oops' }), token: 'page', kind: 'api', row: 'the API reported a failure' },
];

function answer(status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return { status, text: typeof body === 'string' ? body : JSON.stringify(body), header: (name) => headers[name] ?? null };
}

function thrown(c: Pick<Case, 'status' | 'body' | 'token'>): PancakeError {
  try {
    interpret(answer(c.status, c.body), { url: new URL('https://pages.fm/api/public_api/v1/pages/111/tags?page_access_token=secret-page-token'), pageId: '111', token: c.token });
  } catch (error) {
    if (error instanceof PancakeError) return error;
    throw error;
  }
  throw new Error('no error thrown');
}

describe('the error-code table', () => {
  it.each(CASES)('$name → $kind', (c) => {
    const body = c.body as { error_code?: unknown; message?: string } | null;
    const code = typeof body === 'object' && body !== null && typeof body.error_code === 'number' ? body.error_code : null;
    const row = classifyFailure({ status: c.status, errorCode: code, message: typeof body === 'object' && body !== null ? (body.message ?? null) : null, token: c.token });
    expect(row.meaning).toBe(c.row);
    expect(row.kind).toBe(c.kind);
    const error = thrown(c);
    expect(error.kind).toBe(c.kind);
    expect(error.errorCode).toBe(code);
    expect(error.token).toBe(c.token);
    expect(error.message).not.toContain('secret-page-token');
  });

  it('every row is reached by a case above, and names the source of its fact', () => {
    const reached = new Set(CASES.map((c) => c.row));
    const rows = ERROR_CODE_TABLE.map((r: ErrorCodeRow) => r.meaning);
    expect(rows.filter((meaning) => !reached.has(meaning))).toEqual([]);
    for (const row of ERROR_CODE_TABLE) expect(row.source, row.meaning).toMatch(/seen in public client code|seen in a real answer|live probe|API description|HTTP|inferred/);
  });

  it('a refused user token names PANCAKE_ACCESS_TOKEN and what to do; a refused page token names the page', () => {
    const user = thrown({ status: 200, body: failure({ message: 'Token expired', error_code: 103 }), token: 'user' });
    expect(user.message).toMatch(/PANCAKE_ACCESS_TOKEN.*error_code 103.*expired.*generate a new one/);
    const page = thrown({ status: 200, body: failure({ error_code: 105 }), token: 'page' });
    expect(page.message).toMatch(/refused the token for page 111 \(error_code 105\)/);
  });

  it('a 2xx body that is not JSON is an invalid answer (retried), not a table row', () => {
    expect(thrown({ status: 200, body: '<html>oops</html>', token: 'page' }).kind).toBe('invalid_response');
  });

  it('a rate limit keeps its Retry-After', () => {
    try {
      interpret(answer(429, failure({}), { 'retry-after': '3' }), { url: new URL('https://pages.fm/x'), pageId: undefined, token: 'page' });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 3 });
    }
  });
});
