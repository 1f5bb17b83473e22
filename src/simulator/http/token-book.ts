// The tokens the server accepts. Page tokens are stable across generate calls, as the real API's are
// until revoked; a rotation or a revocation replaces one, and the old one is refused from then on.

import { pageTokenFor, userJwtFor, userTokenFor } from '../shop/access-tokens.js';

/** A user token's lifetime when the simulator issues it as a JWT: 90 days (docs/pancake-api.md). */
export const USER_TOKEN_LIFETIME_MS = 90 * 86_400_000;

export interface TokenBook {
  userToken: string;
  /** Set by expireUserToken(): the user token is refused as expired (error_code 103) until renewed. */
  userTokenExpired: boolean;
  /** User tokens replaced by a renewal: refused as invalid (error_code 102 in an HTTP 200, as a live probe saw). */
  retiredUserTokens: Set<string>;
  /** User tokens issued so far (each renewal derives the next from it). */
  userTokensIssued: number;
  /** When true, generating a page token issues a new one and revokes the previous (Pancake may). */
  rotateOnGenerate: boolean;
  /** Tokens issued per page so far: each rotation or revocation derives the next from it. */
  issued: Map<string, number>;
  /** page token → page id */
  pagesByToken: Map<string, string>;
  /** page id → page token */
  tokensByPage: Map<string, string>;
}

export function tokenBook(seed: number, pageIds: readonly string[], userTokenExpiresAt: Date | null = null): TokenBook {
  const userToken = userTokenExpiresAt === null ? userTokenFor(seed) : userJwtFor(seed, 1, new Date(userTokenExpiresAt.getTime() - USER_TOKEN_LIFETIME_MS), userTokenExpiresAt);
  const book: TokenBook = { userToken, userTokenExpired: false, retiredUserTokens: new Set(), userTokensIssued: 1, rotateOnGenerate: false, issued: new Map(), pagesByToken: new Map(), tokensByPage: new Map() };
  for (const id of pageIds) addPageToken(book, seed, id);
  return book;
}

export function addPageToken(book: TokenBook, seed: number, pageId: string): void {
  const token = pageTokenFor(seed, pageId);
  book.pagesByToken.set(token, pageId);
  book.tokensByPage.set(pageId, token);
}

/**
 * Replaces a page's token with a new one: the old one is refused from now on. A rotation on
 * generation stands for Pancake's "renewed" tokens; a revocation by hand for "manually deleted".
 */
export function replacePageToken(book: TokenBook, seed: number, pageId: string): string {
  const old = book.tokensByPage.get(pageId);
  if (old !== undefined) book.pagesByToken.delete(old);
  const n = (book.issued.get(pageId) ?? 0) + 1;
  book.issued.set(pageId, n);
  const token = pageTokenFor(seed, `${pageId}#${n}`);
  book.pagesByToken.set(token, pageId);
  book.tokensByPage.set(pageId, token);
  return token;
}

/**
 * Issues a new user token (a JWT expiring at `expiresAt`), as a shop owner does in Pancake when the
 * old one expires; the old one is refused from then on. Page tokens are not touched.
 */
export function renewUserToken(book: TokenBook, seed: number, issuedAt: Date, expiresAt: Date): string {
  book.retiredUserTokens.add(book.userToken);
  book.userTokensIssued += 1;
  book.userToken = userJwtFor(seed, book.userTokensIssued, issuedAt, expiresAt);
  book.userTokenExpired = false;
  return book.userToken;
}
