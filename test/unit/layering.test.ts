import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/harness.js';

// SQL lives in src/warehouse/: streams, the runner and the commands ask it questions by name. A file
// under src/sync/ or src/commands/ may import kysely's types, never its `sql` tag, and builds no
// query. Files stay small enough to take in at one sitting.

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const QUERY = /\b(selectFrom|insertInto|updateTable|deleteFrom|selectNoFrom|with)\(|\bsql`|\bsql\.(raw|ref|table|id|lit)\(/;

describe('layering', () => {
  it('src/sync and src/commands import no value from kysely and build no query', () => {
    const offenders: string[] = [];
    for (const file of [...files(join(REPO_ROOT, 'src/sync')), ...files(join(REPO_ROOT, 'src/commands'))]) {
      const text = readFileSync(file, 'utf8');
      const valueImport = /^import\s+(?!type\b)[^;]*from\s+'kysely'/m.test(text);
      if (valueImport || QUERY.test(text)) offenders.push(relative(REPO_ROOT, file));
    }
    expect(offenders).toEqual([]);
  });

  it('no source file is over 300 lines', () => {
    const long = files(join(REPO_ROOT, 'src'))
      .map((file) => ({ file: relative(REPO_ROOT, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter((f) => f.lines > 300);
    expect(long).toEqual([]);
  });
});
