import type { Logger } from '../logger.js';
import type { StreamCounts } from './stream.js';

// Progress of a run, per page and stream. On a terminal it redraws a small table in place on
// stderr; off a terminal (cron, containers, CI) it writes a pino line now and then instead, so
// logs stay line-oriented.

export interface ProgressTarget {
  isTTY?: boolean;
  write(text: string): boolean;
}

interface Tracked {
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
  let drawnLines = 0;

  const draw = (): void => {
    const text = renderProgress([...rows.values()], options.requests(), Date.now() - started, Date.now());
    // Move up over the previous frame and clear it, then draw the new one.
    target.write(`${drawnLines > 0 ? `\u001b[${drawnLines}F\u001b[J` : ''}${text}`);
    drawnLines = text.split('\n').length - 1;
  };
  const logLine = (): void => {
    const active = [...rows.values()].filter((r) => r.finishedAt === null);
    options.log.info(
      {
        requests: options.requests(),
        streams: active.map((r) => ({ page: r.pageId, stream: r.stream, done: r.counts.unitsDone, total: r.counts.unitsTotal, records: r.counts.records, eta: eta(r, Date.now()) })),
      },
      'sync in progress',
    );
  };
  const timer = setInterval(live ? draw : logLine, live ? (options.redrawMs ?? 250) : (options.logEveryMs ?? 15_000));
  timer.unref();

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
      if (live) draw();
    },
  };
}

/** The display as text: one line per page and stream, with a bar and an ETA when the total is known. */
export function renderProgress(rows: readonly Tracked[], requests: number, elapsedMs: number, now: number): string {
  const lines = [`pancake-sync: ${requests} requests, ${formatClock(elapsedMs)} elapsed`];
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
