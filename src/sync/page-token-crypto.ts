import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { SealedToken } from '../warehouse/page-tokens.js';

// A stored page token is sealed with AES-256-GCM under a key derived (HKDF-SHA256, fresh salt per
// row) from the user token. Whoever holds the user token could generate a page token anyway, so
// it is the natural key and no new setting is needed; a database dump alone reveals nothing. The
// page id is authenticated data: a row copied to another page does not open.

const INFO = 'pancake-sync page token v1';

function keyFor(userToken: string, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', userToken, salt, INFO, 32));
}

export function sealPageToken(userToken: string, pageId: string, pageToken: string): SealedToken {
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(userToken, salt), nonce);
  cipher.setAAD(Buffer.from(pageId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(pageToken, 'utf8'), cipher.final()]);
  return { salt, nonce, ciphertext, authTag: cipher.getAuthTag() };
}

/** The page token, or null when it does not open: the user token changed (or the row was altered). */
export function openPageToken(userToken: string, pageId: string, sealed: SealedToken): string | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(userToken, sealed.salt), sealed.nonce);
    decipher.setAAD(Buffer.from(pageId, 'utf8'));
    decipher.setAuthTag(sealed.authTag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
