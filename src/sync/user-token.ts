import type { PancakeError } from '../pancake/errors.js';
import { tokenExpiry } from '../pancake/user-token.js';

// The user token's lifecycle as a run sees it. It expires (a JWT, 90 days after it was issued): from
// EXPIRY_WARNING_DAYS before, every run warns in one line. Once Pancake refuses it, a run still
// syncs every page whose token it holds, and says in one line what cannot happen without it.

/** Days before the expiry from which every run warns. */
export const EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 86_400_000;
const RENEW = 'generate a new user token in Pancake (Settings → Tools → API) and set it as PANCAKE_ACCESS_TOKEN (with the old one as PANCAKE_PREVIOUS_ACCESS_TOKEN for the next run, so that the stored page tokens are kept)';

/** `unchecked`: the run ended before Pancake said (e.g. the page list request failed for another reason). */
export type UserTokenState = 'accepted' | 'refused' | 'unchecked';

/** What a run learned about PANCAKE_ACCESS_TOKEN: when it expires (null: not a JWT) and whether Pancake accepted it. */
export interface UserTokenStatus {
  expiresAt: Date | null;
  state: UserTokenState;
}

export { tokenExpiry };

/** "2027-03-01 08:00 UTC" */
export function formatExpiry(at: Date): string {
  return `${at.toISOString().slice(0, 10)} ${at.toISOString().slice(11, 16)} UTC`;
}

/** The warning of a token that expires within EXPIRY_WARNING_DAYS (or has expired); null otherwise. */
export function expiryWarning(expiresAt: Date | null, now: Date): string | null {
  if (expiresAt === null) return null;
  const leftMs = expiresAt.getTime() - now.getTime();
  if (leftMs > EXPIRY_WARNING_DAYS * DAY_MS) return null;
  if (leftMs <= 0) return `PANCAKE_ACCESS_TOKEN expired on ${formatExpiry(expiresAt)}: ${RENEW}`;
  const days = Math.floor(leftMs / DAY_MS);
  const left = days === 0 ? 'in less than a day' : `in ${days} day${days === 1 ? '' : 's'}`;
  return `PANCAKE_ACCESS_TOKEN expires on ${formatExpiry(expiresAt)} (${left}): ${RENEW} before then; without it no new page is found and no page token can be renewed`;
}

/** The one line of a run whose user token Pancake refused. */
export function userTokenRefusedLine(error: PancakeError, outcome: { synced: number; withoutToken: readonly string[]; expiresAt: Date | null; now: Date; queued?: boolean }): string {
  const code = error.errorCode === null ? (error.status === null ? '' : `HTTP ${error.status}`) : `error_code ${error.errorCode}`;
  const expired = outcome.expiresAt !== null && outcome.expiresAt <= outcome.now ? `; it expired on ${formatExpiry(outcome.expiresAt)}` : '';
  const skipped = outcome.withoutToken.length === 0 ? '' : `; ${outcome.withoutToken.length} page(s) without a stored token were skipped (${outcome.withoutToken.slice(0, 5).join(', ')}${outcome.withoutToken.length > 5 ? ', …' : ''})`;
  return (
    `Pancake refused PANCAKE_ACCESS_TOKEN${code ? ` (${code})` : ''}${expired}: ${outcome.queued ? 'queued' : 'synced'} the ${outcome.synced} page(s) whose page token is stored or in PANCAKE_PAGE_TOKENS, from the page list of earlier runs${skipped}. ` +
    `Without it no new page is found and no refused page token can be renewed: ${RENEW}`
  );
}
