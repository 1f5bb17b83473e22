import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { PancakeClient } from '../../pancake/client.js';
import { registerSecret } from '../../redact.js';
import { TOKEN_REFUSAL_CODES } from '../../pancake/error-codes.js';
import { isPageTokenRefusal, PancakeError } from '../../pancake/errors.js';
import type { Database } from '../../warehouse/schema.js';
import { loadSealedToken, saveSealedToken, type SealedToken } from '../../warehouse/page-tokens/sealed-tokens.js';
import { MissingPageTokenError, NoTokenRenewalError, StreamUnavailableError } from '../errors.js';
import { describeUnsealFailure, openPageToken, sealPageToken, unsealPageToken } from './sealing.js';

// The page-token policy. Generating a page token may revoke the previous one, which the shop's
// other integrations (or another pancake-sync process) may be using, so a page's token is
// generated once, stored encrypted in the warehouse and reused by every run and queue worker:
//   1. PANCAKE_PAGE_TOKENS, when it has the page, always wins and is never replaced;
//   2. else the stored token, when it opens with the user token;
//   3. else (nothing stored, or the user token changed) a new one, generated and stored.
// When Pancake refuses the token in use, the stored one is read again (another process may have
// renewed it); else one cheap request (the page's tags) tells a dead token from an endpoint that
// refuses this page whatever the token (a feature its plan lacks): only a dead token is replaced,
// by a new one generated once per page and run. A refusal whose error_code names the token (102,
// 103, 105: src/pancake/error-codes.ts) needs no such check. When Pancake refuses the user token
// itself (`userTokenRefused`), the stored tokens still open and read; only generating is impossible.

export interface PageTokenDeps {
  client: PancakeClient;
  config: Pick<Config, 'accessToken' | 'pageTokens'> & Partial<Pick<Config, 'previousAccessToken'>>;
  db: Kysely<Database>;
  log: Logger;
  /** Pancake refused PANCAKE_ACCESS_TOKEN in this run: use the tokens there are, generate none. */
  userTokenRefused?: boolean;
}

/** Where a page's token came from. */
export type PageTokenSource = 'PANCAKE_PAGE_TOKENS' | 'stored' | 'generated';

export interface PageTokens {
  /** Gives the client a token for the page (configured, stored or newly generated). */
  ensure(): Promise<void>;
  /** Runs `work`; when Pancake refuses the page token, renews it (see above) and runs `work` once more. */
  retryOnRefusal<T>(work: () => Promise<T>): Promise<T>;
  /** Where the token in use came from; null before `ensure`. */
  source(): PageTokenSource | null;
}

/**
 * Which token the page would use without generating one: PANCAKE_PAGE_TOKENS, a stored token that
 * opens with the user token, or none (null).
 */
export async function availablePageToken(deps: Pick<PageTokenDeps, 'config' | 'db'>, pageId: string): Promise<'PANCAKE_PAGE_TOKENS' | 'stored' | null> {
  if (deps.config.pageTokens.has(pageId)) return 'PANCAKE_PAGE_TOKENS';
  if (!deps.config.accessToken) return null;
  const sealed = await loadSealedToken(deps.db, pageId);
  if (sealed === null) return null;
  const previous = deps.config.previousAccessToken;
  return openPageToken(deps.config.accessToken, pageId, sealed) !== null || (previous && openPageToken(previous, pageId, sealed) !== null) ? 'stored' : null;
}

export function pageTokens(deps: PageTokenDeps, pageId: string): PageTokens {
  const { client, config, db, log } = deps;
  let configured = false;
  let source: PageTokenSource | null = null;
  let current: string | null = null;
  let version = 0; // bumped whenever the client gets another token
  let renewal: Promise<Renewal> | null = null;
  let generatedAfterRefusal = false;

  const install = (token: string, from: PageTokenSource) => {
    source = from;
    client.setPageToken(pageId, token);
    current = token;
    version += 1;
  };
  const userToken = (): string => {
    if (!config.accessToken) throw new MissingPageTokenError(pageId);
    return config.accessToken;
  };
  const stored = async (): Promise<string | null> => {
    const sealed = await loadSealedToken(db, pageId, log);
    if (sealed === null) return null;
    const opened = unsealPageToken(userToken(), pageId, sealed);
    if (opened.token === null && opened.failure !== 'damaged') {
      const kept = await resealWithRenewedUserToken(sealed);
      if (kept !== null) return kept;
    }
    if (opened.token === null) {
      const message = describeUnsealFailure(opened.failure, pageId);
      if (opened.failure === 'user-token-changed') log.info({ pageId }, message);
      else log.warn({ pageId }, message);
    }
    return opened.token;
  };
  // A renewed user token cannot open what the old one sealed; with the old one at hand (for one
  // run) the stored token is kept and sealed again, instead of generated anew: generating may
  // revoke the page token the shop's other integrations use.
  const resealWithRenewedUserToken = async (sealed: SealedToken): Promise<string | null> => {
    const previous = config.previousAccessToken;
    if (!previous || previous === config.accessToken) return null;
    registerSecret(previous);
    const token = openPageToken(previous, pageId, sealed);
    if (token === null) return null;
    await saveSealedToken(db, pageId, sealPageToken(userToken(), pageId, token), log);
    log.info({ pageId }, `page ${pageId}: the stored page token was sealed with PANCAKE_PREVIOUS_ACCESS_TOKEN; kept and sealed again with the new PANCAKE_ACCESS_TOKEN`);
    return token;
  };
  const generate = async () => {
    if (deps.userTokenRefused) throw new NoTokenRenewalError(pageId);
    const token = await client.generatePageAccessToken(pageId);
    await saveSealedToken(db, pageId, sealPageToken(userToken(), pageId, token), log);
    install(token, 'generated');
    log.info({ pageId }, `page ${pageId}: generated a page token and stored it, encrypted, for later runs and workers`);
  };
  const renew = async (refusedVersion: number, refusal: PancakeError): Promise<Renewal> => {
    if (version !== refusedVersion) return 'renewed'; // renewed while this work was running
    renewal ??= (async (): Promise<Renewal> => {
      const latest = await stored();
      if (latest !== null && latest !== current) {
        install(latest, 'stored'); // another run or worker renewed it meanwhile
        return 'renewed';
      }
      const namesTheToken = refusal.errorCode !== null && TOKEN_REFUSAL_CODES.has(refusal.errorCode);
      if (!namesTheToken && (await stillAccepted())) return 'token-ok';
      if (deps.userTokenRefused) throw new NoTokenRenewalError(pageId);
      if (generatedAfterRefusal) return 'exhausted';
      generatedAfterRefusal = true;
      const code = refusal.errorCode === null ? '' : ` (error_code ${refusal.errorCode})`;
      log.info({ pageId }, `page ${pageId}: Pancake refused the stored page token${code}; generating a new one`);
      await generate();
      return 'renewed';
    })().finally(() => {
      renewal = null;
    });
    return renewal;
  };
  const stillAccepted = async (): Promise<boolean> => {
    try {
      await client.listTags(pageId);
      return true;
    } catch (error) {
      if (isRefusal(error)) return false;
      throw error;
    }
  };

  return {
    async ensure() {
      const fromConfig = config.pageTokens.get(pageId);
      if (fromConfig) {
        configured = true;
        install(fromConfig, 'PANCAKE_PAGE_TOKENS');
        return;
      }
      userToken();
      const token = await stored();
      if (token !== null) install(token, 'stored');
      else await generate();
    },
    source: () => source,
    async retryOnRefusal(work) {
      const started = version;
      try {
        return await work();
      } catch (error) {
        if (!isRefusal(error)) throw error;
        if (configured) throw refused(error, pageId, 'configured');
        const renewal = await renew(started, error);
        if (renewal === 'token-ok') {
          const status = error.status === null ? '' : `HTTP ${error.status}: `;
          throw new StreamUnavailableError(`Pancake refuses this endpoint for page ${pageId} (${status}${error.message.slice(0, 200)}) while the page token works for the others`);
        }
        if (renewal === 'exhausted') throw refused(error, pageId, 'renewed');
      }
      try {
        return await work();
      } catch (error) {
        throw isRefusal(error) ? refused(error, pageId, 'renewed') : error;
      }
    },
  };
}

type Renewal = 'renewed' | 'token-ok' | 'exhausted';

const isRefusal = isPageTokenRefusal;

/** The refusal, said with the fix that fits where the token came from. */
function refused(error: PancakeError, pageId: string, origin: 'configured' | 'renewed'): PancakeError {
  const status = error.status === null ? '' : ` (HTTP ${error.status})`;
  const message =
    origin === 'configured'
      ? `Pancake refused the page token of page ${pageId} set in PANCAKE_PAGE_TOKENS${status}: replace it with a valid one, or remove it so that PANCAKE_ACCESS_TOKEN generates one`
      : `Pancake refused the token of page ${pageId}${status}, even a newly generated one: the Pancake user behind PANCAKE_ACCESS_TOKEN may have lost access to this page; check its permissions in Pancake, or leave the page out with PANCAKE_PAGE_IDS`;
  return new PancakeError(message, { kind: 'auth', status: error.status, url: error.url, pageId, cause: error });
}
