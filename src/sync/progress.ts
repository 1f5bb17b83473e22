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
  const runEta = (): number | null => etaMs([...rows.values()], rate.perMs());

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

/**
 * The run's ETA: the requests its streams still expect to make ÷ the request rate of the last
 * half minute. A backfill is bound by the API's rate limit, so requests, not windows or records,
 * are what time follows; each stream revises its estimate as it learns (messages from the
 * message_count of the conversations stored so far). Null until a stream has an estimate and
 * requests have been made for a few seconds.
 */
export function etaMs(rows: readonly Tracked[], requestsPerMs: number | null): number | null {
  const open = rows.filter((r) => r.finishedAt === null);
  if (requestsPerMs === null || requestsPerMs <= 0 || !open.some((r) => typeof r.counts.requestsTotal === 'number')) return null;
  // A stream without an estimate (a snapshot) has about one request left.
  const remaining = open.reduce((sum, r) => sum + (typeof r.counts.requestsTotal === 'number' ? Math.max(0, r.counts.requestsTotal - (r.counts.requests ?? 0)) : 1), 0);
  return remaining / requestsPerMs;
}

const RATE_WINDOW_MS = 30_000;

/** Requests per ms over the last RATE_WINDOW_MS, from samples taken once a second after the first request. */
function requestRate(): { sample(at: number, requests: number): void; perMs(): number | null } {
  const samples: Array<{ at: number; requests: number }> = [];
  return {
    sample(at, requests) {
      if (requests === 0) return;
      samples.push({ at, requests });
      while (samples.length > 2 && samples[0]!.at < at - RATE_WINDOW_MS) samples.shift();
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
