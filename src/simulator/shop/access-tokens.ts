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
