// The committed order of the heaviest test files (test/support/sequencer.ts): a renamed or removed
// file would silently lose its place at the start of the run.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/compiled-cli.js';
import { HEAVIEST_FILES } from '../support/sequencer.js';

describe('the order of the heaviest test files', () => {
  it('names test files that exist, each once, heaviest first', () => {
    const files = HEAVIEST_FILES.map(([file]) => file);
    expect(files.filter((file) => !file.endsWith('.test.ts') || !existsSync(join(REPO_ROOT, file)))).toEqual([]);
    expect(new Set(files).size).toBe(files.length);
    const weights = HEAVIEST_FILES.map(([, cpu]) => cpu);
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
  });
});
