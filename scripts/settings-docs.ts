// `npm run docs:settings`: rewrites README.md's configuration table from src/settings.ts, the one
// declaration of every setting (test/unit/settings-docs.test.ts fails while they differ).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { replaceSettingsTable } from '../src/settings-docs.js';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
writeFileSync(readme, replaceSettingsTable(readFileSync(readme, 'utf8')));
process.stdout.write('README.md: configuration table updated from src/settings.ts\n');
