import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/harness.js';

// The repo must explain itself: a reader has only the clone. No file may point outside it, and
// every document a file cites (`docs/pancake-api.md`, `README.md`, …) must be in it.

const ROOTS = ['src', 'test', 'migrations', 'bench', 'docs', '.ci', 'docker', 'README.md', '.env.example', 'Dockerfile', 'docker-compose.yml', 'package.json'];
const SKIP = new Set(['node_modules', 'dist', '.git', 'fixtures']); // fixtures: captured data, not ours to word
const OUTSIDE = ['..' + '/shared', '/work' + '/shared'];
const CITATION = /(?<![\w/.-])((?:\.{1,2}\/)?(?:[\w.-]+\/)*[\w.-]+\.md)(?![\w/])/g;

function filesUnder(entry: string): string[] {
  const full = path.join(REPO_ROOT, entry);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return [full];
  return readdirSync(full, { withFileTypes: true }).flatMap((d) => (SKIP.has(d.name) ? [] : filesUnder(path.join(entry, d.name))));
}

const files = ROOTS.flatMap(filesUnder).filter((f) => /\.(ts|mjs|js|md|json|yml|yaml|sh)$|\/run$|Dockerfile$|\.env\.example$/.test(f));

describe('documents cited in the repo', () => {
  it('scans the sources, tests, docs and configuration', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('no file points outside the repo', () => {
    const offenders = files.filter((f) => OUTSIDE.some((needle) => readFileSync(f, 'utf8').includes(needle)));
    expect(offenders.map((f) => path.relative(REPO_ROOT, f))).toEqual([]);
  });

  it('every cited document exists in the repo', () => {
    const missing: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8').replace(/https?:\/\/\S+/g, '');
      for (const [, cited] of text.matchAll(CITATION)) {
        const candidates = [path.resolve(path.dirname(file), cited!), path.resolve(REPO_ROOT, cited!)];
        if (!candidates.some((c) => existsSync(c))) missing.push(`${path.relative(REPO_ROOT, file)} cites ${cited}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
