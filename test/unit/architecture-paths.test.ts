import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/harness.js';

// docs/architecture.md is drawn from the code: every file and folder it names must exist, so a
// move or a rename that forgets the map fails here. A full path (`src/sync/runner.ts`) must exist
// as written; a bare file name (`error-codes.ts`) must be the name of some file of the repo.

const DOCS = ['docs/architecture.md', 'docs/workers.md', 'docs/simulator.md'];
const TREES = ['src', 'test', 'migrations', 'bench', 'docs', '.ci'];
const CODE_PATH = /`((?:src|test|migrations|bench|docs|\.ci)\/[\w./{},*-]*|[\w.-]+\.(?:ts|mjs|md))`/g;

function namesUnder(dir: string, into: Set<string>): Set<string> {
  for (const entry of readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    into.add(entry.name);
    if (entry.isDirectory()) namesUnder(path.join(dir, entry.name), into);
  }
  return into;
}

/** `src/warehouse/{runs,state}.ts` → both paths. */
function expand(cited: string): string[] {
  const brace = /\{([^}]*)\}/.exec(cited);
  if (!brace) return [cited.replace(/\/$/, '')];
  return brace[1]!.split(',').flatMap((part) => expand(cited.replace(brace[0], part)));
}

/** A path as written; with a `*`, some entry of its folder starting as the pattern does. */
function exists(cited: string, names: ReadonlySet<string>): boolean {
  const star = cited.indexOf('*');
  if (star >= 0) {
    const dir = path.dirname(cited.slice(0, star + 1));
    const prefix = path.basename(cited.slice(0, star + 1)).replace('*', '');
    return existsSync(path.join(REPO_ROOT, dir)) && readdirSync(path.join(REPO_ROOT, dir)).some((n) => n.startsWith(prefix));
  }
  return existsSync(path.join(REPO_ROOT, cited)) || (!cited.includes('/') && names.has(cited));
}

describe('the architecture documents name only what exists', () => {
  const names = TREES.reduce((set, dir) => (existsSync(path.join(REPO_ROOT, dir)) ? namesUnder(dir, set) : set), new Set<string>());

  for (const doc of DOCS) {
    it(doc, () => {
      const text = readFileSync(path.join(REPO_ROOT, doc), 'utf8');
      const cited = [...text.matchAll(CODE_PATH)].map((m) => m[1]!);
      expect(cited.length).toBeGreaterThan(0);
      const missing = cited.flatMap(expand).filter((p) => !exists(p, names));
      expect([...new Set(missing)]).toEqual([]);
    });
  }
});
