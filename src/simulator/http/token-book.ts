// The tokens the server accepts. Page tokens are stable across generate calls, as the real API's are
// until revoked; a rotation or a revocation replaces one, and the old one is refused from then on.

import { pageTokenFor, userTokenFor } from '../shop/access-tokens.js';

export interface TokenBook {
  userToken: string;
  /** When true, generating a page token issues a new one and revokes the previous (Pancake may). */
  rotateOnGenerate: boolean;
  /** Tokens issued per page so far: each rotation or revocation derives the next from it. */
  issued: Map<string, number>;
  /** page token → page id */
  pagesByToken: Map<string, string>;
  /** page id → page token */
  tokensByPage: Map<string, string>;
}

export function tokenBook(seed: number, pageIds: readonly string[]): TokenBook {
  const book: TokenBook = { userToken: userTokenFor(seed), rotateOnGenerate: false, issued: new Map(), pagesByToken: new Map(), tokensByPage: new Map() };
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
