import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { compiledCli } from '../support/compiled-cli.js';
import { queryRows } from '../support/db.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/warehouse/embedded.js';

/** The module in the compiled build of the sources under test: a child runs it without the tsx loader's start-up cost. */
const embeddedModule = () => pathToFileURL(path.join(path.dirname(compiledCli()), 'warehouse', 'embedded.js')).href;

// One cluster for the file: the first test initialises it, the others reuse it (initdb is the slow part).
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'pancake-sync-embedded-test-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const pidFile = () => path.join(dataDir, 'pgdata', 'postmaster.pid');
const portOf = (url: string) => new URL(url).port;

/** A second process that starts the embedded Postgres on `dataDir` when told to `go()`. */
function otherProcess(dir: string) {
  const code = `
    const { startEmbeddedPostgres } = await import(${JSON.stringify(embeddedModule())});
    const lines = (await import('node:readline')).createInterface({ input: process.stdin });
    const it = lines[Symbol.asyncIterator]();
    console.log('ready');
    await it.next();
    const pg = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dir)}, durable: false });
    console.log(JSON.stringify({ mode: pg.mode, url: pg.url }));
    await it.next();
    await pg.stop();
    console.log('stopped');
    process.exit(0);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const out = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async () => {
    const { value, done } = await out.next();
    if (done) throw new Error(`child exited (code ${child.exitCode})`);
    return value as string;
  };
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return {
    pid: child.pid,
    ready: nextLine().then((l) => expect(l).toBe('ready')),
    go: async (): Promise<{ mode: string; url: string }> => {
      child.stdin.write('go\n');
      return JSON.parse(await nextLine()) as { mode: string; url: string };
    },
    stop: async () => {
      child.stdin.write('stop\n');
      expect(await nextLine()).toBe('stopped');
      expect(await exited).toBe(0);
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('startEmbeddedPostgres', () => {
  it('initialises a cluster once, then restarts it with the same password and data', async () => {
    const first = await startEmbeddedPostgres({ dataDir, durable: false, maxConnections: 250 });
    expect(first.mode).toBe('started');
    // The test server's setting (test/support/global-setup.ts): the default 100 ran out under `npm test`.
    expect(await queryRows(first.url, 'show max_connections')).toEqual([{ max_connections: '250' }]);
    expect(first.url).toMatch(/^postgres:\/\/pancake:[^@]+@127\.0\.0\.1:\d+\/pancake$/);
    await queryRows(first.url, 'create table kept (id int primary key); insert into kept values (42)');
    await first.stop();
    await first.stop(); // idempotent
    expect(existsSync(pidFile())).toBe(false);

    const password = (await readFile(path.join(dataDir, '.password'), 'utf8')).trim();
    expect((await stat(path.join(dataDir, '.password'))).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);

    const second = await startEmbeddedPostgres({ dataDir, durable: false });
    try {
      expect(second.mode).toBe('started');
      expect(decodeURIComponent(new URL(second.url).password)).toBe(password);
      expect(await queryRows(second.url, 'select id from kept')).toEqual([{ id: 42 }]);
      const [{ encoding } = {}] = await queryRows(second.url, "select current_setting('server_encoding') as encoding");
      expect(encoding).toBe('UTF8');
    } finally {
      await second.stop();
    }
  });

  it('shares one server between concurrent starts in one process', async () => {
    const handles = await Promise.all([
      startEmbeddedPostgres({ dataDir, durable: false, database: 'one' }),
      startEmbeddedPostgres({ dataDir, durable: false, database: 'two' }),
    ]);
    const owner = handles.find((h) => h.mode === 'started');
    const guest = handles.find((h) => h.mode === 'attached');
    if (!owner || !guest) throw new Error(`expected started + attached, got ${handles.map((h) => h.mode)}`);
    expect(portOf(guest.url)).toBe(portOf(owner.url));
    await guest.stop(); // not its server: leaves it running
    expect(await queryRows(guest.url, 'select current_database() as db')).toEqual([{ db: new URL(guest.url).pathname.slice(1) }]);
    await owner.stop();
    expect(existsSync(pidFile())).toBe(false);
  });

  it('lets a second process attach to the server instead of starting another one', async () => {
    const other = otherProcess(dataDir);
    await other.ready;
    const [mine, theirs] = await Promise.all([startEmbeddedPostgres({ dataDir, durable: false }), other.go()]);
    expect([mine.mode, theirs.mode].sort()).toEqual(['attached', 'started']);
    expect(portOf(mine.url)).toBe(portOf(theirs.url));
    if (mine.mode === 'attached') {
      await mine.stop();
      expect(await queryRows(mine.url, 'select 1 as ok')).toEqual([{ ok: 1 }]); // still theirs, still up
      await other.stop();
    } else {
      await other.stop();
      expect(await queryRows(mine.url, 'select 1 as ok')).toEqual([{ ok: 1 }]);
      await mine.stop();
    }
    expect(existsSync(pidFile())).toBe(false);
  });

  it('adopts a server orphaned by a killed process, and ignores a stale postmaster.pid', async () => {
    const other = otherProcess(dataDir);
    await other.ready;
    const theirs = await other.go();
    await other.kill(); // SIGKILL: its postgres keeps running, orphaned

    const adopted = await startEmbeddedPostgres({ dataDir, durable: false });
    expect(adopted.mode).toBe('adopted');
    expect(portOf(adopted.url)).toBe(portOf(theirs.url));
    await adopted.stop();
    expect(existsSync(pidFile())).toBe(false);

    // A postmaster.pid whose pid is gone (here the killed process's), as a crash leaves it.
    await writeFile(pidFile(), `${other.pid}\n${path.join(dataDir, 'pgdata')}\n0\n1\n`);
    const logs: string[] = [];
    const fresh = await startEmbeddedPostgres({ dataDir, durable: false, log: (m) => logs.push(m) });
    try {
      expect(fresh.mode).toBe('started');
      expect(logs.join('\n')).toMatch(/removing stale .*postmaster\.pid/);
      expect(await queryRows(fresh.url, 'select 1 as ok')).toEqual([{ ok: 1 }]);
    } finally {
      await fresh.stop();
    }
  });
});
