import { describe, expect, it } from 'vitest';
import { createProgress, renderProgress } from '../../src/sync/progress.js';
import { silentLogger } from '../../src/logger.js';

describe('progress display', () => {
  it('shows each page and stream with done/total, records and an ETA from the pace so far', () => {
    const now = 1_000_000;
    const text = renderProgress(
      [
        { pageId: '111', stream: 'conversations', counts: { records: 300, rowsWritten: 300, unitsDone: 5, unitsTotal: 20 }, startedAt: now - 10_000, finishedAt: null, status: 'running' },
        { pageId: '111', stream: 'messages', counts: { records: 9000, rowsWritten: 9000, unitsDone: 400, unitsTotal: 400 }, startedAt: now - 60_000, finishedAt: now, status: 'done' },
      ],
      1234,
      75_000,
      now,
    );
    expect(text).toContain('1234 requests, 1:15 elapsed');
    expect(text).toMatch(/111 {2}conversations +█{5}░{15} +5\/20 +300 records {2}ETA 0:30/);
    expect(text).toMatch(/messages +█{20} +400\/400 +9000 records {2}done/);
  });

  it('redraws in place on a terminal', () => {
    const frames: string[] = [];
    const progress = createProgress({ log: silentLogger, target: { isTTY: true, write: (t) => frames.push(t) > 0 }, requests: () => 7, redrawMs: 1_000_000 });
    progress.track('111', 'conversations', { records: 1, rowsWritten: 1, unitsDone: 1, unitsTotal: 2 });
    progress.stop();
    expect(frames).toHaveLength(1);
    expect(frames[0]).toContain('7 requests');
  });
});
