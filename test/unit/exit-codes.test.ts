import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import * as errors from '../../src/errors.js';
import { REPO_ROOT } from '../support/harness.js';

// The exit codes are a contract scripts and schedulers read: each code has one name and one
// meaning, declared once (EXIT_CODES in src/errors.ts), and --help and the README say the same.

const { EXIT_CODES } = errors;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const oneLine = (text: string) => text.replace(/`/g, '').replace(/\s+/g, ' ');

describe('exit codes', () => {
  it('gives each code one name and one meaning, and keeps the documented values', () => {
    expect(EXIT_CODES.map((c) => [c.code, c.name])).toEqual([
      [0, 'EXIT_OK'],
      [1, 'EXIT_INCOMPLETE'],
      [2, 'EXIT_USAGE'],
    ]);
    const constants = Object.entries(errors).filter(([name]) => /^EXIT_[A-Z_]+$/.test(name) && name !== 'EXIT_CODES');
    expect(Object.fromEntries(constants)).toEqual(Object.fromEntries(EXIT_CODES.map((c) => [c.name, c.code])));
  });

  it('is declared nowhere else in src/', () => {
    const elsewhere = files(join(REPO_ROOT, 'src'))
      .filter((file) => !file.endsWith('src/errors.ts') && /\bconst EXIT_[A-Z_]+\s*=/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(REPO_ROOT, file));
    expect(elsewhere).toEqual([]);
  });

  it('--help lists every code with its meaning', () => {
    let help = '';
    const program = buildProgram().configureOutput({ writeOut: (text) => (help += text) });
    expect(() => program.parse(['node', 'pancake-sync', '--help'])).toThrow();
    for (const { code, meaning } of EXIT_CODES) expect(oneLine(help)).toContain(`${code} ${oneLine(meaning)}`);
  });

  it('README lists every code with its meaning', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const { code, meaning } of EXIT_CODES) expect(readme).toContain(`- \`${code}\` ${meaning}\n`);
  });
});
