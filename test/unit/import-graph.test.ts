// The import graph of src/, read from the import and export statements of every file (type-only
// imports included: a cycle of types is still two files that cannot be read one before the other).
// No file may take part in a cycle; the commands a shop runs (everything `src/cli.ts` imports
// statically) and the library never reach the simulator: only `demo` and `simulate` load it, on
// demand; and the simulator takes nothing from the rest of the project but the client's types.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SRC = join(REPO_ROOT, 'src');

/**
 * Cycles allowed, each a sorted list of files: none. The list stays so that a cycle that must be
 * lived with for a while is written down where a reader sees it; an entry that no longer is a
 * cycle fails the test, so the list only shrinks.
 */
const KNOWN_CYCLES: string[][] = [];

interface Edge {
  to: string;
  /** `import('…')`: loaded when the code runs, not when the importing file loads. */
  dynamic: boolean;
  /** `import type` / `export type`: gone from the built code. */
  typeOnly: boolean;
}

const STATIC = /^[ \t]*(?:import|export)\s(?:[^;'"`]|'[^'\n]*'|"[^"\n]*")*?\bfrom\s*(['"])([^'"\n]+)\1/gm;
const SIDE_EFFECT = /^[ \t]*import\s*(['"])([^'"\n]+)\1/gm;
const DYNAMIC = /^(?![ \t]*(?:\/\/|\*)).*?\bimport\(\s*(['"])([^'"\n]+)\1\s*\)/gm;

/** The specifiers a file's text imports, each with whether it is a dynamic or a type-only import. */
function importsOf(text: string): Array<Omit<Edge, 'to'> & { specifier: string }> {
  const found = (pattern: RegExp, dynamic: boolean) =>
    [...text.matchAll(pattern)].map((m) => ({ specifier: m[2] as string, dynamic, typeOnly: /^\s*(?:import|export)\s+type\s/.test(m[0]) }));
  return [...found(STATIC, false), ...found(SIDE_EFFECT, false), ...found(DYNAMIC, true)];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** src/ as a graph of repo-relative paths; throws on a relative import that names no file. */
function sourceGraph(): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  for (const file of sourceFiles(SRC)) {
    const edges: Edge[] = [];
    for (const { specifier, dynamic, typeOnly } of importsOf(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue; // a package
      const base = resolve(dirname(file), specifier);
      const target = [base.replace(/\.js$/, '.ts'), join(base, 'index.ts')].find((candidate) => existsSync(candidate));
      if (!target) throw new Error(`${relative(REPO_ROOT, file)} imports ${specifier}, which is no file`);
      if (target.startsWith(SRC)) edges.push({ to: relative(REPO_ROOT, target), dynamic, typeOnly });
    }
    graph.set(relative(REPO_ROOT, file), edges);
  }
  return graph;
}

/** The files that import each other in a ring (strongly connected components of two or more, or a self-import). */
function findCycles(graph: ReadonlyMap<string, ReadonlyArray<{ to: string }>>): string[][] {
  // Tarjan's algorithm.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const { to } of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) as number, low.get(to) as number));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node) as number, index.get(to) as number));
    }
    if (low.get(node) !== index.get(node)) return;
    const ring: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      ring.push(member);
    } while (member !== node);
    if (ring.length > 1 || (graph.get(node) ?? []).some((e) => e.to === node)) cycles.push(ring.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles.sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
}

/** Every file `from` reaches through static imports (a dynamic import is not followed). */
function staticClosure(graph: ReadonlyMap<string, Edge[]>, from: string): Set<string> {
  const seen = new Set<string>([from]);
  const todo = [from];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    for (const edge of graph.get(file) ?? []) {
      if (!edge.dynamic && !seen.has(edge.to)) {
        seen.add(edge.to);
        todo.push(edge.to);
      }
    }
  }
  return seen;
}

describe('the import graph of src/', () => {
  const graph = sourceGraph();

  it('reads every form of import the code uses', () => {
    const text = [
      "import { a,\n  b } from './multi-line.js';",
      "import type { T } from './types-only.js';",
      "export { c } from './re-export.js';",
      "export * as d from './namespace.js';",
      "import './side-effect.js';",
      "  const m = await import('./lazy.js');",
      "// import { x } from './commented-out.js';",
      " * or `import('./in-a-doc-comment.js')`",
      "const s = 'from the shop';",
    ].join('\n');
    expect(importsOf(text)).toEqual([
      { specifier: './multi-line.js', dynamic: false, typeOnly: false },
      { specifier: './types-only.js', dynamic: false, typeOnly: true },
      { specifier: './re-export.js', dynamic: false, typeOnly: false },
      { specifier: './namespace.js', dynamic: false, typeOnly: false },
      { specifier: './side-effect.js', dynamic: false, typeOnly: false },
      { specifier: './lazy.js', dynamic: true, typeOnly: false },
    ]);
    // The real graph has the edges it must have: a parse that finds nothing would find no cycle either.
    expect(graph.get('src/cli.ts')?.map((e) => e.to)).toEqual(expect.arrayContaining(['src/config.ts', 'src/commands/sync.ts']));
  });

  it('finds a ring of files, and only the files in it', () => {
    const edges = (...to: string[]) => to.map((t) => ({ to: t }));
    const sample = new Map([
      ['a', edges('b')],
      ['b', edges('c')],
      ['c', edges('a', 'd')],
      ['d', edges()],
      ['e', edges('e')],
    ]);
    expect(findCycles(sample)).toEqual([['a', 'b', 'c'], ['e']]);
  });

  it('has no cycle but the known ones, and each known one still is a cycle (else remove it from the list)', () => {
    expect(findCycles(graph)).toEqual(KNOWN_CYCLES);
  });

  it('has no cycle through the simulator', () => {
    expect(findCycles(graph).flat().filter((file) => file.startsWith('src/simulator/'))).toEqual([]);
  });

  it('keeps the simulator out of every command but demo and simulate, and out of the library', () => {
    for (const entry of ['src/cli.ts', 'src/index.ts']) {
      const reached = [...staticClosure(graph, entry)];
      expect(reached.length, entry).toBeGreaterThan(10);
      expect(reached.filter((file) => file.startsWith('src/simulator/')), entry).toEqual([]);
    }
    // The only ways in: the modules of demo and simulate, loaded by their declarations on demand.
    const intoSimulator = [...graph].flatMap(([file, edges]) =>
      edges.filter((e) => e.dynamic && !file.startsWith('src/simulator/') && [...staticClosure(graph, e.to)].some((f) => f.startsWith('src/simulator/'))).map((e) => `${file} → ${e.to}`),
    );
    expect(intoSimulator.sort()).toEqual(['src/commands/simulator-commands.ts → src/commands/demo.ts', 'src/commands/simulator-commands.ts → src/commands/simulate.ts']);
  });

  it("gives the simulator nothing of the project but the client's types", () => {
    const outside = [...graph]
      .filter(([file]) => file.startsWith('src/simulator/'))
      .flatMap(([file, edges]) => edges.filter((e) => !e.to.startsWith('src/simulator/') && !(e.typeOnly && e.to.startsWith('src/pancake/'))).map((e) => `${file} → ${e.to}`));
    expect(outside).toEqual([]);
  });
});
