// The two tiers (test/support/tier.ts): `npm run test:soak` runs exactly the test files that have a
// soak version, those that import the tier module. A file that gains one and is not in the script
// would never run its long version; a file in the script without one would run twice for nothing.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/compiled-cli.js';

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(REPO_ROOT, path)] : [];
  });
}

describe('test tiers', () => {
  it('npm run test:soak lists exactly the test files that import test/support/tier.ts, and sets PANCAKE_SOAK=1', () => {
    const script = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['test:soak'] ?? '';
    expect(script).toMatch(/^PANCAKE_SOAK=1 vitest run /);
    const listed = script.split(/\s+/).filter((word) => word.endsWith('.test.ts')).sort();
    const tiered = testFiles(join(REPO_ROOT, 'test'))
      .filter((file) => /from '\.\.\/support\/tier\.js'/.test(readFileSync(join(REPO_ROOT, file), 'utf8')))
      .sort();
    expect(tiered.length).toBeGreaterThan(0);
    expect(listed).toEqual(tiered);
  });

  it('no test reads PANCAKE_SOAK itself: the tier is decided in one place', () => {
    const readers = testFiles(join(REPO_ROOT, 'test')).filter((file) => file !== 'test/unit/test-tiers.test.ts' && readFileSync(join(REPO_ROOT, file), 'utf8').includes('PANCAKE_SOAK'));
    expect(readers).toEqual([]);
  });
});
