// CPU per API request (bench/README.md, "CPU per request"): the sync process's CPU time (getrusage,
// user + system) ÷ the API requests it made, on a fast API, where nothing but the sync's own work
// limits it. Part of `npm run bench`, or alone:
//
//   npm run bench -- --cpu [--cpu-shops current,realistic] [--cpu-conversations 5000] [--cpu-small 1000] [--pages 2]
//                          [--cpu-realistic-conversations 3000] [--cpu-realistic-small 1000] [--cpu-latency 10]
//                          [--concurrency 16] [--cpu-runs 3] [--no-recent-first] [--profile]
//
// Setting: the simulator answers every request after `--cpu-latency` ms and enforces no rate limit;
// the sync is the built CLI (dist/) in a child process with the highest rate limit it accepts, on
// a migrated, empty database, backfilling the whole history. Each run gets a fresh database and
// must store exactly the simulator's conversations and messages. The median run is kept. With
// `--profile`, the runs are made under `node --cpu-prof` and the self time per function and file
// is printed (not recorded: the profiler itself costs CPU).
//
// Two shops (bench/cpu-shops.ts):
//  - current: the simulator's compact shop, every default stream;
//  - realistic: a busy shop (the simulator's `shape: 'busy'`: the real answers' field sizes, texts
//    of every length, 1–48 messages per thread with a long tail), 3 pages, conversations, messages
//    and customers, as issue 26 measured one; plus its newest-week figure at the rate limit
//    (bench/backfill.ts measureRecentFirst).
// A process's CPU has a part that does not grow with the history (node's start-up and JIT warm-up,
// the 90 days of statistics), so each shop is run at two sizes: the difference gives the CPU of one
// more request (the slope) and the part that does not grow (the intercept). The figures are the
// larger size's, as a first backfill of a real shop (tens of thousands of conversations) is larger
// still.
// For both: CPU µs per stored row (rows in the warehouse's data tables after the run) and the bytes
// the process wrote to Postgres ÷ the bytes it read from the API (bench/usage-probe.mjs).
//
// Written into bench/results.json under `backfill` as `cpu_ms_per_request` (the current shop's
// large setting's median) and `cpu` (the detail, the small setting, slope, intercept, and
// `realistic`); every other key stays.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flag } from './args.js';
import { IDEAL_RATIO_TARGET, measureRecentFirst, recentFirstLine } from './backfill.js';
import { summarizeProfiles } from './cpu-profile.js';
import { CURRENT_SHOP, measureShop, medianRun, REALISTIC_SHOP, type CpuOptions, type CpuSetting, type CpuShop } from './cpu-shops.js';
import { withBenchServer } from './database.js';

const RESULTS = join(fileURLToPath(new URL('.', import.meta.url)), 'results.json');
const TARGETS = { msPerRequest: 1, usPerRow: 60, bytesRatio: 1.2 };

/** A setting at two sizes: the large one's median, and what the difference says. */
export interface TwoSizes extends CpuSetting {
  small: CpuSetting;
  /** CPU ms of one more request: (large median's CPU − small median's CPU) ÷ (their requests' difference). */
  marginal_ms_per_request: number;
  /** CPU seconds that do not grow with the history (start-up, statistics, JIT warm-up): the intercept. */
  fixed_cpu_seconds: number;
}

export interface CpuFigures extends TwoSizes {
  realistic?: RealisticFigures;
}

/** `cpu.realistic` in bench/results.json: the busy shop's figures (issue 26's acceptance), its large size. */
export interface RealisticFigures {
  cpu_ms_per_request: number;
  cpu_us_per_row: number;
  bytes_to_pg_per_byte_from_api: number;
  requests: number;
  rows: number;
  recent_first_ideal_ratio: number | null;
  detail: TwoSizes;
  recentFirst: Awaited<ReturnType<typeof measureRecentFirst>> | null;
}

function parseArgs(argv: readonly string[]): CpuOptions & { shops: string[] } {
  const get = (name: string, fallback: string): number => Number(flag(argv, name, fallback));
  return {
    conversationsPerPage: get('cpu-conversations', '5000'),
    smallConversationsPerPage: get('cpu-small', '1000'),
    realisticConversationsPerPage: get('cpu-realistic-conversations', '3000'),
    realisticSmallConversationsPerPage: get('cpu-realistic-small', '1000'),
    pages: get('pages', '2'),
    latencyMs: get('cpu-latency', '10'),
    concurrency: get('concurrency', '16'),
    runs: get('cpu-runs', '3'),
    profile: argv.includes('--profile'),
    shops: flag(argv, 'cpu-shops', 'current,realistic').split(','),
  };
}

/** Measures CPU per request against `adminUrl`'s server and records it under `backfill`. */
export async function benchCpu(adminUrl: string, argv: readonly string[]): Promise<CpuFigures | null> {
  const options = parseArgs(argv);
  const profileDir = options.profile ? mkdtempSync(join(tmpdir(), 'pancake-bench-cpu-prof-')) : null;
  try {
    if (profileDir) {
      for (const shop of options.shops) {
        const setting = await measureShop(adminUrl, options, shop === 'realistic' ? REALISTIC_SHOP : CURRENT_SHOP, shop === 'realistic' ? options.realisticConversationsPerPage : options.conversationsPerPage, profileDir);
        printProfile(profileDir);
        printSetting(setting);
        rmSync(profileDir, { recursive: true, force: true });
      }
      return null;
    }
    const previous = readCpu();
    let figures: CpuFigures | null = previous;
    if (options.shops.includes('current')) {
      const current = await twoSizes(adminUrl, options, CURRENT_SHOP, options.conversationsPerPage, options.smallConversationsPerPage);
      figures = { ...current, ...(previous?.realistic && { realistic: previous.realistic }) };
    }
    if (options.shops.includes('realistic')) {
      const detail = await twoSizes(adminUrl, options, REALISTIC_SHOP, options.realisticConversationsPerPage, options.realisticSmallConversationsPerPage);
      // The newest week of issue 26's other shop: busy, 1–20 messages, at 25 requests/s per page.
      const recentFirst = argv.includes('--no-recent-first') ? null : await measureRecentFirst(adminUrl, argv, { shape: 'busy', messagesPerConversation: { min: 1, max: 20 } });
      const realistic: RealisticFigures = {
        cpu_ms_per_request: detail.cpu_ms_per_request,
        cpu_us_per_row: detail.cpu_us_per_row,
        bytes_to_pg_per_byte_from_api: detail.bytes_to_pg_per_byte_from_api,
        requests: medianRun(detail).requests,
        rows: medianRun(detail).rows,
        recent_first_ideal_ratio: recentFirst?.recent_first_ideal_ratio ?? null,
        detail,
        recentFirst,
      };
      if (!figures) throw new Error('no figures of the current shop in bench/results.json yet: run `npm run bench -- --cpu` with both shops first');
      figures = { ...figures, realistic };
    }
    if (figures) {
      record(figures);
      printFigures(figures, options.shops);
    }
    return figures;
  } finally {
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  }
}

/** `shop` at `large` and `small` conversations per page: the large median, the slope and the intercept. */
async function twoSizes(adminUrl: string, options: CpuOptions, shop: CpuShop, large: number, small: number): Promise<TwoSizes> {
  const big = await measureShop(adminUrl, options, shop, large, null);
  const little = await measureShop(adminUrl, options, shop, small, null);
  const cpuSeconds = (s: CpuSetting): { seconds: number; requests: number } => {
    const run = medianRun(s);
    return { seconds: run.userCpuSeconds + run.systemCpuSeconds, requests: run.requests };
  };
  const [a, b] = [cpuSeconds(big), cpuSeconds(little)];
  const marginal = ((a.seconds - b.seconds) * 1000) / (a.requests - b.requests);
  return { ...big, small: little, marginal_ms_per_request: marginal, fixed_cpu_seconds: b.seconds - (marginal * b.requests) / 1000 };
}

function readCpu(): CpuFigures | null {
  if (!existsSync(RESULTS)) return null;
  const previous = JSON.parse(readFileSync(RESULTS, 'utf8')) as { backfill?: { cpu_ms_per_request?: number; cpu?: Omit<CpuFigures, 'cpu_ms_per_request'> } };
  const cpu = previous.backfill?.cpu;
  return cpu && previous.backfill?.cpu_ms_per_request !== undefined ? ({ ...cpu, cpu_ms_per_request: previous.backfill.cpu_ms_per_request } as CpuFigures) : null;
}

/** Sets `backfill.cpu_ms_per_request` and `backfill.cpu`, keeping every other key. */
function record(figures: CpuFigures): void {
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  const backfill = typeof previous.backfill === 'object' && previous.backfill !== null ? (previous.backfill as Record<string, unknown>) : {};
  const { cpu_ms_per_request, ...cpu } = figures;
  writeFileSync(RESULTS, `${JSON.stringify({ ...previous, backfill: { ...backfill, cpu_ms_per_request, cpu: { ...cpu, measuredAt: new Date().toISOString() } } }, null, 2)}\n`);
}

function printSetting(s: CpuSetting): void {
  process.stdout.write(`cpu per request: ${s.setting}\n`);
  for (const r of s.runs) {
    const cpu = r.userCpuSeconds + r.systemCpuSeconds;
    process.stdout.write(
      `  ${r.requests} requests, ${r.rows} rows, ${r.userCpuSeconds.toFixed(2)} s user + ${r.systemCpuSeconds.toFixed(2)} s system in ${r.wallSeconds.toFixed(1)} s = ${r.cpuMsPerRequest.toFixed(3)} ms/request, ` +
        `${((cpu * 1e6) / r.rows).toFixed(1)} µs/row; ${(r.bytesToPostgres / 1e6).toFixed(1)} MB to Postgres ÷ ${(r.bytesFromApi / 1e6).toFixed(1)} MB from the API = ${(r.bytesToPostgres / r.bytesFromApi).toFixed(2)}${r.rowsMatch ? '' : ' (ROWS DIFFER)'}\n`,
    );
  }
  process.stdout.write(`  median ${s.cpu_ms_per_request.toFixed(3)} ms/request, ${s.cpu_us_per_row.toFixed(1)} µs/row, bytes ratio ${s.bytes_to_pg_per_byte_from_api.toFixed(2)}\n`);
}

function printFigures(f: CpuFigures, shops: readonly string[]): void {
  const rowsMatch = (s: CpuSetting) => s.runs.every((r) => r.rowsMatch);
  if (shops.includes('current')) printCurrent(f, rowsMatch);
  const r = f.realistic;
  if (!r || !shops.includes('realistic')) return;
  printRealistic(r, rowsMatch);
}

function printTwoSizes(f: TwoSizes): void {
  printSetting(f.small);
  printSetting(f);
  process.stdout.write(`  one more request: ${f.marginal_ms_per_request.toFixed(3)} ms; not growing with the history: ${f.fixed_cpu_seconds.toFixed(2)} s\n`);
}

function printCurrent(f: CpuFigures, rowsMatch: (s: CpuSetting) => boolean): void {
  printTwoSizes(f);
  const met = f.cpu_ms_per_request <= TARGETS.msPerRequest && rowsMatch(f) && rowsMatch(f.small);
  process.stdout.write(`current shop: cpu_ms_per_request ${f.cpu_ms_per_request.toFixed(3)} (${f.runs[0]?.requests ?? 0} requests): target ≤ ${TARGETS.msPerRequest} ms ${met ? 'met' : 'MISSED'}\n`);
}

function printRealistic(r: RealisticFigures, rowsMatch: (s: CpuSetting) => boolean): void {
  printTwoSizes(r.detail);
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  process.stdout.write(`realistic shop: ${r.requests} requests, ${r.rows} rows${rowsMatch(r.detail) && rowsMatch(r.detail.small) ? '' : ' (ROWS DIFFER)'}\n`);
  process.stdout.write(`  cpu_ms_per_request ${r.cpu_ms_per_request.toFixed(3)}: target ≤ ${TARGETS.msPerRequest} ${verdict(r.cpu_ms_per_request <= TARGETS.msPerRequest)}\n`);
  process.stdout.write(`  cpu_us_per_row ${r.cpu_us_per_row.toFixed(1)}: target ≤ ${TARGETS.usPerRow} ${verdict(r.cpu_us_per_row <= TARGETS.usPerRow)}\n`);
  process.stdout.write(`  bytes_to_pg_per_byte_from_api ${r.bytes_to_pg_per_byte_from_api.toFixed(3)}: target ≤ ${TARGETS.bytesRatio} ${verdict(r.bytes_to_pg_per_byte_from_api <= TARGETS.bytesRatio)}\n`);
  if (r.recentFirst) {
    process.stdout.write(`  newest 7 days (${r.recentFirst.setting}): ${recentFirstLine(r.recentFirst)}: target ≤ ${IDEAL_RATIO_TARGET} ${verdict(r.recentFirst.recent_first_ideal_ratio <= IDEAL_RATIO_TARGET)}\n`);
  }
}

function printProfile(dir: string): void {
  const { functions, files, totalMs } = summarizeProfiles(dir);
  const line = (t: { name: string; ms: number }) => `  ${t.ms.toFixed(0).padStart(7)} ms  ${((t.ms / totalMs) * 100).toFixed(1).padStart(5)} %  ${t.name}\n`;
  process.stdout.write(`self time of ${(totalMs / 1000).toFixed(2)} s sampled, by file:\n`);
  files.slice(0, 25).forEach((t) => process.stdout.write(line(t)));
  process.stdout.write('by function:\n');
  functions.slice(0, 40).forEach((t) => process.stdout.write(line(t)));
}

/** `npm run bench -- --cpu`: this benchmark alone, on an embedded Postgres unless BENCH_DATABASE_URL is set. */
export async function main(argv: readonly string[]): Promise<void> {
  await withBenchServer((adminUrl) => benchCpu(adminUrl, argv));
}
