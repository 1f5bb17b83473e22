// The access tokens a seed issues. Derived from the seed so a simulator restarted with the same seed
// accepts the same tokens (handy for `pancake-sync simulate` plus a separate sync); the page list
// shows each page's token, and the server's token book decides which ones it accepts.

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

/**
 * A user token shaped as Pancake's are: a JWT whose `exp` says when it expires (docs/pancake-api.md,
 * "Bases and tokens"; 90 days after `iat` there). Derived from the seed, the issue number and the
 * times, so a simulator started again with the same options issues the same token.
 */
export function userJwtFor(seed: number, issue: number, issuedAt: Date, expiresAt: Date): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(issuedAt.getTime() / 1000);
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const payload = { uid: opaque(`user-id:${seed}`, 24), name: 'Chủ Shop', iat, exp, fb_id: opaque(`fb:${seed}`, 15), session_id: opaque(`session:${seed}:${issue}`, 32) };
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.${opaque(`signature:${seed}:${issue}:${exp}`, 43)}`;
}
