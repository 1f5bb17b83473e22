import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { PancakeError } from '../pancake/errors.js';
import { redact } from '../redact.js';

// The sync's errors, and how a failure is named, worded and logged. Expected failures (a refused
// token, a rate limit that outlasted the retries, a stream the API does not serve, a setting to fix)
// are logged as one line whose message says what to do. A stack trace helps only with the
// unexpected ones, and only when asked for with LOG_LEVEL=debug. The client's errors are in
// src/pancake/errors.ts; user errors and exit codes in src/errors.ts.

/**
 * Thrown by a stream the API does not serve for this page (an endpoint answering 404, a feature the
 * page lacks) or that a missing setting keeps from running. The run reports it with `reason` and goes
 * on: it is not a failure, and does not make the run exit 1.
 */
export class StreamUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'StreamUnavailableError';
  }
}

/** `--streams` named a stream that does not exist; `valid` lists the ones that do. */
export class UnknownStreamError extends UserError {
  constructor(readonly unknown: string[], valid: readonly string[]) {
    super(`Unknown stream${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} in --streams. Valid streams: ${valid.join(', ')} (example: --streams conversations,messages)`);
  }
}

/** A page without a token of its own and no user token to generate one. */
export class MissingPageTokenError extends UserError {
  constructor(pageId: string) {
    super(`no token for page ${pageId}: add it to PANCAKE_PAGE_TOKENS (example: PANCAKE_PAGE_TOKENS=${pageId}:<page token>) or set PANCAKE_ACCESS_TOKEN so that one is generated`);
  }
}

/** A page whose token is refused while the user token is refused too: nothing can renew it. */
export class NoTokenRenewalError extends UserError {
  constructor(pageId: string) {
    super(`page ${pageId} has no working page token, and none can be generated while Pancake refuses PANCAKE_ACCESS_TOKEN: renew PANCAKE_ACCESS_TOKEN (Pancake → Settings → Tools → API), or set the page's token in PANCAKE_PAGE_TOKENS`);
  }
}

/** An empty page list that is not believed: see storePages (src/sync/pages.ts). */
export class EmptyPageListError extends Error {
  constructor(previouslyListed: number | null) {
    super(
      `Pancake listed no pages for this token${previouslyListed ? `, while the last run that listed pages saw ${previouslyListed}` : ''}. ` +
        'A token that lost its access looks just like a shop without pages, so no page was marked deleted. ' +
        'Check the token (PANCAKE_ACCESS_TOKEN) and its pages in Pancake; if the shop really has no pages any more, the next run that also sees none marks them deleted.',
    );
    this.name = 'EmptyPageListError';
  }
}

/** What a failure is recorded and logged as: the client's error kind, else the error's name. */
export function errorKind(error: unknown): string {
  return error instanceof PancakeError ? error.kind : error instanceof Error ? error.name : 'error';
}

/** A failure's message, tokens masked. */
export function errorMessage(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error));
}

/**
 * Why a stream's failure means "the API does not serve this for the page" rather than a failure:
 * the stream said so, the endpoint answered 404, or a 400 whose message says the feature is not
 * available. Null for real failures (5xx after the retries, 401, an answer we cannot read).
 */
export function unavailableReason(error: unknown): string | null {
  if (error instanceof StreamUnavailableError) return error.reason;
  if (!(error instanceof PancakeError)) return null;
  if (error.kind === 'not_found') return `Pancake does not serve it for this page (HTTP 404)`;
  if (error.kind === 'bad_request' && /not (supported|available|enabled|activated)|unsupported|không hỗ trợ/i.test(error.message)) {
    const said = /\(HTTP \d+: (.*)\): \S+$/.exec(error.message)?.[1] ?? 'the request is not supported';
    return `Pancake does not serve it for this page (HTTP ${error.status ?? 400}: ${redact(said).slice(0, 200)})`;
  }
  return null;
}

/** Errors whose message is the whole story for the person reading the log. */
export function isExpectedFailure(error: unknown): boolean {
  return error instanceof UserError || error instanceof PancakeError || error instanceof StreamUnavailableError;
}

/** The fields a failure adds to its log line: the kind always, the error with its stack only at debug. */
export function failureLogFields(error: unknown, log: Logger): Record<string, unknown> {
  const kind = errorKind(error);
  if (!isExpectedFailure(error) && log.isLevelEnabled('debug')) return { kind, err: error };
  return { kind };
}
