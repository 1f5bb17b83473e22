// What a sweep costs (bench/README.md, "Sweeps"): `sweep_requests_ratio` = the requests of a run
// that sweeps ÷ the list requests of a full backfill of the same shop. Part of `npm run bench`, or alone:
//
//   npm run bench -- --sweep [--sweep-conversations 120,2000] [--pages 2]
//
// Setting: the simulator's default shop (120 conversations per page over 120 days, its customers,
// posts, call logs, tags and users; the first size of --sweep-conversations) on a manual clock, the
// sync in this process at the shop's clock (runSync with deps.now), no rate limit. A backfill of the
// list streams and messages from the start of the history; one night of the shop's default changes
// (new, edited, late-stamped and deleted records) and the night's incremental run; then, at the same
// clock, a run with --sweep. Counted from the simulator's request log: the backfill's requests to the
// list endpoints (conversations, customers, posts, call logs, tags, users; not messages, statistics,
// the page list or tokens), and EVERY request of the sweep run but the page list (its incremental
// part, a few requests, included: the ratio is a ceiling). The run after the sweep must equal a
// fresh backfill's rows; the measurement says whether it did.
//
// Written into bench/results.json as `season.sweep_requests_ratio` (the first size) and
// `season.sweep` (every size's detail); every other key, and every other key of `season`, stays.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { parseConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { createPancakeClient } from '../src/pancake/client.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { runSync, type SyncOptions } from '../src/sync/runner.js';
import { createDb } from '../src/warehouse/db.js';
import { migrateToLatest } from '../src/warehouse/migrate.js';
import { flag } from './args.js';
import { compareLiveRows } from './live-rows.js';
import { createDatabase, withBenchServer } from './database.js';
import { benchSyncEnv } from './sync-env.js';

const RESULTS = join(fileURLToPath(new URL('.', import.meta.url)), 'results.json');
const DAY = 86_400_000;
const HISTORY_DAYS = 120;
const TARGET = 0.5;
const STREAMS = ['conversations', 'messages', 'customers', 'posts', 'tags', 'page_users', 'call_logs'];
const LIST_ENDPOINTS = ['list_conversations_v2', 'list_page_customers', 'list_posts', 'list_call_logs', 'list_tags', 'list_users'];

export interface SweepSetting {
  conversations_per_page: number;
  pages: number;
  backfill_list_requests: number;
  sweep_run_requests: number;
  /** The sweep run's requests by endpoint. */
  sweep_by_endpoint: Record<string, number>;
  sweep_requests_ratio: number;
  /** The night before the sweep: records stamped before they appeared, records deleted. */
  night: { late_stamped: number; deleted: number };
  /** Rows the sweep marked deleted, and whether the warehouse then equalled a fresh backfill's live rows. */
  marked_deleted: number;
  equals_fresh_backfill: boolean;
}

async function measure(adminUrl: string, conversationsPerPage: number, pages: number): Promise<SweepSetting> {
  const now = new Date(Math.floor((Date.now() - 5 * DAY) / 1000) * 1000);
  const sim = await startSimulator({ seed: 42, pages, conversationsPerPage, historyDays: HISTORY_DAYS, now, clock: 'manual' });
  const warehouse = await createDatabase(adminUrl, `pancake_bench_sweep_${conversationsPerPage}`);
  const fresh = await createDatabase(adminUrl, `pancake_bench_sweep_fresh_${conversationsPerPage}`);
  const db = createDb(warehouse, 4);
  const freshDb = createDb(fresh, 4);
  try {
    await migrateToLatest(db);
    await migrateToLatest(freshDb);
    const since = new Date(now.getTime() - (HISTORY_DAYS + 1) * DAY);
    const run = async (url: string, target: typeof db, options: SyncOptions) => {
      const config = parseConfig({ ...benchSyncEnv(sim, url, 1000, 16), PANCAKE_CALL_CENTER_IDS: sim.data.pages.map((p) => `${p.id}:${sim.callCenterId(p.id)}`).join(','), LOG_LEVEL: 'silent' });
      const client = createPancakeClient({ baseUrl: config.baseUrl, accessToken: config.accessToken ?? '', rateLimit: config.rateLimitPerSecond, concurrency: config.concurrency, retryMinDelayMs: 20 });
      const summary = await runSync({ config, db: target, client, log: silentLogger, now: sim.now() }, { streams: STREAMS, ...options });
      if (summary.exitCode !== 0) throw new Error(`the sync failed: ${JSON.stringify(summary.failures)}`);
    };
    const requestsOf = async (work: () => Promise<void>) => {
      const from = sim.requests.length;
      await work();
      return sim.requests.slice(from);
    };

    const backfill = await requestsOf(() => run(warehouse, db, { since }));
    const backfillList = backfill.filter((r) => LIST_ENDPOINTS.includes(r.endpoint)).length;
    const night = sim.advanceTo(new Date(now.getTime() + DAY));
    await run(warehouse, db, {});
    const sweep = (await requestsOf(() => run(warehouse, db, { sweep: true }))).filter((r) => r.endpoint !== 'list_pages');
    const byEndpoint: Record<string, number> = {};
    for (const r of sweep) byEndpoint[r.endpoint] = (byEndpoint[r.endpoint] ?? 0) + 1;

    await run(fresh, freshDb, { since });
    const { equal } = await compareLiveRows(db, freshDb);
    const marked = await countMarked(db);
    return {
      conversations_per_page: conversationsPerPage,
      pages,
      backfill_list_requests: backfillList,
      sweep_run_requests: sweep.length,
      sweep_by_endpoint: byEndpoint,
      sweep_requests_ratio: Math.round((sweep.length / backfillList) * 1000) / 1000,
      night: { late_stamped: night.lateStamped.length, deleted: night.deleted.length },
      marked_deleted: marked,
      equals_fresh_backfill: equal,
    };
  } finally {
    await db.destroy();
    await freshDb.destroy();
    await sim.close();
  }
}

async function countMarked(db: ReturnType<typeof createDb>): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select ((select count(*) from pancake.conversations where deleted_at is not null) + (select count(*) from pancake.customers where deleted_at is not null)
      + (select count(*) from pancake.posts where deleted_at is not null))::int as n`.execute(db);
  return rows[0]?.n ?? 0;
}

export async function benchSweep(adminUrl: string, argv: readonly string[]): Promise<SweepSetting[]> {
  const sizes = flag(argv, 'sweep-conversations', '120,2000').split(',').map(Number);
  const pages = Number(flag(argv, 'pages', '2'));
  const settings: SweepSetting[] = [];
  for (const size of sizes) {
    const setting = await measure(adminUrl, size, pages);
    settings.push(setting);
    process.stdout.write(
      `sweep (${pages} pages × ${size} conversations, ${HISTORY_DAYS} days): ${setting.sweep_run_requests} requests ÷ ${setting.backfill_list_requests} backfill list requests = ${setting.sweep_requests_ratio}` +
        `${size === sizes[0] ? (setting.sweep_requests_ratio <= TARGET ? ` (target ≤ ${TARGET} met)` : ` (target ≤ ${TARGET} MISSED)`) : ''}; ` +
        `${setting.night.late_stamped} late-stamped and ${setting.night.deleted} deleted in the night, ${setting.marked_deleted} marked; equals a fresh backfill: ${setting.equals_fresh_backfill}\n`,
    );
  }
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  const season = (previous.season ?? {}) as Record<string, unknown>;
  const first = settings[0]!;
  writeFileSync(RESULTS, `${JSON.stringify({ ...previous, season: { ...season, sweep_requests_ratio: first.sweep_requests_ratio, sweep: { measuredAt: new Date().toISOString(), settings } } }, null, 2)}\n`);
  return settings;
}

export async function main(argv: readonly string[]): Promise<void> {
  await withBenchServer((adminUrl) => benchSweep(adminUrl, argv));
}
