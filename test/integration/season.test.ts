import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStatus } from '../../src/commands/status.js';
import type { Env } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { RequestLogEntry, ShopChangeRates } from '../../src/simulator/index.js';
import { runSync, type RunSummary, type SyncOptions } from '../../src/sync/runner.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';
import { SOAK } from '../support/tier.js';
import { COMPARED, LIST_STREAMS, compareWithFreshBackfill, createFreshWarehouse, seasonEnv, type FreshWarehouse } from '../support/season.js';
import { RECORD_KINDS, TABLE_OF_KIND, windowModel, type PredictedDifferences, type WindowModel } from '../support/season-model.js';

// A season unattended (README, "Running it for months"): a backfill, then 32 nights in simulated
// time in which the shop changes every night (new, edited, late-stamped, deleted and returning
// records), the user token expires and is renewed two nights later, a page lapses for two nights,
// and another client shares the rate limit. Every night's exit code and log lines are asserted,
// and the warehouse is compared with a fresh backfill of the shop at that moment (in `npm test`,
// after the nights where something happens, and the last: COMPARED_NIGHTS; in `npm run test:soak`,
// test/support/tier.ts, after every night):
//  - after a night that swept (every SYNC_SWEEP_EVERY, 7 days by default) it equals it row for
//    row, records deleted in Pancake marked with that night's time, not missing;
//  - after any other night it differs by exactly what the incremental windows predict
//    (test/support/season-model.ts): the records stamped before every window that ran since they
//    appeared are missing, those deleted since the last sweep are kept unmarked. The test counts them.
//
// Statistics are left out: they are re-read by day from Pancake's aggregates, not swept and not
// part of what a sweep keeps equal (test/support/season.ts), and would double every night's
// requests. The shop's clock moves only with advanceTo, so nothing waits but the sync's own
// requests (and, on the shared nights, the pauses rate-limited answers ask for).

const DAY = 86_400_000;
const NIGHTS = 32;
/** A fixed start: the nights' changes are drawn from the seed and the clock's instants, so every run lives the same season. */
const SEASON_START = Date.UTC(2026, 0, 5, 3, 0, 0);
/** Sweeps run by themselves every 7 days (SYNC_SWEEP_EVERY's default) after the backfill. */
const SWEEP_NIGHTS = [7, 14, 21, 28];
/** Pancake refuses the user token from this night (error_code 103; its JWT expired 12 hours before) ... */
const EXPIRED_NIGHT = 20;
/** ... and it is renewed two nights later. */
const RENEWED_NIGHT = 22;
/** The first page's subscription lapses (the page list's `inactivated`) for two nights. */
const LAPSED_NIGHTS = [10, 11];
/**
 * Another client spends 8 of the page limit's 20 requests/s (PANCAKE_RATE_LIMIT=20), the share of
 * the benchmark's 2 of 5, at a pace the nights' requests outrun; night 28 also sweeps.
 */
const SHARED_NIGHTS = [27, 28];
const PAGE_LIMIT = 20;
const OTHER_CLIENT = 8;
/** The shop's own pace (about 1 change of each kind a day and page), new conversations a little slower (fewer messages in each fresh backfill), tags deleted now and then. */
const RATES: ShopChangeRates = { newConversations: 0.6, deletedTags: 0.05 };
/** One window per stream where a sweep or the fresh backfill allows (fewer requests; the same records). */
const ENV: Env = { SYNC_WINDOW_DAYS: '29' };
/** What every line about the user token tells the owner to do. */
const RENEW = 'generate a new user token in Pancake (Settings → Tools → API) and set it as PANCAKE_ACCESS_TOKEN (with the old one as PANCAKE_PREVIOUS_ACCESS_TOKEN for the next run, so that the stored page tokens are kept)';
/**
 * The nights compared with a fresh backfill in `npm test`, each fresh backfill costing about twice
 * the night itself: the nights where something happens (each sweep, both lapsed nights, the expiry
 * and the refused sweep after it, the renewal, the shared limit) and the last; the night before a
 * sweep (the most a night lacks) is night 27. Every other night is compared in the soak tier.
 * What the model predicts and the warehouse lacks is still tallied every night.
 */
const COMPARED_NIGHTS = new Set([7, 10, 11, 14, 20, 21, 22, 27, 28, 32]);
const LIST_STREAMS_SWEPT = 4; // conversations, customers, posts, call_logs (tags and users are whole lists every night)

interface LogLine {
  level: number;
  msg: string;
}

interface Night {
  n: number;
  now: number;
  label: string;
  sweep: boolean;
  refused: boolean;
  shared: boolean;
}

describe('a season unattended', () => {
  let h: SyncHarness;
  let fresh: FreshWarehouse;
  let model: WindowModel;
  let since: Date;
  let pages: [string, string];
  const expiresAt = new Date(SEASON_START + (EXPIRED_NIGHT - 0.5) * DAY);
  const renewedExpiresAt = new Date(SEASON_START + (RENEWED_NIGHT + 90) * DAY);

  beforeAll(async () => {
    // Simulated time stays behind the real clock (test/support/season.ts).
    expect(SEASON_START + (NIGHTS + 1) * DAY).toBeLessThan(Date.now());
    h = await createSyncHarness(
      { seed: 2201, pages: 2, conversationsPerPage: 12, historyDays: 12, messagesPerConversation: { min: 1, max: 6 }, now: new Date(SEASON_START), clock: 'manual', userTokenExpiresAt: expiresAt, rateLimitAnswer: 'body' },
      'season',
    );
    fresh = await createFreshWarehouse('season_fresh');
    model = windowModel(h);
    since = new Date(SEASON_START - 13 * DAY);
    pages = h.sim.data.pages.map((p) => p.id) as [string, string];
  });
  afterAll(async () => {
    await fresh?.close();
    await h?.close();
  });

  /** One run at the shop's clock, in process, with its log lines and the requests it made. */
  async function run(options: SyncOptions, extra: Env = {}): Promise<{ summary: RunSummary; lines: LogLine[]; requests: RequestLogEntry[] }> {
    const lines: LogLine[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } });
    const config = h.config(seasonEnv(h, { ...ENV, ...extra }));
    const before = h.sim.requests.length;
    const summary = await runSync({ config, db: h.db, client: h.client(config), log, now: h.sim.now() }, { streams: LIST_STREAMS, ...options });
    return { summary, lines, requests: h.sim.requests.slice(before) };
  }

  /** The warnings and errors a night calls for, and nothing else. */
  function expectLogLines(night: Night, lines: LogLine[], summary: RunSummary): void {
    const { n, now, label, refused, shared } = night;
    const warnings = lines.filter((l) => l.level === 40).map((l) => l.msg);
    const errors = lines.filter((l) => l.level >= 50).map((l) => l.msg);
    const expiry = `${expiresAt.toISOString().slice(0, 10)} ${expiresAt.toISOString().slice(11, 16)} UTC`;
    const expected: unknown[] = [];
    // From 14 days before the expiry, every run says when, until the token is renewed.
    if (n < RENEWED_NIGHT && expiresAt.getTime() - now <= 14 * DAY) {
      const days = Math.floor((expiresAt.getTime() - now) / DAY);
      const left = days === 0 ? 'less than a day' : `${days} day${days === 1 ? '' : 's'}`;
      expected.push(
        now >= expiresAt.getTime()
          ? `PANCAKE_ACCESS_TOKEN expired on ${expiry}: ${RENEW}`
          : `PANCAKE_ACCESS_TOKEN expires on ${expiry} (in ${left}): ${RENEW} before then; without it no new page is found and no page token can be renewed`,
      );
    }
    // A rate-limited spell is logged at most once a minute per page, if one happens at all (timing decides).
    const spell = /^Pancake is rate-limiting the requests for page \S+ \(\d+ rate-limited answers so far\): pacing at [\d.]+ requests\/s and waiting; the page's limit is shared with the shop's other integrations$/;
    const spells = warnings.filter((w) => spell.test(w));
    expect(warnings.filter((w) => !spell.test(w)), `${label}: warnings`).toEqual(expected);
    expect(spells.length, `${label}: rate-limited spells logged`).toBeLessThanOrEqual(shared ? pages.length : 0);
    // The user token refused: one line for the whole run, saying what still happened and what to do.
    expect(errors, `${label}: errors`).toEqual(
      refused
        ? [expect.stringMatching(new RegExp(`^Pancake refused PANCAKE_ACCESS_TOKEN \\(error_code 103\\); it expired on ${expiry}: synced the 2 page\\(s\\) whose page token is stored or in PANCAKE_PAGE_TOKENS, from the page list of earlier runs\\. Without it no new page is found and no refused page token can be renewed: generate a new user token`))]
        : [],
    );
    expect(errors, label).toEqual(summary.failures.map((f) => f.message));
    expect(lines.filter((l) => l.msg === 'sync started' || l.msg === 'sync finished').map((l) => l.msg), label).toEqual(['sync started', 'sync finished']);
  }

  /** The warehouse against a fresh backfill: row for row after a sweep, else exactly what the model predicts. */
  async function expectComparison(night: Night, prediction: PredictedDifferences): Promise<void> {
    const { now, label, refused, sweep } = night;
    // With the user token refused, the fresh backfill reads with the page tokens.
    const tokens = refused ? { PANCAKE_ACCESS_TOKEN: '', PANCAKE_PAGE_TOKENS: pages.map((id) => `${id}:${h.sim.pageToken(id)}`).join(',') } : {};
    const { differences, expected, live } = await compareWithFreshBackfill(h, since, new Date(now), { ...ENV, ...tokens }, fresh);
    for (const kind of RECORD_KINDS) {
      const found = differences[TABLE_OF_KIND[kind]]!;
      expect({ missing: [...found.missing].sort(), extra: [...found.extra].sort(), markedButListed: [...found.markedButListed].sort() }, `${label}: ${TABLE_OF_KIND[kind]}`).toEqual(prediction[kind]);
    }
    // A conversation's rows follow it: missing with it, kept with it.
    const missing = new Set(prediction.conversation.missing);
    const kept = new Set(prediction.conversation.extra);
    for (const [table, key, column] of COMPARED.filter(([table, , column]) => column !== null && table !== 'pancake.conversations')) {
      const keyOf = (row: Record<string, unknown>) => key.split(', ').map((c) => String(row[c] instanceof Date ? (row[c] as Date).toISOString() : row[c])).join('|');
      const of = (rows: unknown[], conversations: Set<string>) => (rows as Array<Record<string, unknown>>).filter((row) => conversations.has(`${row.page_id}|${row[column!]}`)).map(keyOf).sort();
      expect([...differences[table]!.missing].sort(), `${label}: ${table} missing`).toEqual(of(expected.get(table)!, missing));
      expect([...differences[table]!.extra].sort(), `${label}: ${table} kept`).toEqual(of(live.get(table)!, kept));
    }
    for (const [table] of COMPARED) expect(differences[table]!.changed, `${label}: ${table} changed`).toEqual([]);
    for (const table of ['pancake.call_logs', 'pancake.tags', 'pancake.page_users']) expect(differences[table], `${label}: ${table}`).toEqual({ missing: [], extra: [], changed: [], markedButListed: [] });
    if (sweep) {
      for (const [table] of COMPARED) expect(live.get(table), `${label}: ${table} after a sweep`).toEqual(expected.get(table));
      for (const kind of RECORD_KINDS) expect(prediction[kind], label).toEqual({ missing: [], extra: [], markedButListed: [] });
    }
  }

  it('a backfill, then 32 nights: the exit code and log lines of each, and the warehouse against a fresh backfill after each', async () => {
    // Every night where something happens is among those compared in `npm test`.
    const eventful = [...SWEEP_NIGHTS, ...LAPSED_NIGHTS, EXPIRED_NIGHT, RENEWED_NIGHT, ...SHARED_NIGHTS, NIGHTS];
    expect(eventful.filter((n) => !COMPARED_NIGHTS.has(n))).toEqual([]);
    const backfill = await run({ since });
    expect(backfill.summary.exitCode, JSON.stringify(backfill.summary.failures)).toBe(0);
    expect(backfill.lines.filter((l) => l.level >= 40)).toEqual([]);
    expect(backfill.requests.filter((r) => r.endpoint === 'generate_page_token').length).toBe(pages.length);
    model.afterRun(null, SEASON_START);

    const lookbackMs = h.config().lookbackMs;
    const season = { lateMissing: new Set<string>(), nightsLacking: 0, marked: { conversation: 0, customer: 0, post: 0 }, deletedTags: 0, restored: 0, rateLimited: 0, comparedLacking: 0, comparedKept: 0 };
    let previous = SEASON_START;

    for (let n = 1; n <= NIGHTS; n++) {
      const now = SEASON_START + n * DAY;
      const night: Night = { n, now, label: `night ${n}`, sweep: SWEEP_NIGHTS.includes(n), refused: n >= EXPIRED_NIGHT && n < RENEWED_NIGHT, shared: SHARED_NIGHTS.includes(n) };
      const { label } = night;
      if (n === LAPSED_NIGHTS[0]) h.sim.setPageListStatus(pages[0], 'inactivated');
      if (n === LAPSED_NIGHTS.at(-1)! + 1) h.sim.setPageListStatus(pages[0], 'activated');
      if (n === EXPIRED_NIGHT) h.sim.expireUserToken();
      // Renewed as the warning says: the old token as PANCAKE_PREVIOUS_ACCESS_TOKEN for that night's run.
      const previousToken = n === RENEWED_NIGHT ? h.sim.userToken : null;
      if (n === RENEWED_NIGHT) h.sim.renewUserToken(renewedExpiresAt);
      if (night.shared) {
        h.sim.setRateLimit(PAGE_LIMIT);
        h.sim.setOtherClientLoad({ perSecond: OTHER_CLIENT });
      }
      const changes = h.sim.advanceTo(new Date(now), RATES);
      season.restored += changes.restored.length;
      season.deletedTags += changes.deleted.filter((d) => d.kind === 'tag').length;

      const { summary, lines, requests } = await run({}, { ...(night.shared ? { PANCAKE_RATE_LIMIT: String(PAGE_LIMIT) } : {}), ...(previousToken === null ? {} : { PANCAKE_PREVIOUS_ACCESS_TOKEN: previousToken }) });
      h.sim.setRateLimit(null);
      h.sim.setOtherClientLoad(null);

      // Every page synced every night, the lapsed one too (its token reads); with the user token
      // refused, the run exits 1 with that one failure.
      expect(summary.exitCode, `${label}: ${JSON.stringify(summary.failures)}`).toBe(night.refused ? 1 : 0);
      expect(summary.failures.map((f) => f.kind), label).toEqual(night.refused ? ['user_token_refused'] : []);
      expect(summary.outcomes.filter((o) => o.status !== 'done'), label).toEqual([]);
      expect(new Set(summary.outcomes.map((o) => o.pageId)), label).toEqual(new Set(pages));
      expect(summary.userToken, label).toEqual({ expiresAt: n >= RENEWED_NIGHT ? renewedExpiresAt : expiresAt, state: night.refused ? 'refused' : 'accepted' });
      expectLogLines(night, lines, summary);

      // Page tokens: the stored ones serve every night, the refused ones included, and none is ever
      // generated again (which could revoke the ones the shop's other integrations use). The night
      // of the renewal opens each with PANCAKE_PREVIOUS_ACCESS_TOKEN and seals it again, once.
      const resealed = lines.filter((l) => /^page \S+: the stored page token was sealed with PANCAKE_PREVIOUS_ACCESS_TOKEN; kept and sealed again with the new PANCAKE_ACCESS_TOKEN$/.test(l.msg));
      expect([requests.filter((r) => r.endpoint === 'generate_page_token').length, resealed.length], label).toEqual([0, n === RENEWED_NIGHT ? 2 : 0]);
      expect(requests.filter((r) => r.endpoint === 'list_pages').map((r) => r.status), label).toEqual([200]);
      for (const pageId of pages) expect(summary.pageHealth[pageId], label).toMatchObject({ token: 'stored', tokenState: 'working' });

      // The lapsed page: synced while `inactivated`, and its row says so; then back.
      const lapsed = await h.db.selectFrom('pancake.pages').select('status').where('id', '=', pages[0]).executeTakeFirstOrThrow();
      expect(lapsed.status, label).toBe(LAPSED_NIGHTS.includes(n) ? 'inactivated' : 'activated');

      // The shared limit: every rate-limited answer was counted, per page too, and waited out (no page failed).
      const limited = requests.filter((r) => r.rateLimited);
      expect(summary.rateLimited, label).toBe(limited.length);
      for (const pageId of pages) expect(summary.pageHealth[pageId]!.rateLimited, label).toBe(limited.filter((r) => r.pageId === pageId).length);
      if (!night.shared) expect(limited.length, label).toBe(0);
      if (night.shared) expect(summary.effectiveRate!, label).toBeLessThanOrEqual(PAGE_LIMIT);
      season.rateLimited += limited.length;
      const row = await h.db.selectFrom('pancake.sync_runs').select(['rate_limited', 'user_token_state']).where('id', '=', summary.runId).executeTakeFirstOrThrow();
      expect(row, label).toEqual({ rate_limited: limited.length, user_token_state: night.refused ? 'refused' : 'accepted' });

      // Sweeps run on their nights only, every swept stream of every page, each saying what it marked.
      const swept = lines.filter((l) => /^sweep of \w+ of page \S+ done: \d+ record\(s\) Pancake no longer lists marked deleted$/.test(l.msg));
      expect(swept.length, label).toBe(night.sweep ? LIST_STREAMS_SWEPT * pages.length : 0);
      const marked = model.afterRun(night.sweep ? null : Math.floor(previous / 1000) * 1000 - lookbackMs, now);
      expect(swept.reduce((sum, l) => sum + Number(/done: (\d+) record/.exec(l.msg)![1]), 0), label).toBe(marked);
      expect(await model.markedInWarehouse(), `${label}: records marked deleted, and when`).toEqual(model.marked);
      for (const [key, at] of model.marked) if (at === now) season.marked[key.split('|')[0] as keyof typeof season.marked] += 1;

      const prediction = model.predicted();
      if (SOAK || COMPARED_NIGHTS.has(n)) {
        await expectComparison(night, prediction);
        if (RECORD_KINDS.some((kind) => prediction[kind].missing.length > 0)) season.comparedLacking += 1;
        if (RECORD_KINDS.some((kind) => prediction[kind].extra.length > 0)) season.comparedKept += 1;
      }
      // What a night without a sweep lacks: records stamped before its window, mostly late-stamped customers.
      const late = new Set(h.sim.data.lateStamped.map((r) => `${r.pageId}|${r.id}`));
      const lacking = RECORD_KINDS.flatMap((kind) => prediction[kind].missing);
      for (const key of lacking.filter((k) => late.has(k))) season.lateMissing.add(key);
      if (lacking.length > 0) season.nightsLacking += 1;

      // status shows the season: the refused token until a run succeeds with a valid one, the lapsed page's list.
      if ([EXPIRED_NIGHT, RENEWED_NIGHT, LAPSED_NIGHTS[0]].includes(n)) {
        const status = await buildStatus(h.db, new Date(now), null, h.config());
        expect(status.userToken, label).toMatchObject({ state: night.refused ? 'refused' : 'accepted', runId: summary.runId });
        expect(status.pages?.find((p) => p.pageId === pages[0])?.listStatus, label).toBe(LAPSED_NIGHTS.includes(n) ? 'inactivated' : 'activated');
      }
      previous = now;
    }

    // The season held what it is meant to: late-stamped records the nights missed (until a sweep),
    // deletions of every kind marked, records coming back.
    expect(season.lateMissing.size).toBeGreaterThanOrEqual(20);
    expect(season.nightsLacking).toBeGreaterThanOrEqual(20);
    // The compared nights include some that lack records and some that keep deleted ones unmarked:
    // the model's prediction was checked where it predicts something.
    expect(season.comparedLacking).toBeGreaterThanOrEqual(3);
    expect(season.comparedKept).toBeGreaterThanOrEqual(1);
    expect(season.marked.conversation).toBeGreaterThan(0);
    expect(season.marked.customer).toBeGreaterThan(0);
    expect(season.marked.post).toBeGreaterThan(0);
    expect(season.deletedTags).toBeGreaterThan(0);
    expect(season.restored).toBeGreaterThan(0);
  }, 300_000);
});
