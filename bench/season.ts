// A season (bench/README.md, "A season"): what a nightly run costs over weeks of a changing shop, and
// one night of a 300-page shop. Part of `npm run bench`, or alone:
//
//   npm run bench -- --season [--season-pages 4] [--season-conversations 60] [--season-nights 30] [--night-pages 300]
//
// The season: the simulator on a manual clock (seed 42, --season-pages pages × --season-conversations
// conversations over 30 days, 5–25 messages each, no latency, no rate limit), a backfill, then
// --season-nights nights of the shop's default changes (new, edited, late-stamped, deleted and
// returning records), the user token expiring on night 20 and renewed on night 22, the first page
// lapsed (inactivated) on nights 10 and 11. Every run is runSync of the built code in a child process
// at the shop's clock (bench/season-sync.mjs, every stream, the CLI's defaults but the rate limit),
// measured with getrusage (bench/usage-probe.mjs). Every SYNC_SWEEP_EVERY (7 days) a run sweeps;
// after each such night the warehouse is compared with a fresh backfill of the shop at that moment
// (bench/live-rows.ts). Figures: `nights`, `pages`, `equals_fresh_backfill` (after every sweep night),
// `nightly_cpu_s_per_page` (the median night without a sweep: CPU seconds of the process ÷ pages).
//
// One night of 300 pages (`pages_300`): the simulator on the real clock, --night-pages pages × 30
// conversations over 30 days, latency 30 ms, 5 requests/s per page enforced; a backfill, then new
// messages in 20 conversations of every page, then one nightly `pancake-sync sync` (the built CLI,
// every stream, its defaults: PANCAKE_RATE_LIMIT=5, SYNC_CONCURRENCY=8): its wall time, CPU seconds
// per page and peak RSS.
//
// Written into bench/results.json under `season`, keeping its other keys (shared_limit from
// bench/shared-limit.ts, sweep_requests_ratio from bench/sweep.ts) and every other key.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { parseConfig, type Env } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { createPancakeClient } from '../src/pancake/client.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { runSync } from '../src/sync/runner.js';
import { createDb } from '../src/warehouse/db.js';
import { migrateToLatest } from '../src/warehouse/migrate.js';
import { flag } from './args.js';
import { runCliSync, runMeasured, type CliSyncFigures } from './cli-sync.js';
import { createDatabase, withBenchServer } from './database.js';
import { compareLiveRows, type TableDifference } from './live-rows.js';
import { benchSyncEnv } from './sync-env.js';

const RESULTS = join(fileURLToPath(new URL('.', import.meta.url)), 'results.json');
const DAY = 86_400_000;
const HISTORY_DAYS = 30;
const SWEEP_EVERY_NIGHTS = 7;
const EXPIRED_NIGHT = 20;
const RENEWED_NIGHT = 22;
const LAPSED_NIGHTS = [10, 11];
const LIST_STREAMS = ['conversations', 'messages', 'customers', 'posts', 'tags', 'page_users', 'call_logs'];
const CHANGED_PER_PAGE = 20;
/** Pages per backfill run of the many-page night's setup. */
const BACKFILL_BATCH = 20;

interface NightFigures {
  night: number;
  sweep: boolean;
  exit_code: number | null;
  /** The exit code the night should have (1 while the user token is refused). */
  expected_exit_code: number;
  requests: number;
  wall_s: number;
  cpu_s: number;
  peak_rss_mib: number;
  warnings: number;
  errors: number;
  /** After a sweep: whether the warehouse equalled a fresh backfill, and the tables that did not. */
  equals_fresh_backfill?: boolean;
  differing?: TableDifference[];
}

export interface SeasonRun {
  nights: number;
  pages: number;
  equals_fresh_backfill: boolean;
  nightly_cpu_s_per_page: number;
  sweep_night_cpu_s_per_page: number;
  /** Every night's exit code was the expected one. */
  exit_codes_as_expected: boolean;
  setting: string;
  detail: NightFigures[];
}

export interface NightOf300 {
  wall_s: number;
  cpu_s_per_page: number;
  peak_rss_mib: number;
  requests: number;
  exit_code: number | null;
  /** The 20 changed conversations of every page hold all their messages afterwards. */
  complete: boolean;
  backfill_wall_s: number;
  setting: string;
}

const callCenters = (sim: Simulator) => sim.data.pages.map((p) => `${p.id}:${sim.callCenterId(p.id)}`).join(',');
const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const cpuOf = (f: CliSyncFigures) => f.userCpuSeconds + f.systemCpuSeconds;

/** The season run (see the file comment). */
export async function measureSeason(adminUrl: string, options: { pages: number; conversations: number; nights: number }): Promise<SeasonRun> {
  const t0 = Math.floor((Date.now() - (options.nights + 3) * DAY) / 1000) * 1000;
  const sim = await startSimulator({ seed: 42, pages: options.pages, conversationsPerPage: options.conversations, messagesPerConversation: { min: 5, max: 25 }, historyDays: HISTORY_DAYS, now: new Date(t0), clock: 'manual', userTokenExpiresAt: new Date(t0 + (EXPIRED_NIGHT - 0.5) * DAY), rateLimitAnswer: 'body' });
  const url = await createDatabase(adminUrl, 'pancake_bench_season');
  const db = createDb(url, 2);
  const since = new Date(t0 - (HISTORY_DAYS + 1) * DAY);
  const setting = `${options.pages} pages × ${options.conversations} conversations over ${HISTORY_DAYS} days (5–25 messages each), ${options.nights} nights of the simulator's default changes, the user token expired on night ${EXPIRED_NIGHT} and renewed on night ${RENEWED_NIGHT}, the first page inactivated on nights ${LAPSED_NIGHTS.join(' and ')}; every stream, no latency, no rate limit, SYNC_CONCURRENCY=8`;
  process.stderr.write(`season: ${setting}\n`);
  try {
    await migrateToLatest(db);
    const night = async (extra: Env) => {
      const env = { ...benchSyncEnv(sim, url, 1000, 8), PANCAKE_CALL_CENTER_IDS: callCenters(sim), LOG_LEVEL: 'silent', BENCH_NOW: sim.now().toISOString(), ...extra } as Record<string, string>;
      const { figures, stdout } = await runMeasured(sim, env, ['bench/season-sync.mjs']);
      const said = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { warnings?: string[]; errors?: string[] };
      return { figures, warnings: said.warnings?.length ?? 0, errors: said.errors?.length ?? 0 };
    };
    const backfill = await night({ BENCH_SINCE: since.toISOString() });
    if (backfill.figures.exitCode !== 0) throw new Error(`the season's backfill exited with ${backfill.figures.exitCode}`);

    const detail: NightFigures[] = [];
    for (let n = 1; n <= options.nights; n++) {
      if (n === LAPSED_NIGHTS[0]) sim.setPageListStatus(sim.data.pages[0]!.id, 'inactivated');
      if (n === LAPSED_NIGHTS.at(-1)! + 1) sim.setPageListStatus(sim.data.pages[0]!.id, 'activated');
      if (n === EXPIRED_NIGHT) sim.expireUserToken();
      if (n === RENEWED_NIGHT) sim.renewUserToken(new Date(t0 + (n + 90) * DAY));
      sim.advanceTo(new Date(t0 + n * DAY));
      const { figures, warnings, errors } = await night({});
      const refused = n >= EXPIRED_NIGHT && n < RENEWED_NIGHT;
      const sweep = n % SWEEP_EVERY_NIGHTS === 0;
      const result: NightFigures = { night: n, sweep, exit_code: figures.exitCode, expected_exit_code: refused ? 1 : 0, requests: figures.requests, wall_s: round(figures.wallSeconds), cpu_s: round(cpuOf(figures)), peak_rss_mib: round(figures.peakRssMiB, 1), warnings, errors };
      if (sweep) Object.assign(result, await againstFreshBackfill(sim, db, adminUrl, since, refused));
      detail.push(result);
    }
    const cpuPerPage = (sweep: boolean) => round(median(detail.filter((d) => d.sweep === sweep).map((d) => d.cpu_s)) / options.pages);
    return {
      nights: options.nights,
      pages: options.pages,
      equals_fresh_backfill: detail.filter((d) => d.sweep).every((d) => d.equals_fresh_backfill === true),
      nightly_cpu_s_per_page: cpuPerPage(false),
      sweep_night_cpu_s_per_page: cpuPerPage(true),
      exit_codes_as_expected: detail.every((d) => d.exit_code === d.expected_exit_code),
      setting,
      detail,
    };
  } finally {
    await db.destroy();
    await sim.close();
  }
}

/** A fresh backfill of the shop at its clock (the list streams, in this process) compared with the warehouse's live rows. */
async function againstFreshBackfill(sim: Simulator, db: ReturnType<typeof createDb>, adminUrl: string, since: Date, userTokenRefused: boolean): Promise<{ equals_fresh_backfill: boolean; differing: TableDifference[] }> {
  const url = await createDatabase(adminUrl, 'pancake_bench_season_fresh');
  const fresh = createDb(url, 4);
  try {
    await migrateToLatest(fresh);
    // With the user token refused, a fresh backfill can read with the page tokens only.
    const tokens = userTokenRefused ? { PANCAKE_ACCESS_TOKEN: '', PANCAKE_PAGE_TOKENS: sim.data.pages.map((p) => `${p.id}:${sim.pageToken(p.id)}`).join(',') } : {};
    const config = parseConfig({ ...benchSyncEnv(sim, url, 1000, 16), PANCAKE_CALL_CENTER_IDS: callCenters(sim), LOG_LEVEL: 'silent', ...tokens });
    const client = createPancakeClient({ baseUrl: config.baseUrl, accessToken: config.accessToken ?? '', pageTokens: config.pageTokens, rateLimit: config.rateLimitPerSecond, concurrency: config.concurrency, retryMinDelayMs: 20 });
    const summary = await runSync({ config, db: fresh, client, log: silentLogger, now: sim.now() }, { streams: LIST_STREAMS, since });
    if (summary.exitCode !== 0) throw new Error(`the fresh backfill failed: ${JSON.stringify(summary.failures)}`);
    const { equal, differences } = await compareLiveRows(db, fresh);
    return { equals_fresh_backfill: equal, differing: differences };
  } finally {
    await fresh.destroy();
  }
}

/** One nightly run over `pages` pages with 20 changed conversations each (see the file comment). */
export async function measureNightOf300(adminUrl: string, pages: number): Promise<NightOf300> {
  const sim = await startSimulator({ seed: 42, pages, conversationsPerPage: 30, messagesPerConversation: { min: 5, max: 25 }, historyDays: HISTORY_DAYS, latencyMs: 30, rateLimitPerSecond: 5 });
  const url = await createDatabase(adminUrl, 'pancake_bench_pages_300');
  const db = createDb(url, 2);
  const setting = `${pages} pages × 30 conversations over ${HISTORY_DAYS} days (5–25 messages each), new messages in ${CHANGED_PER_PAGE} conversations of every page; latency 30 ms, 5 requests/s per page enforced; the CLI with every stream and its defaults (PANCAKE_RATE_LIMIT=5, SYNC_CONCURRENCY=8)`;
  process.stderr.write(`one night of ${pages} pages: ${setting}\n`);
  try {
    const env = { PANCAKE_CALL_CENTER_IDS: callCenters(sim) };
    const since = new Date(sim.data.now.getTime() - (HISTORY_DAYS + 1) * DAY).toISOString();
    // The backfill is not measured: runs of BACKFILL_BATCH pages each, more requests in flight, to get
    // there sooner (all 300 pages at once wait on the database pool past its connection timeout).
    const t0 = performance.now();
    for (let first = 0; first < sim.data.pages.length; first += BACKFILL_BATCH) {
      const batch = sim.data.pages.slice(first, first + BACKFILL_BATCH).map((p) => p.id);
      // A batch that failed (the pool's connection timeout on a loaded machine) is run again once: it resumes.
      let backfill = await runCliSync(sim, { ...benchSyncEnv(sim, url, 5, 32), ...env, LOG_LEVEL: 'error' }, ['--since', since, '--pages', batch.join(',')]);
      if (backfill.exitCode !== 0) backfill = await runCliSync(sim, { ...benchSyncEnv(sim, url, 5, 32), ...env, LOG_LEVEL: 'error' }, ['--since', since, '--pages', batch.join(',')]);
      if (backfill.exitCode !== 0) throw new Error(`the backfill of pages ${first + 1}–${first + batch.length} of ${pages} exited with ${backfill.exitCode}`);
    }
    const backfillWallSeconds = (performance.now() - t0) / 1000;
    const changed: string[] = [];
    for (const page of sim.data.pages) {
      for (const conversation of sim.data.conversations.get(page.id)!.filter((c) => c.type !== 'RATING').slice(0, CHANGED_PER_PAGE)) {
        sim.addMessages(conversation.id, 2);
        changed.push(conversation.id);
      }
    }
    // A run reads whole seconds up to the one it starts in (no safety lag here): let the changes' second pass.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const run = await runCliSync(sim, { ...benchSyncEnv(sim, url, 5, 8), ...env, LOG_LEVEL: 'warn' }, []);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pancake.messages where conversation_id = any(${changed}::text[])`.execute(db);
    const expected = changed.reduce((n, id) => n + sim.data.messages.get(id)!.length, 0);
    return {
      wall_s: round(run.wallSeconds, 1),
      cpu_s_per_page: round(cpuOf(run) / pages, 4),
      peak_rss_mib: round(run.peakRssMiB, 1),
      requests: run.requests,
      exit_code: run.exitCode,
      complete: rows[0]?.n === expected,
      backfill_wall_s: round(backfillWallSeconds, 1),
      setting,
    };
  } finally {
    await db.destroy();
    await sim.close();
  }
}

/**
 * Measures both (`--season-nights 0` or `--night-pages 0` leaves one out), each written under
 * `season` as soon as it is measured (keeping its other keys), and prints them with every season target.
 */
export async function benchSeason(adminUrl: string, argv: readonly string[]): Promise<void> {
  const nights = Number(flag(argv, 'season-nights', '30'));
  const nightPages = Number(flag(argv, 'night-pages', '300'));
  if (nights > 0) {
    const { nights: measured, pages, equals_fresh_backfill, nightly_cpu_s_per_page, ...detail } = await measureSeason(adminUrl, { pages: Number(flag(argv, 'season-pages', '4')), conversations: Number(flag(argv, 'season-conversations', '60')), nights });
    writeSeason({ nights: measured, pages, equals_fresh_backfill, nightly_cpu_s_per_page, season_run: { measuredAt: new Date().toISOString(), ...detail } });
  }
  if (nightPages > 0) writeSeason({ pages_300: { ...(await measureNightOf300(adminUrl, nightPages)), measuredAt: new Date().toISOString() } });
  print(readSeason());
}

function readSeason(): Record<string, unknown> {
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  return (typeof previous.season === 'object' && previous.season !== null ? previous.season : {}) as Record<string, unknown>;
}

/** Sets these keys of `season` in bench/results.json, keeping everything else. */
function writeSeason(keys: Record<string, unknown>): void {
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(RESULTS, `${JSON.stringify({ ...previous, season: { ...readSeason(), ...keys } }, null, 2)}\n`);
}

/** Every season figure in bench/results.json (this benchmark's, the shared limit's, the sweeps'), each with its target. */
function print(season: Record<string, unknown>): void {
  const run = season.season_run as Pick<SeasonRun, 'exit_codes_as_expected' | 'sweep_night_cpu_s_per_page'> | undefined;
  const shared = season.shared_limit as { share_429?: number; throughput_ratio?: number } | undefined;
  const sweepRatio = season.sweep_requests_ratio as number | undefined;
  const n = season.pages_300 as NightOf300 | undefined;
  const target = (value: number | undefined, ok: (v: number) => boolean, text: string) => (value === undefined ? 'not measured yet' : ok(value) ? `target ${text} met` : `target ${text} MISSED`);
  const rows: Array<[string, string, string]> = [
    ['season', run === undefined ? '-' : `${String(season.nights)} nights, ${String(season.pages)} pages; exit codes as expected: ${run.exit_codes_as_expected}`, season.equals_fresh_backfill === undefined ? 'not measured yet' : season.equals_fresh_backfill ? 'equals a fresh backfill after every sweep' : 'DIFFERS from a fresh backfill after a sweep'],
    ['nightly_cpu_s_per_page', run === undefined ? '-' : `${String(season.nightly_cpu_s_per_page)} (a sweep night: ${run.sweep_night_cpu_s_per_page})`, ''],
    ['sweep_requests_ratio', String(sweepRatio ?? '-'), target(sweepRatio, (v) => v <= 0.5, '≤ 0.5')],
    ['shared_limit.share_429', String(shared?.share_429 ?? '-'), target(shared?.share_429, (v) => v <= 0.05, '≤ 0.05')],
    ['shared_limit.throughput_ratio', String(shared?.throughput_ratio ?? '-'), target(shared?.throughput_ratio, (v) => v >= 0.8, '≥ 0.8')],
    ['pages_300', n === undefined ? '-' : `${n.wall_s} s, ${n.cpu_s_per_page} CPU s/page, ${n.peak_rss_mib} MiB peak, ${n.requests} requests, exit ${n.exit_code}`, n === undefined ? 'not measured yet' : n.complete ? 'changes all stored' : 'INCOMPLETE'],
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) process.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}\n`);
  process.stdout.write('\nWritten to bench/results.json (season)\n');
}

export async function main(argv: readonly string[]): Promise<void> {
  await withBenchServer((adminUrl) => benchSeason(adminUrl, argv));
}
