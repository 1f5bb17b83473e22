// POST bodies go into the request log, which tests compare and print on failure: tokens must not.
// A token can sit in a token-named field or inside any string, and a wrong token is not in the book,
// so both the field names and the known token values are masked.

import type { TokenBook } from './token-book.js';

const TOKEN_KEY = /access_token|^token$/i;

export function redactBody(body: unknown, tokens: TokenBook): unknown {
  const secrets = [tokens.userToken, ...tokens.tokensByPage.values()];
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
