import type { Config } from '../config.js';
import { EXIT_INCOMPLETE, UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ApiAnswer, PancakeClient } from '../pancake/client.js';
import { isUserTokenRefusal, PancakeError } from '../pancake/errors.js';
import { expiryWarning, tokenExpiry } from '../sync/user-token.js';
import { str } from '../sync/coercions.js';
import { errorMessage, unavailableReason } from '../sync/errors.js';
import { allListed, resolvePages } from '../sync/pages.js';
import { DEFAULT_STREAMS, STREAMS } from '../sync/registry.js';
import type { PageInfo } from '../sync/stream.js';
import { createAnonymizer } from './anonymize.js';
import { writeCapture } from './capture.js';
import { combine, estimatePage, type BackfillEstimate, type PageEstimate } from './estimate.js';
import { PROBES, type ProbeContext, type Sample } from './probes.js';
import { findMismatch, findWarning } from './shapes.js';
import type { StoredTokens } from '../sync/page-tokens/stored-tokens.js';

// `pancake-sync doctor`: for every page the token reads, one request per stream's endpoint, judged
// against what the code reads; the backfill that --since implies; optionally the answers, made
// anonymous, for a bug report or a test fixture. It writes nothing to the warehouse.

/** `warning`: usable, but a field the official description marks optional is missing (see shapes.ts). */
export type CheckStatus = 'ok' | 'warning' | 'unavailable' | 'unexpected answer' | 'needs setting';

export interface CheckRow {
  pageId: string;
  name: string | null;
  channel: string | null;
  stream: string;
  /** Not in a run without --streams (e.g. stats_new_customers): does not decide the exit code. */
  optIn: boolean;
  status: CheckStatus;
  detail: string;
}

export interface DoctorReport {
  /** PANCAKE_ACCESS_TOKEN: when it expires (null: not a JWT), the warning a run would log, and Pancake's refusal if it refused it. */
  userToken: { expiresAt: Date | null; warning: string | null; refused: string | null } | null;
  rows: CheckRow[];
  estimate: BackfillEstimate;
  /** Every default stream of every page is ok (or waits only for a setting). */
  ok: boolean;
  /** Pages the configuration names that the token cannot read. */
  missingPages: string[];
  /** Listed pages left out because their id cannot be used, each with the reason. */
  refusedPages: string[];
  captured: string[];
}

export interface DoctorDeps {
  config: Config;
  client: PancakeClient;
  log: Logger;
  /** Every answer the client accepted so far (its onAnswer hook). */
  answers: () => readonly ApiAnswer[];
  storedTokens: StoredTokens;
}

export interface DoctorOptions {
  since: Date;
  pages: string[] | null;
  captureDir: string | null;
  now: Date;
}

/** No page to check: one line and exit 1, as `sync` does with an empty page list. */
export class NoPagesToCheckError extends UserError {
  override readonly exitCode = EXIT_INCOMPLETE;
}

export async function runDoctor(deps: DoctorDeps, options: DoctorOptions): Promise<DoctorReport> {
  const { config, client } = deps;
  const expiresAt = config.accessToken ? tokenExpiry(config.accessToken) : null;
  const userToken = config.accessToken ? { expiresAt, warning: expiryWarning(expiresAt, options.now), refused: null as string | null } : null;
  let resolved: Awaited<ReturnType<typeof resolvePages>>;
  try {
    resolved = await resolvePages(client, config, options.pages);
  } catch (error) {
    if (!isUserTokenRefusal(error) || userToken === null) throw error;
    // Nothing to check without the page list: the refusal is the finding.
    userToken.refused = errorMessage(error);
    return { userToken, rows: [], estimate: combine(options.since, options.now, [], config.rateLimitPerSecond), ok: false, missingPages: [], refusedPages: [], captured: [] };
  }
  if (resolved.pages.length === 0 && resolved.missing.length === 0 && resolved.refused.length === 0) {
    throw new NoPagesToCheckError(
      'Pancake listed no pages for this token, so there is nothing to check. A token that lost its access looks just like a shop without pages: check PANCAKE_ACCESS_TOKEN and its pages in Pancake.',
    );
  }
  const channels = new Map(allListed(resolved.listed).map((p) => [String(p.id), str(p.platform)]));
  const days = Math.max(1, Math.ceil((options.now.getTime() - options.since.getTime()) / 86_400_000));
  const defaults = DEFAULT_STREAMS.map((s) => s.name);
  const checked = await Promise.all(
    resolved.pages.map(async (page) => {
      const rows = await checkPage(deps, page, channels.get(page.id) ?? null, options.now);
      return { rows: rows.rows, estimate: estimatePage(rows.samples, defaults, days, config.windowDays) };
    }),
  );
  const rows = checked.flatMap((c) => c.rows);
  const estimates: PageEstimate[] = checked.map((c) => c.estimate);
  const ok = resolved.missing.length === 0 && resolved.refused.length === 0 && rows.every((r) => r.optIn || r.status === 'ok' || r.status === 'warning' || r.status === 'needs setting');
  let captured: string[] = [];
  if (options.captureDir !== null) {
    const secrets = [config.accessToken, ...config.pageTokens.values()].filter((t): t is string => typeof t === 'string');
    const pageIds = resolved.pages.map((p) => p.id);
    captured = await writeCapture(options.captureDir, deps.answers(), pageIds, createAnonymizer(secrets, pageIds));
  }
  return { userToken, rows, estimate: combine(options.since, options.now, estimates, config.rateLimitPerSecond), ok, missingPages: resolved.missing, refusedPages: resolved.refused, captured };
}

async function checkPage(deps: DoctorDeps, page: PageInfo, channel: string | null, now: Date): Promise<{ rows: CheckRow[]; samples: Map<string, Sample | undefined> }> {
  const { client, config } = deps;
  const samples = new Map<string, Sample | undefined>();
  const row = (stream: string, status: CheckStatus, detail: string): CheckRow => ({
    pageId: page.id,
    name: page.name,
    channel,
    stream,
    optIn: STREAMS.find((s) => s.name === stream)?.optIn !== undefined,
    status,
    detail,
  });
  try {
    await givePageToken(deps, page.id);
  } catch (error) {
    const reason = `no page token: ${errorMessage(error)}`;
    return { rows: STREAMS.map((s) => row(s.name, 'unavailable', reason)), samples };
  }
  const ctx: ProbeContext = { client, page, callCenterId: config.callCenterIds.get(page.id) ?? null, now, conversations: null };
  const rows: CheckRow[] = [];
  for (const stream of STREAMS) {
    const probe = PROBES.find((p) => p.stream === stream.name);
    if (!probe) {
      rows.push(row(stream.name, 'unavailable', 'doctor has no check for this stream yet'));
      continue;
    }
    const before = deps.answers().length;
    const answerBody = () => deps.answers().slice(before).filter((a) => a.pageId === page.id).at(-1)?.body;
    try {
      const result = await probe.run(ctx);
      samples.set(stream.name, result.sample);
      if (result.needs !== undefined) {
        rows.push(row(stream.name, 'needs setting', result.needs));
        continue;
      }
      const mismatch = result.note === undefined ? findMismatch(answerBody(), probe.shape) : null;
      const warning = result.note === undefined && mismatch === null ? findWarning(answerBody(), probe.shape) : null;
      if (mismatch !== null) rows.push(row(stream.name, 'unexpected answer', mismatch));
      else if (warning !== null) rows.push(row(stream.name, 'warning', warning));
      else rows.push(row(stream.name, 'ok', result.note ?? ''));
    } catch (error) {
      const body = answerBody();
      const mismatch = body === undefined ? null : findMismatch(body, probe.shape);
      if (error instanceof PancakeError && error.kind === 'invalid_response') rows.push(row(stream.name, 'unexpected answer', mismatch ?? errorMessage(error)));
      else rows.push(row(stream.name, 'unavailable', unavailableReason(error) ?? errorMessage(error)));
    }
  }
  return { rows, samples };
}

/** PANCAKE_PAGE_TOKENS, else the token sync stored, else a new one (kept nowhere). */
async function givePageToken(deps: DoctorDeps, pageId: string): Promise<void> {
  const configured = deps.config.pageTokens.get(pageId);
  if (configured) return deps.client.setPageToken(pageId, configured);
  const stored = await deps.storedTokens.lookup(pageId);
  if (stored !== null) return deps.client.setPageToken(pageId, stored);
  await deps.client.generatePageAccessToken(pageId);
}
