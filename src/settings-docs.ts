import { settingsTable } from './settings.js';

// README.md carries the configuration table between these markers; scripts/settings-docs.ts writes
// it and a test checks it, so the README cannot drift from src/settings.ts.
export const TABLE_BEGIN = '<!-- settings table: generated from src/settings.ts by `npm run docs:settings` -->';
export const TABLE_END = '<!-- end of settings table -->';

/** The README with its settings table replaced by the one the settings declare. */
export function replaceSettingsTable(readme: string): string {
  const begin = readme.indexOf(TABLE_BEGIN);
  const end = readme.indexOf(TABLE_END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no settings table markers (${TABLE_BEGIN} … ${TABLE_END})`);
  return `${readme.slice(0, begin + TABLE_BEGIN.length)}\n${settingsTable()}\n${readme.slice(end)}`;
}
