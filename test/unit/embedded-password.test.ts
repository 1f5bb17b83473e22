import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPassword } from '../../src/warehouse/embedded/cluster.js';
import { failureFor } from '../../src/warehouse/embedded/errors.js';

// A cluster whose password file is gone cannot be used; the error says what to delete. As root, the
// cluster lives in the shared directory and is found again from the data directory's path alone,
// so a clone deleted and made again at the same path met its predecessor's cluster, and the error
// named only a link that did not exist: deleting it changed nothing.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pancake-password-'));
  dirs.push(dir);
  return dir;
}

const fail = failureFor('/the/data/dir');

describe('an existing cluster without its password file', () => {
  it('in the shared directory: names the cluster to delete, not only the link', async () => {
    const dataDir = tempDir();
    const cluster = join(tempDir(), 'clusters', 'abc123', 'pgdata');
    mkdirSync(cluster, { recursive: true });
    writeFileSync(join(cluster, 'PG_VERSION'), '18\n');
    const error = await loadPassword(dataDir, { dir: cluster, link: join(dataDir, 'pgdata') }, fail).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`delete ${cluster} (and the link ${join(dataDir, 'pgdata')} if there is one)`);
  });

  it('in the data directory: names that cluster', async () => {
    const dataDir = tempDir();
    const cluster = join(dataDir, 'pgdata');
    mkdirSync(cluster);
    writeFileSync(join(cluster, 'PG_VERSION'), '18\n');
    const error = await loadPassword(dataDir, { dir: cluster, link: null }, fail).catch((e: unknown) => e as Error);
    expect((error as Error).message).toContain(`delete ${cluster} to start a new, empty cluster`);
  });

  it('no cluster yet: a new password, written for the next start', async () => {
    const dataDir = tempDir();
    const password = await loadPassword(dataDir, { dir: join(dataDir, 'pgdata'), link: null }, fail);
    expect(password.length).toBeGreaterThan(20);
    expect(await loadPassword(dataDir, { dir: join(dataDir, 'pgdata'), link: null }, fail)).toBe(password);
  });
});
