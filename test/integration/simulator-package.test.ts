// `pancake-sync/simulator` as a user gets it: the package is built into a scratch node_modules (the
// repository's own dist/ stays untouched), then a plain Node script imports the simulator by its
// public name. It runs docs/simulator.md's example as written, and the module exports exactly what
// that page lists.

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulatorData } from '../../src/simulator/index.js';
import { REPO_ROOT } from '../support/harness.js';
import { runNode } from '../support/node-process.js';

const DOC = join(REPO_ROOT, 'docs/simulator.md');

/** A section of docs/simulator.md, from its heading to the next one. */
function docSection(heading: string): string {
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/simulator.md has no "## ${heading}" section`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** The names a declaration file's export statements give, split into values and types. */
function exportedNames(declarations: string): { values: string[]; types: string[] } {
  const values: string[] = [];
  const types: string[] = [];
  for (const [, typeOnly, list] of declarations.matchAll(/^export (type )?\{([^}]*)\} from/gm)) {
    for (const item of (list ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '')) {
      const name = item.replace(/^type /, '').split(/\s+as\s+/).at(-1) as string;
      (typeOnly || item.startsWith('type ') ? types : values).push(name);
    }
  }
  for (const [, name] of declarations.matchAll(/^export \* as (\w+) from/gm)) values.push(name as string);
  return { values: values.sort(), types: types.sort() };
}

describe('pancake-sync/simulator, built and imported by its public name', () => {
  let dir: string;
  let packageDir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pancake-simulator-package-'));
    packageDir = join(dir, 'node_modules', 'pancake-sync');
    mkdirSync(packageDir, { recursive: true });
    const build = await runNode([join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', join(packageDir, 'dist')], { cwd: REPO_ROOT });
    if (build.code !== 0) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`);
    copyFileSync(join(REPO_ROOT, 'package.json'), join(packageDir, 'package.json'));
    // The package's own dependencies (luxon, …), as an install would put them.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(packageDir, 'node_modules'), 'dir');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('package.json maps the name to the built module and its types', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; import: string }> };
    const entry = pkg.exports['./simulator'];
    expect(entry).toEqual({ types: './dist/src/simulator/index.d.ts', import: './dist/src/simulator/index.js' });
    for (const file of [entry?.types, entry?.import]) expect(existsSync(join(packageDir, file ?? 'missing')), file).toBe(true);
  });

  it("runs docs/simulator.md's example as written", async () => {
    const block = /```ts\n([\s\S]*?)```/.exec(docSection('Starting one from your code'))?.[1];
    expect(block).toContain("from 'pancake-sync/simulator'");
    writeFileSync(join(dir, 'example.mjs'), block ?? '');

    const result = await runNode(['example.mjs'], { cwd: dir });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const pageIds = createSimulatorData({ seed: 7, pages: 2, conversationsPerPage: 1 }).pages.map((p) => p.id);
    expect(result.stdout).toMatch(new RegExp(`^pages: ${pageIds.join(', ')}\\nmessages: [1-9]\\d*\\nrequests: list_pages 200\\n$`));
  });

  it('exports what docs/simulator.md lists, values and types, and nothing else', async () => {
    const listed = [...docSection('What the module exports').matchAll(/`([A-Za-z_]\w*)`/g)].map((m) => m[1] as string);
    const declared = exportedNames(readFileSync(join(packageDir, 'dist', 'src', 'simulator', 'index.d.ts'), 'utf8'));
    expect([...declared.values, ...declared.types].sort()).toEqual([...new Set(listed)].sort());

    const probe = "const m = await import('pancake-sync/simulator'); console.log(JSON.stringify({ url: import.meta.resolve('pancake-sync/simulator'), keys: Object.keys(m).sort() }));";
    writeFileSync(join(dir, 'probe.mjs'), probe);
    const result = await runNode(['probe.mjs'], { cwd: dir });
    expect(result.stderr).toBe('');
    const { url, keys } = JSON.parse(result.stdout) as { url: string; keys: string[] };
    expect(url).toMatch(/\/node_modules\/pancake-sync\/dist\/src\/simulator\/index\.js$/);
    expect(keys).toEqual(declared.values);
  });
});
