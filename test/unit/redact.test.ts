import { describe, expect, it } from 'vitest';
import { isSecretKey, mayHoldKnownSecret, redact, redactValue, registerSecret } from '../../src/redact.js';
import { describeUrl } from '../../src/warehouse/db.js';

describe('redact: secrets in text', () => {
  it('masks secret-named query parameters, URL passwords and secret-named JSON fields; keeps the rest', () => {
    expect(redact('GET https://pages.fm/api/v1/pages?access_token=abc123&page_id=9')).toBe('GET https://pages.fm/api/v1/pages?access_token=***&page_id=9');
    expect(redact('postgres://sync:hunter2@db:5432/warehouse')).toBe('postgres://sync:***@db:5432/warehouse');
    expect(redact('{"page_access_token":"t0k","api_key":"k","name":"Shop"}')).toBe('{"page_access_token":"***","api_key":"***","name":"Shop"}');
    // A port or an @ in a query is not a password.
    expect(redact('http://127.0.0.1:4010/x?to=a@b')).toBe('http://127.0.0.1:4010/x?to=a@b');
  });

  it('regression: a DATABASE_URL with the password in its query string is printed masked', () => {
    expect(describeUrl('postgres://sync@db:5432/warehouse?password=hunter2&sslmode=require')).toBe('postgres://sync@db:5432/warehouse?password=***&sslmode=require');
    expect(describeUrl('postgresql://db/warehouse?user=sync&sslpassword=k3y')).toBe('postgresql://db/warehouse?user=sync&sslpassword=***');
    expect(describeUrl('postgres://sync:hunter2@db/warehouse')).not.toContain('hunter2');
  });

  it('masks a registered secret wherever it appears', () => {
    registerSecret('known-token-0123456789');
    expect(redact('said known-token-0123456789 twice: known-token-0123456789')).toBe('said *** twice: ***');
    expect(redactValue({ note: ['x known-token-0123456789 y'] })).toEqual({ note: ['x *** y'] });
  });

  it('a registered secret that JSON escapes (a quote, a backslash) is found in JSON text, and makes no other JSON suspect', () => {
    // Registered secrets are process-wide: such a secret used to send every later batch of the
    // process down the slow, value-by-value path (child-rows.test.ts failed after it in a shared process).
    const secret = 'odd"token\\9f3e7a1c';
    registerSecret(secret);
    expect(mayHoldKnownSecret(JSON.stringify([['m1', { text: 'chào shop' }]]))).toBe(false);
    expect(mayHoldKnownSecret(JSON.stringify([['m1', { text: `x ${secret} y` }]]))).toBe(true);
    expect(redact(`said ${secret}`)).toBe('said ***');
  });
});

describe('secret-named fields', () => {
  it('recognises token, secret, password and key names in snake_case and camelCase, not ids that merely mention a token', () => {
    for (const key of ['access_token', 'page_access_token', 'token', 'secret', 'client_secret', 'password', 'db_password', 'api_key', 'apiKey', 'accessToken', 'refreshToken', 'credentials', 'authorization']) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of ['token_for_business', 'current_settings_key', 'name', 'tokens_count', 'id', 'message']) expect(isSecretKey(key), key).toBe(false);
  });

  it('the quick test of a name\'s last letters never overrules the full one (random names, odd cases, non-ASCII letters that lower-case to ASCII)', () => {
    const full = (key: string) => /(?:^|_)(?:token|secret|password|passwd|pwd|api_?key|private_key|credentials?)$|^(?:authorization|cookie|set_cookie)$/.test(key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
    const parts = ['token', 'TOKEN', 'Token', 'to\u212Aen', 'secret', 'Secret', 'password', 'passwd', 'pwd', 'api_key', 'apiKey', 'APIKEY', 'private_key', 'privateKey', 'credential', 'credentials', 'authorization', 'cookie', 'set_cookie', 'id', 'name', '_', 'x', 'session', 'monkey', 'k', 'en', 'ſecret', 'İon', 'ke\u0131', ''];
    let s = 7;
    const next = () => ((s = (s * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
    let secrets = 0;
    for (let i = 0; i < 5000; i++) {
      const key = Array.from({ length: 1 + Math.floor(next() * 3) }, () => parts[Math.floor(next() * parts.length)]).join(next() < 0.5 ? '_' : '');
      expect(isSecretKey(key), JSON.stringify(key)).toBe(full(key));
      secrets += full(key) ? 1 : 0;
    }
    expect(secrets).toBeGreaterThan(500);
  });

  it('redactValue masks them at any depth and keeps flags and nulls, without recursion limits', () => {
    expect(redactValue({ a: { settings: { page_access_token: 'x', has_password: true, secret: null }, list: [{ token: 5 }] } })).toEqual({
      a: { settings: { page_access_token: '***', has_password: true, secret: null }, list: [{ token: '***' }] },
    });
    let deep: Record<string, unknown> = { token: 'bottom-secret' };
    for (let i = 0; i < 20_000; i++) deep = { child: deep };
    const copy = redactValue(deep);
    let node: unknown = copy;
    for (let i = 0; i < 20_000; i++) node = (node as { child: unknown }).child;
    expect(node).toEqual({ token: '***' });
  });
});
