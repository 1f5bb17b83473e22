import { readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { sleep } from '../../sleep.js';
import pg from 'pg';
import { errorMessage, type Fail, type Log } from './errors.js';
import { isAlive, looksLikePostgres } from './processes.js';

// A second process on the same cluster (cron's `sync` while someone runs `status`) finds
// `postmaster.pid` with a live pid, reads the port from its 4th line and connects to that server
// instead of starting another one. A postmaster.pid whose pid is dead (or, on Linux, is no longer
// a postgres process) is stale and is removed before starting.

const READY_TIMEOUT_MS = 60_000;

/** A running server of this cluster, or undefined (after removing a stale postmaster.pid). */
export async function runningServer(
  clusterDir: string,
  urlFor: (port: number, db: string) => string,
  log: Log,
  fail: Fail,
): Promise<{ pid: number; port: number } | undefined> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const lines = (await readFile(pidFile, 'utf8').catch(() => undefined))?.split('\n');
    if (!lines) return undefined;
    const pid = Number.parseInt(lines[0] ?? '', 10);
    const port = Number.parseInt(lines[3] ?? '', 10);
    if (!isAlive(pid) || !looksLikePostgres(pid)) {
      log(`removing stale ${pidFile} (pid ${lines[0]} is not a running postgres)`);
      await unlink(pidFile).catch(() => {});
      return undefined;
    }
    // The server may still be starting up (its starter was killed) or shutting down (its owner is
    // stopping it): retry until it answers or its pid is gone.
    try {
      if (!Number.isInteger(port)) throw new Error(`no port in ${pidFile} yet`);
      await withClient(urlFor(port, 'postgres'), (c) => c.query('select 1'));
      return { pid, port };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === '28P01' || code === '28000') {
        throw fail(`a server (pid ${pid}, port ${port}) runs on this cluster but refuses the password in .password`, err);
      }
      if (Date.now() > deadline) {
        throw fail(`a server (pid ${pid}) runs on this cluster but does not answer on port ${port}: ${errorMessage(err)}`, err);
      }
      await sleep(100);
    }
  }
}

export async function createDatabaseIfMissing(url: string, database: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  await withClient(admin.toString(), async (c) => {
    const { rowCount } = await c.query('select 1 from pg_database where datname = $1', [database]);
    if (rowCount) return;
    try {
      await c.query(`create database ${c.escapeIdentifier(database)}`);
    } catch (err) {
      // 42P04 duplicate_database, 23505: a concurrent CREATE DATABASE of the same name won.
      const code = (err as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw err;
    }
  });
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {}); // a server shutting down under us must not crash the process
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** `.owner` names the process that started the running server; only that process removes it. */
export async function removeOwner(ownerFile: string): Promise<void> {
  const owner = await readFile(ownerFile, 'utf8').catch(() => '');
  if (owner.trim() === String(process.pid)) await unlink(ownerFile).catch(() => {});
}

export async function readOwner(ownerFile: string): Promise<number> {
  return Number.parseInt(await readFile(ownerFile, 'utf8').catch(() => ''), 10);
}
