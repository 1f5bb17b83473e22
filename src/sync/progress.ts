import type { Logger } from '../logger.js';
import type { StreamCounts } from './stream.js';

// Progress of a run, per page and stream. On a terminal it redraws a small table in place on
// stderr; off a terminal (cron, containers, CI) it writes a pino line now and then instead, so
// logs stay line-oriented.

export interface ProgressTarget {
  isTTY?: boolean;
  write(text: string): boolean;
}

export interface Tracked {
  pageId: string;
  stream: string;
  counts: StreamCounts;
  startedAt: number;
  finishedAt: number | null;
  status: string;
}

export interface ProgressReporter {
  track(pageId: string, stream: string, counts: StreamCounts): void;
  finish(pageId: string, stream: string, status: string): void;
  stop(): void;
  /** The run's remaining time as the display shows it, in ms; null while unknown. */
  eta?(): number | null;
}

export interface ProgressOptions {
  log: Logger;
  /** Where the live display goes; a non-TTY target gets periodic log lines instead. */
  target?: ProgressTarget;
  requests: () => number;
  /** PANCAKE_RATE_LIMIT: requests per second each page's token may make (the run's ETA). */
  ratePerPage?: number;
  redrawMs?: number;
  logEveryMs?: number;
}

export function createProgress(options: ProgressOptions): ProgressReporter {
  const target = options.target ?? process.stderr;
  const live = target.isTTY === true;
  const rows = new Map<string, Tracked>();
  const started = Date.now();
  const rate = requestRate();
  let drawnLines = 0;
  const sample = (): void => rate.sample(Date.now(), options.requests());
  const runEta = (): number | null => etaMs([...rows.values()], { observedPerMs: rate.perMs(), ratePerPage: options.ratePerPage ?? null, observedForMs: rate.spanMs() });

  const draw = (): void => {
    const text = renderProgress([...rows.values()], options.requests(), Date.now() - started, Date.now(), runEta());
    // Move up over the previous frame and clear it, then draw the new one.
    target.write(`${drawnLines > 0 ? `\u001b[${drawnLines}F\u001b[J` : ''}${text}`);
    drawnLines = text.split('\n').length - 1;
  };
  const logLine = (): void => {
    const active = [...rows.values()].filter((r) => r.finishedAt === null);
    options.log.info(
      {
        requests: options.requests(),
        eta: formatEta(runEta()),
        streams: active.map((r) => ({ page: r.pageId, stream: r.stream, done: r.counts.unitsDone, total: r.counts.unitsTotal, records: r.counts.records, eta: eta(r, Date.now()) })),
      },
      'sync in progress',
    );
  };
  const timer = setInterval(live ? draw : logLine, live ? (options.redrawMs ?? 250) : (options.logEveryMs ?? 15_000));
  timer.unref();
  const sampler = setInterval(sample, 1000);
  sampler.unref();
  sample();

  return {
    track(pageId, stream, counts) {
      rows.set(`${pageId}|${stream}`, { pageId, stream, counts, startedAt: Date.now(), finishedAt: null, status: 'running' });
    },
    finish(pageId, stream, status) {
      const row = rows.get(`${pageId}|${stream}`);
      if (row) {
        row.finishedAt = Date.now();
        row.status = status;
      }
    },
    stop() {
      clearInterval(timer);
      clearInterval(sampler);
      if (live) draw();
    },
    eta: runEta,
  };
}

/** The share of the rate limit a sync sustains when the API binds (bench/README.md: 0.90 to 0.91). */
const LIMIT_SHARE = 0.9;

/** How long the observed rate must have been measured before it may overrule the rate limit. */
const RATE_WINDOW_MS = 30_000;

export interface RateKnowledge {
  /** Requests per ms over the last half minute; null before there is enough to tell. */
  observedPerMs: number | null;
  /** Requests per second each page's token may make, when known. */
  ratePerPage: number | null;
  /** How long `observedPerMs` has been measured. */
  observedForMs: number;
}

/**
 * The run's ETA. A backfill is bound by the API's rate limit, so requests, not windows or records,
 * are what time follows: each stream says how many it still expects (revised as it learns; messages
 * from the message_count of the conversations stored so far), per page, and each page's token
 * makes them at 90 % of PANCAKE_RATE_LIMIT. Pages run side by side: the slowest page sets the ETA.
 * Once half a minute of requests is measured, a slower observed rate (a busy machine or database)
 * wins over the limit; the first seconds of a run, slow while its streams start, do not count.
 * Null until a stream has an estimate.
 */
export function etaMs(rows: readonly Tracked[], rate: RateKnowledge): number | null {
  const open = rows.filter((r) => r.finishedAt === null);
  if (!open.some((r) => typeof r.counts.requestsTotal === 'number')) return null;
  const byPage = new Map<string, number>();
  // A stream without an estimate (a snapshot) has about one request left.
  for (const r of open) byPage.set(r.pageId, (byPage.get(r.pageId) ?? 0) + (typeof r.counts.requestsTotal === 'number' ? Math.max(0, r.counts.requestsTotal - (r.counts.requests ?? 0)) : 1));
  const total = [...byPage.values()].reduce((a, b) => a + b, 0);
  const observed = rate.observedPerMs !== null && rate.observedPerMs > 0 ? total / rate.observedPerMs : null;
  if (rate.ratePerPage === null || !(rate.ratePerPage > 0)) return observed;
  const byLimit = Math.max(...byPage.values()) / ((rate.ratePerPage * LIMIT_SHARE) / 1000);
  return observed !== null && rate.observedForMs >= RATE_WINDOW_MS ? Math.max(byLimit, observed) : byLimit;
}

/** Requests per ms over the last RATE_WINDOW_MS, from samples taken once a second after the first request. */
function requestRate(): { sample(at: number, requests: number): void; perMs(): number | null; spanMs(): number } {
  const samples: Array<{ at: number; requests: number }> = [];
  return {
    sample(at, requests) {
      if (requests === 0) return;
      samples.push({ at, requests });
      while (samples.length > 2 && samples[0]!.at < at - RATE_WINDOW_MS) samples.shift();
    },
    spanMs() {
      return samples.length > 1 ? samples.at(-1)!.at - samples[0]!.at : 0;
    },
    perMs() {
      const first = samples[0];
      const last = samples.at(-1);
      if (!first || !last || last.at - first.at < 2000) return null;
      return (last.requests - first.requests) / (last.at - first.at);
    },
  };
}

function formatEta(ms: number | null): string | null {
  return ms === null ? null : formatClock(ms);
}

/** The display as text: one line per page and stream, with a bar and an ETA when the total is known. */
export function renderProgress(rows: readonly Tracked[], requests: number, elapsedMs: number, now: number, runEtaMs: number | null = null): string {
  const lines = [`pancake-sync: ${requests} requests, ${formatClock(elapsedMs)} elapsed${runEtaMs === null ? '' : `, ETA ${formatClock(runEtaMs)}`}`];
  for (const r of rows) {
    const total = r.counts.unitsTotal ?? null;
    const done = r.counts.unitsDone;
    const share = total ? Math.min(1, done / total) : r.finishedAt ? 1 : 0;
    const bar = total !== null || r.finishedAt ? `${'█'.repeat(Math.round(share * 20)).padEnd(20, '░')}` : '…'.padEnd(20);
    const units = total !== null ? `${done}/${total}` : `${done}`;
    const tail = r.finishedAt ? r.status : `ETA ${eta(r, now) ?? '?'}`;
    lines.push(`  ${r.pageId}  ${r.stream.padEnd(19)} ${bar} ${units.padStart(9)}  ${String(r.counts.records).padStart(8)} records  ${tail}`);
  }
  return `${lines.join('\n')}\n`;
}

function eta(row: Tracked, now: number): string | null {
  const total = row.counts.unitsTotal ?? null;
  if (row.finishedAt || total === null || row.counts.unitsDone === 0) return null;
  const elapsed = now - row.startedAt;
  return formatClock((elapsed / row.counts.unitsDone) * Math.max(0, total - row.counts.unitsDone));
}

function formatClock(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}
