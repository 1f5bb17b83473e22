// The order in which `npm test` starts its files. Several files run at once (vitest.config.ts
// maxWorkers); if the longest starts last, the run ends with one file running alone on an otherwise
// idle machine. Vitest orders by the durations of the previous run, which a fresh clone (CI) does
// not have: it would start the files in name order, workers.test.ts near the end. So the heaviest
// files start first, in the order of the committed list below; the others follow as vitest orders
// them. test/unit/test-order.test.ts keeps the list naming files that exist.

import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The heaviest test files, heaviest first, with the CPU seconds each took alone in `npm test`
 * (user + sys of `/usr/bin/time npx vitest run FILE`, less the ~7 s any run spends starting vitest
 * and Postgres), measured in December 2026. Rough figures suffice: they only decide which file
 * starts first. Re-measure when a file's weight changes a lot.
 */
export const HEAVIEST_FILES: ReadonlyArray<readonly [file: string, cpuSeconds: number]> = [
  ['test/integration/workers.test.ts', 48],
  ['test/integration/crash-resume.test.ts', 27],
  ['test/integration/cli.test.ts', 17],
  ['test/integration/season.test.ts', 16],
  ['test/integration/live-shop.test.ts', 15],
  ['test/integration/sweep.test.ts', 14],
  ['test/integration/user-token.test.ts', 14],
  ['test/integration/lock-hostility.test.ts', 13],
  ['test/integration/kill-restart.test.ts', 13],
  ['test/integration/cli-guards.test.ts', 12],
  ['test/integration/database-loss.test.ts', 12],
  ['test/integration/statistics.test.ts', 10],
  ['test/integration/real-shop-sync.test.ts', 10],
  ['test/integration/reliability.test.ts', 8],
  ['test/integration/coverage-property.test.ts', 7],
  ['test/integration/simulate-settings.test.ts', 7],
  ['test/integration/faults.test.ts', 6],
];

export default class HeaviestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root.replace(/\/?$/, '/');
    const weight = new Map(HEAVIEST_FILES.map(([file, cpu]) => [root + file, cpu]));
    // Array.prototype.sort is stable: files without a weight keep vitest's order among themselves.
    return sorted.sort((a, b) => (weight.get(b.moduleId) ?? 0) - (weight.get(a.moduleId) ?? 0));
  }
}
