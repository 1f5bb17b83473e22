import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { parseConfig } from '../../src/config.js';
import { SETTINGS, type Setting } from '../../src/settings.js';
import { replaceSettingsTable } from '../../src/settings-docs.js';
import { REPO_ROOT } from '../support/harness.js';

// Every setting is declared once (src/settings.ts); the README table, --help and .env.example must
// say the same, and the Config the parser returns holds every declared field.

const settings = Object.values(SETTINGS) as Array<Setting<unknown>>;

describe('settings are declared once', () => {
  it("README's configuration table is the one the settings generate (run `npm run docs:settings` after changing src/settings.ts)", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(replaceSettingsTable(readme)).toBe(readme);
  });

  it('.env.example lists exactly the declared variables', () => {
    const example = readFileSync(join(REPO_ROOT, '.env.example'), 'utf8');
    const listed = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(new Set(settings.map((s) => s.env)));
  });

  it('--help names every variable with its default', () => {
    let help = '';
    const program = buildProgram().configureOutput({ writeOut: (text) => (help += text) });
    expect(() => program.parse(['node', 'pancake-sync', '--help'])).toThrow();
    for (const s of settings) expect(help).toContain(s.env);
    expect(help).toMatch(/SYNC_LOOKBACK\s[^A-Z]*\(default: 2h\)/);
  });

  it('every declared default parses, and each example is accepted by its own parser', () => {
    const config = parseConfig({}, new Date('2026-06-01T00:00:00Z'));
    expect(Object.keys(config).sort()).toEqual([...Object.keys(SETTINGS), 'timezoneOverride'].sort());
    for (const s of settings) {
      const problems: string[] = [];
      s.parse(s.example, { now: new Date(), problem: (what) => problems.push(what) });
      expect(problems, s.env).toEqual([]);
    }
  });
});
