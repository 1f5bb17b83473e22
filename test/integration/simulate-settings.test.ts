import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { rowsPerTable } from '../../src/warehouse/row-counts.js';
import { createDb } from '../../src/warehouse/db.js';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';
import { spawnCli } from '../support/compiled-cli.js';
import { runCli } from '../support/harness.js';

// The README's "try it without a shop" path: `simulate` prints the settings, a sync with exactly
// those settings and the printed command fills every table (call logs need PANCAKE_CALL_CENTER_IDS).
// A two-week history instead of the default 120 days: the printed --since follows the history, and
// every table still gets rows, with a tenth of the statistics days to copy at the printed pace.

let database: TestDatabase | undefined;
let stopSimulator: (() => void) | undefined;
afterAll(async () => {
  stopSimulator?.();
  await database?.drop();
});

async function startSimulateCommand(): Promise<{ env: Record<string, string>; syncs: string[][] }> {
  const child = spawnCli(['simulate', '--port', '0', '--conversations', '12', '--history-days', '14'], {});
  stopSimulator = () => child.kill('SIGTERM');
  child.stderr!.pipe(process.stderr);
  const env: Record<string, string> = {};
  const syncs: string[][] = [];
  for await (const line of createInterface({ input: child.stdout! })) {
    const setting = /^([A-Z_]+)=(.+)$/.exec(line);
    if (setting) env[setting[1]!] = setting[2]!;
    const command = /^\s+npx pancake-sync (sync [^(]+?)(\s+\(.*\))?$/.exec(line);
    if (command) syncs.push(command[1]!.split(' '));
    else if (syncs.length > 0) break; // the commands are the last lines before it waits
  }
  if (syncs.length === 0) throw new Error('simulate printed no sync command');
  return { env, syncs };
}

describe('simulate', () => {
  it('prints every setting a sync needs, and a sync with them fills every table', async () => {
    const { env, syncs } = await startSimulateCommand();
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['PANCAKE_BASE_URL', 'PANCAKE_ACCESS_TOKEN', 'PANCAKE_CALL_CENTER_IDS']));
    database = await createMigratedDatabase('simulate');
    for (const args of syncs) {
      const result = await runCli(args, { ...env, DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
      expect(result.code, result.stderr).toBe(0);
    }

    const db = createDb(database.url, 2);
    try {
      // Every table of the shop's data (bookkeeping such as sync_locks is empty between runs).
      const rows = await rowsPerTable(db);
      const empty = rows.filter((r) => r.rows === 0).map((r) => r.table);
      expect(rows.length).toBeGreaterThan(15);
      expect(empty).toEqual([]);
    } finally {
      await db.destroy();
    }
  }, 120_000);
});
