// CPU per API request (bench/README.md, "CPU per request"): the sync process's CPU time (getrusage,
// user + system) ÷ the API requests it made, on a fast API, where nothing but the sync's own work
// limits it. Part of `npm run bench`, or alone:
//
//   npm run bench -- --cpu [--cpu-shops current,realistic] [--cpu-conversations 5000] [--cpu-small 1000] [--pages 2]
//                          [--cpu-realistic-conversations 3000] [--cpu-realistic-small 1000] [--cpu-latency 10]
//                          [--concurrency 16] [--cpu-runs 3] [--no-recent-first] [--no-reference] [--profile]
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
// The machine's speed (bench/cpu-reference.ts): with the defaults, the build that measured the
// baseline 0.660 ms per request (commit 6e8e4a5, 2026-12-01) is built from git history and run on
// its own setting (the current shop, 2 × 5,000), one run next to each run of the large settings of
// both shops (which goes first alternates). Its CPU now ÷ then is the machine factor of that
// moment: this machine's speed moves by tens of percent within minutes, so each of this build's
// runs is set against its neighbour. `cpu.reference`: the factor, and this build ÷ the reference
// on the current shop, run by run; `cpu.realistic.at_reference_speed`: the realistic shop's runs
// each divided by its neighbour's factor, the median (the raw figures stay where they were).
// `--no-reference` skips it.
//
// Written into bench/results.json under `backfill` as `cpu_ms_per_request` (the current shop's
// large setting's median) and `cpu` (the detail, the small setting, slope, intercept, `reference`
// and `realistic`); every other key stays.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flag } from './args.js';
import { IDEAL_RATIO_TARGET, measureRecentFirst, recentFirstLine } from './backfill.js';
import { summarizeProfiles } from './cpu-profile.js';
import { buildReference, machineFactor, REFERENCE, referenceSettingDiffers } from './cpu-reference.js';
import { CURRENT_SHOP, measureShop, medianRun, openShop, REALISTIC_SHOP, type CpuOptions, type CpuRun, type CpuSetting, type CpuShop, type ReferenceRuns } from './cpu-shops.js';
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
  /** The machine's speed (bench/cpu-reference.ts), when the current shop was measured with the reference build; or why it was not. */
  reference?: ReferenceFigures | { revision: string; unavailable: string } | null;
}

/** `cpu.reference`: the baseline build run again beside this one, and what it says of the machine. */
export interface ReferenceFigures {
  revision: string;
  /** Its figure on the machine that set the targets, and on this one now (median of its runs beside the current shop's). */
  ms_per_request_then: number;
  ms_per_request_now: number;
  /** now ÷ then: how much slower this machine is than the one the targets were set on. */
  machine_factor: number;
  /** Each of this build's current-shop runs ÷ the reference run next to it. */
  paired_ratios: number[];
  /** Their median: ≤ 1 is "not worse" than the reference on the same machine. */
  this_build_vs_reference: number;
  /** The same per stored row: the two builds store different tables of the same shop (this one more of them). */
  this_build_vs_reference_per_row: number;
  /** The median of this build's current-shop runs, each divided by the machine factor of the reference run next to it. */
  cpu_ms_per_request_at_reference_speed: number;
}

/** The realistic shop's CPU figures at the speed of the machine that set the targets: each run divided by the factor of the reference run next to it, the median. */
export interface AtReferenceSpeed {
  cpu_ms_per_request: number;
  cpu_us_per_row: number;
  /** The machine factor of each run's neighbouring reference run. */
  machine_factors: number[];
}

/** `cpu.realistic` in bench/results.json: the busy shop's figures (issue 26's acceptance), its large size. */
export interface RealisticFigures {
  cpu_ms_per_request: number;
  cpu_us_per_row: number;
  bytes_to_pg_per_byte_from_api: number;
  requests: number;
  rows: number;
  recent_first_ideal_ratio: number | null;
  /** The CPU figures at the speed of the machine that set the targets (null: no reference measured in the same run). */
  at_reference_speed: AtReferenceSpeed | null;
  detail: TwoSizes;
  recentFirst: Awaited<ReturnType<typeof measureRecentFirst>> | null;
}

function parseArgs(argv: readonly string[]): CpuOptions & { shops: string[]; reference: boolean } {
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
    reference: !argv.includes('--no-reference'),
  };
}

/** Measures CPU per request against `adminUrl`'s server and records it under `backfill`. */
export async function benchCpu(adminUrl: string, argv: readonly string[]): Promise<CpuFigures | null> {
  const options = parseArgs(argv);
  const profileDir = options.profile ? mkdtempSync(join(tmpdir(), 'pancake-bench-cpu-prof-')) : null;
  try {
    if (profileDir) {
      for (const shop of options.shops) {
        const open = await openShop(options, shop === 'realistic' ? REALISTIC_SHOP : CURRENT_SHOP, shop === 'realistic' ? options.realisticConversationsPerPage : options.conversationsPerPage);
        const setting = await measureShop(adminUrl, options, open, profileDir).finally(() => open.close());
        printProfile(profileDir);
        printSetting(setting);
        rmSync(profileDir, { recursive: true, force: true });
      }
      return null;
    }
    const previous = readCpu();
    let figures: CpuFigures | null = previous;
    const reference = await startReference(options);
    const runner = 'root' in reference ? reference : undefined;
    try {
      if (options.shops.includes('current')) {
        const current = await twoSizes(adminUrl, options, CURRENT_SHOP, options.conversationsPerPage, options.smallConversationsPerPage, runner);
        const measured = 'root' in reference ? referenceOf(current) : { revision: REFERENCE.revision, unavailable: reference.unavailable };
        figures = { ...current, reference: measured, ...(previous?.realistic && { realistic: previous.realistic }) };
      }
      if (options.shops.includes('realistic')) {
        const detail = await twoSizes(adminUrl, options, REALISTIC_SHOP, options.realisticConversationsPerPage, options.realisticSmallConversationsPerPage, runner);
        // The newest week of issue 26's other shop: busy, 1–20 messages, at 25 requests/s per page.
        const recentFirst = argv.includes('--no-recent-first') ? null : await measureRecentFirst(adminUrl, argv, { shape: 'busy', messagesPerConversation: { min: 1, max: 20 } });
        const realistic: RealisticFigures = {
          cpu_ms_per_request: detail.cpu_ms_per_request,
          cpu_us_per_row: detail.cpu_us_per_row,
          bytes_to_pg_per_byte_from_api: detail.bytes_to_pg_per_byte_from_api,
          requests: medianRun(detail).requests,
          rows: medianRun(detail).rows,
          recent_first_ideal_ratio: recentFirst?.recent_first_ideal_ratio ?? null,
          at_reference_speed: atReferenceSpeed(detail),
          detail,
          recentFirst,
        };
        if (!figures) throw new Error('no figures of the current shop in bench/results.json yet: run `npm run bench -- --cpu` with both shops first');
        figures = { ...figures, realistic };
      }
    } finally {
      await runner?.shop.close();
      runner?.remove();
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

/** The reference build, built, and the current shop at the setting of its figure, open; or why not. */
async function startReference(options: ReturnType<typeof parseArgs>): Promise<(ReferenceRuns & { remove(): void }) | { unavailable: string }> {
  const differs = referenceSettingDiffers(options);
  const built = !options.reference ? { unavailable: 'not asked for (--no-reference)' } : differs !== null ? { unavailable: `not run: ${differs}` } : buildReference();
  if ('unavailable' in built) {
    process.stderr.write(`cpu: no reference build: ${built.unavailable}\n`);
    return built;
  }
  return { root: built.root, remove: built.remove, shop: await openShop(options, CURRENT_SHOP, REFERENCE.setting.conversationsPerPage) };
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const cpuSecondsOf = (run: CpuRun): number => run.userCpuSeconds + run.systemCpuSeconds;

/** Each of the setting's runs with the machine factor of the reference run next to it. */
function withFactors(setting: CpuSetting): Array<{ run: CpuRun; reference: CpuRun; factor: number }> {
  const theirs = setting.reference_build?.runs ?? [];
  return setting.runs.flatMap((run, i) => (theirs[i] ? [{ run, reference: theirs[i]!, factor: machineFactor(theirs[i]!.cpuMsPerRequest) }] : []));
}

function referenceOf(current: TwoSizes): ReferenceFigures {
  const pairs = withFactors(current);
  const now = current.reference_build!.cpu_ms_per_request;
  const ratios = pairs.map((p) => p.run.cpuMsPerRequest / p.reference.cpuMsPerRequest);
  const perRow = (run: CpuRun): number => cpuSecondsOf(run) / run.rows;
  return {
    revision: REFERENCE.revision,
    ms_per_request_then: REFERENCE.msPerRequestThen,
    ms_per_request_now: now,
    machine_factor: machineFactor(now),
    paired_ratios: ratios,
    this_build_vs_reference: median(ratios),
    this_build_vs_reference_per_row: median(pairs.map((p) => perRow(p.run) / perRow(p.reference))),
    cpu_ms_per_request_at_reference_speed: median(pairs.map((p) => p.run.cpuMsPerRequest / p.factor)),
  };
}

function atReferenceSpeed(detail: TwoSizes): AtReferenceSpeed | null {
  const pairs = withFactors(detail);
  if (pairs.length === 0) return null;
  return {
    cpu_ms_per_request: median(pairs.map((p) => p.run.cpuMsPerRequest / p.factor)),
    cpu_us_per_row: median(pairs.map((p) => (cpuSecondsOf(p.run) * 1e6) / p.run.rows / p.factor)),
    machine_factors: pairs.map((p) => p.factor),
  };
}

/**
 * `shop` at `large` and `small` conversations per page: the large median, the slope and the
 * intercept. With `reference`, each run of the large setting has a run of the reference build next
 * to it (on the current shop of the reference's figure, which is this very shop when `shop` is it).
 */
async function twoSizes(adminUrl: string, options: CpuOptions, shop: CpuShop, large: number, small: number, reference?: ReferenceRuns): Promise<TwoSizes> {
  const measure = async (size: number, withReference: ReferenceRuns | undefined): Promise<CpuSetting> => {
    const reuse = reference && shop === reference.shop.shop && size === REFERENCE.setting.conversationsPerPage;
    const open = reuse ? reference.shop : await openShop(options, shop, size);
    try {
      return await measureShop(adminUrl, options, open, null, withReference);
    } finally {
      if (!reuse) await open.close();
    }
  };
  const big = await measure(large, reference);
  const little = await measure(small, undefined);
  const cpuSeconds = (s: CpuSetting): { seconds: number; requests: number } => {
    const run = medianRun(s);
    return { seconds: cpuSecondsOf(run), requests: run.requests };
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
  const r = f.reference;
  if (!r) return;
  if ('unavailable' in r) {
    process.stdout.write(`  reference build: ${r.unavailable}\n`);
    return;
  }
  const runs = (f.reference_build?.runs ?? []).map((x) => x.cpuMsPerRequest.toFixed(3)).join(', ');
  process.stdout.write(
    `  reference build ${r.revision.slice(0, 7)}, each run next to one of these: ${runs} ms/request, median ${r.ms_per_request_now.toFixed(3)} (${r.ms_per_request_then.toFixed(3)} on ${REFERENCE.measuredThen}): machine factor ${r.machine_factor.toFixed(2)}\n` +
      `  this build ÷ the reference run next to it: ${r.paired_ratios.map((x) => x.toFixed(3)).join(', ')}, median ${r.this_build_vs_reference.toFixed(3)} (≤ 1, not worse: ${verdict(r.this_build_vs_reference <= 1)}); ` +
      `per stored row ${r.this_build_vs_reference_per_row.toFixed(3)} (rows: ${medianRun(f).rows} against ${f.reference_build ? medianRun(f.reference_build).rows : '?'}); ` +
      `at the reference machine's speed ${r.cpu_ms_per_request_at_reference_speed.toFixed(3)} ms/request (its ${REFERENCE.msPerRequestThen.toFixed(3)})\n`,
  );
}

const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');

function printRealistic(r: RealisticFigures, rowsMatch: (s: CpuSetting) => boolean): void {
  printTwoSizes(r.detail);
  process.stdout.write(`realistic shop: ${r.requests} requests, ${r.rows} rows${rowsMatch(r.detail) && rowsMatch(r.detail.small) ? '' : ' (ROWS DIFFER)'}\n`);
  process.stdout.write(`  cpu_ms_per_request ${r.cpu_ms_per_request.toFixed(3)}: target ≤ ${TARGETS.msPerRequest} ${verdict(r.cpu_ms_per_request <= TARGETS.msPerRequest)}\n`);
  process.stdout.write(`  cpu_us_per_row ${r.cpu_us_per_row.toFixed(1)}: target ≤ ${TARGETS.usPerRow} ${verdict(r.cpu_us_per_row <= TARGETS.usPerRow)}\n`);
  const at = r.at_reference_speed;
  if (at) {
    process.stdout.write(
      `  at the reference machine's speed (each run ÷ the machine factor of the reference run next to it: ${at.machine_factors.map((x) => x.toFixed(2)).join(', ')}): ${at.cpu_ms_per_request.toFixed(3)} ms/request (≤ ${TARGETS.msPerRequest} ${verdict(at.cpu_ms_per_request <= TARGETS.msPerRequest)}), ` +
        `${at.cpu_us_per_row.toFixed(1)} µs/row (≤ ${TARGETS.usPerRow} ${verdict(at.cpu_us_per_row <= TARGETS.usPerRow)})\n`,
    );
  }
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
