// Access tokens. They are derived from the seed so a simulator restarted with the same seed accepts
// the same tokens (handy for `pancake-sync simulate` plus a separate sync), and page tokens are stable
// across generate calls, as the real API's are until revoked.

import { createHash } from 'node:crypto';

function opaque(label: string, length: number): string {
  let out = '';
  let block = label;
  while (out.length < length) {
    block = createHash('sha256').update(block).digest('base64url');
    out += block;
  }
  return out.slice(0, length);
}

export function userTokenFor(seed: number): string {
  return `eyJ${opaque(`user-token:${seed}`, 177)}`;
}

export function pageTokenFor(seed: number, pageId: string): string {
  return `eyJ${opaque(`page-token:${seed}:${pageId}`, 189)}`;
}

export interface TokenBook {
  userToken: string;
  /** page token → page id */
  pagesByToken: Map<string, string>;
  /** page id → page token */
  tokensByPage: Map<string, string>;
}

export function tokenBook(seed: number, pageIds: readonly string[]): TokenBook {
  const book: TokenBook = { userToken: userTokenFor(seed), pagesByToken: new Map(), tokensByPage: new Map() };
  for (const id of pageIds) addPageToken(book, seed, id);
  return book;
}

export function addPageToken(book: TokenBook, seed: number, pageId: string): void {
  const token = pageTokenFor(seed, pageId);
  book.pagesByToken.set(token, pageId);
  book.tokensByPage.set(pageId, token);
}
