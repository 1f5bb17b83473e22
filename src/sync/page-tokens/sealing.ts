import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SealedToken } from '../../warehouse/page-tokens/sealed-tokens.js';

// A stored page token is sealed with AES-256-GCM under a key derived (HKDF-SHA256, fresh salt per
// row) from the user token. Whoever holds the user token could generate a page token anyway, so
// it is the natural key and no new setting is needed; a database dump alone reveals nothing. The
// page id is authenticated data: a row copied to another page does not open. Next to it, a key
// check (another HKDF output of the same user token and salt) tells a row sealed with another user
// token from a damaged one, without revealing anything about either.

const INFO = 'pancake-sync page token v1';
const KEY_CHECK_INFO = 'pancake-sync page token key check v1';
/** GCM's full tag: a shorter one would let a forger try 2^32 guesses instead of 2^128. */
const TAG_BYTES = 16;
const NONCE_BYTES = 12;

function keyFor(userToken: string, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', userToken, salt, INFO, 32));
}

function keyCheckFor(userToken: string, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', userToken, salt, KEY_CHECK_INFO, 16));
}

export function sealPageToken(userToken: string, pageId: string, pageToken: string): SealedToken {
  const salt = randomBytes(16);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFor(userToken, salt), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(pageId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(pageToken, 'utf8'), cipher.final()]);
  return { salt, nonce, ciphertext, authTag: cipher.getAuthTag(), keyCheck: keyCheckFor(userToken, salt) };
}

/** Why a stored token did not open. */
export type UnsealFailure = 'user-token-changed' | 'damaged' | 'user-token-changed-or-damaged';

export type Unsealed = { token: string } | { token: null; failure: UnsealFailure };

/**
 * Opens a stored token; when it does not open, says why: sealed with another user token (its key
 * check differs), or damaged (the key check matches, or the row's parts have impossible sizes).
 * Rows sealed before key checks existed cannot tell the two apart.
 */
export function unsealPageToken(userToken: string, pageId: string, sealed: SealedToken): Unsealed {
  if (sealed.authTag.length !== TAG_BYTES || sealed.nonce.length !== NONCE_BYTES || sealed.salt.length === 0) return { token: null, failure: 'damaged' };
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(userToken, sealed.salt), sealed.nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(pageId, 'utf8'));
    decipher.setAuthTag(sealed.authTag);
    return { token: Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8') };
  } catch {
    const check = sealed.keyCheck;
    if (check === null || check.length === 0) return { token: null, failure: 'user-token-changed-or-damaged' };
    const expected = keyCheckFor(userToken, sealed.salt);
    const same = check.length === expected.length && timingSafeEqual(check, expected);
    return { token: null, failure: same ? 'damaged' : 'user-token-changed' };
  }
}

/** The page token, or null when it does not open (see unsealPageToken for why). */
export function openPageToken(userToken: string, pageId: string, sealed: SealedToken): string | null {
  return unsealPageToken(userToken, pageId, sealed).token;
}

/** Why a stored token was not used, as a log line says it. */
export function describeUnsealFailure(failure: UnsealFailure, pageId: string): string {
  switch (failure) {
    case 'user-token-changed':
      return `page ${pageId}: the stored page token was sealed with another PANCAKE_ACCESS_TOKEN (the user token changed); generating a new one`;
    case 'damaged':
      return `page ${pageId}: the stored page token is damaged (its row in pancake_private.page_tokens was altered); generating a new one`;
    default:
      return `page ${pageId}: the stored page token does not open: the user token changed, or its row in pancake_private.page_tokens was altered (a row stored before key checks cannot tell which); generating a new one`;
  }
}
