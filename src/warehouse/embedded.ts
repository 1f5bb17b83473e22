/**
 * The embedded PostgreSQL server used when DATABASE_URL is unset (and by the tests when neither
 * TEST_DATABASE_URL nor a Docker engine is available). Its parts live in embedded/: the start-up
 * lock (lock-file.ts), process control (processes.ts), the cluster and initdb (cluster.ts), the
 * server another process already runs (attach.ts), and, as root, the system user and what it can
 * reach (system-user.ts, binaries.ts).
 *
 * Layout of `dataDir`:
 *   pgdata/          the cluster, or as root a link to it when the user `postgres` cannot enter
 *                    dataDir (the cluster then lives under /var/lib/pancake-sync/clusters/).
 *   .password        password of the superuser `pancake`: random at first init, mode 0600.
 *   .lock            held only while a process initialises/starts/attaches (a few seconds).
 *   .owner           pid of the Node process that started the running server.
 *
 * Who comes second finds the running server and connects to it ("attached"); its stop() leaves
 * the server to its owner. A server orphaned by a killed owner is "adopted": the next process
 * connects the same way, and its stop() shuts the server down.
 *
 * The server listens on 127.0.0.1 only, on a free port picked at each start (unless `port` is
 * given), without a Unix socket.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createDatabaseIfMissing, readOwner, removeOwner, runningServer } from './embedded/attach.js';
import { binariesFor, type Binaries } from './embedded/binaries.js';
import { initCluster, loadPassword, locateCluster, SUPERUSER } from './embedded/cluster.js';
import { errorMessage, failureFor, type Fail, type Log } from './embedded/errors.js';
import { acquireLock } from './embedded/lock-file.js';
import { freePort, isAlive, once, spawnServer, stopPid, type RunAs } from './embedded/processes.js';
import { serverUser, sharedDirFor } from './embedded/system-user.js';

export { EmbeddedPostgresError } from './embedded/errors.js';
export { DEFAULT_SHARED_DIR } from './embedded/system-user.js';

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
  /** Postgres' max_connections for a server this call starts. Default: Postgres' own (100). */
  maxConnections?: number;
  /** As root: where clusters and binaries go that the user `postgres` cannot reach in place.
   *  Default /var/lib/pancake-sync (else a directory under the system's temp directory). */
  sharedDir?: string;
}

export interface EmbeddedPostgres {
  /** `postgres://pancake:<password>@127.0.0.1:<port>/<database>` */
  url: string;
  /** started: this call started the server; attached: another live process did (stop() leaves it
   *  running); adopted: a server orphaned by a killed process (stop() shuts it down). */
  mode: 'started' | 'attached' | 'adopted';
  /** The cluster directory: `<dataDir>/pgdata`, or where its link points. */
  clusterDir: string;
  /** Stops the server if this handle owns it. Idempotent. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(opts.dataDir);
  const database = opts.database ?? 'pancake';
  const log: Log = opts.log ?? (() => {});
  const fail = failureFor(dataDir);

  await mkdir(dataDir, { recursive: true }).catch((err: unknown) => {
    throw fail(`cannot create the directory (${errorMessage(err)}); set PANCAKE_SYNC_HOME to a directory you can write to`, err);
  });
  const unlock = await acquireLock(path.join(dataDir, '.lock'), fail);
  let started: (() => Promise<void>) | undefined;
  try {
    const user = await serverUser(fail);
    const shared = lazySharedDir(user, opts.sharedDir, log, fail);
    const place = await locateCluster(dataDir, user, shared, log, fail);
    const password = await loadPassword(dataDir, place, fail);
    const urlFor = (port: number, db: string) =>
      `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;
    const ownerFile = path.join(dataDir, '.owner');

    const running = await runningServer(place.dir, urlFor, log, fail);
    let handle: EmbeddedPostgres;
    if (running) {
      const mode = isAlive(await readOwner(ownerFile)) ? 'attached' : 'adopted';
      log(`embedded Postgres already running in ${place.dir} (pid ${running.pid}, port ${running.port}): ${mode}`);
      if (mode === 'adopted') await writeFile(ownerFile, String(process.pid));
      const stop = once(async () => {
        if (mode === 'adopted') {
          await stopPid(running.pid, path.join(place.dir, 'postmaster.pid'), existsSync);
          await removeOwner(ownerFile);
        }
      });
      handle = { url: urlFor(running.port, database), mode, clusterDir: place.dir, stop };
    } else {
      const binaries = await binariesFor(user, shared, log, fail);
      if (!existsSync(path.join(place.dir, 'PG_VERSION'))) {
        await initCluster(dataDir, place, { password, durable: opts.durable ?? true, binaries, user, log, fail });
      }
      const server = await startServer(place.dir, binaries, user, opts, log, fail);
      started = server.stop;
      await writeFile(ownerFile, String(process.pid));
      const stop = once(async () => {
        await server.stop();
        await removeOwner(ownerFile);
      });
      handle = { url: urlFor(server.port, database), mode: 'started', clusterDir: place.dir, stop };
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

/** The shared directory, looked for only when something has to go there. */
function lazySharedDir(user: RunAs, preferred: string | undefined, log: Log, fail: Fail): () => Promise<string> {
  let found: Promise<string> | undefined;
  return () =>
    (found ??= sharedDirFor(user, preferred).then((shared) => {
      if (shared === null) {
        throw fail(`as root the server runs as the user "postgres", which cannot reach this directory, and no shared directory it can reach could be created (tried ${preferred ?? '/var/lib/pancake-sync'} and the temp directory); set PANCAKE_SYNC_HOME to a directory "postgres" can enter`);
      }
      if (!shared.durable) log(`warning: the data goes to ${shared.dir}, which a reboot may empty; set PANCAKE_SYNC_HOME to a lasting directory that the user "postgres" can enter`);
      return shared.dir;
    }));
}

async function startServer(clusterDir: string, binaries: Binaries, user: RunAs, opts: EmbeddedPostgresOptions, log: Log, fail: Fail) {
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  if (opts.durable === false) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  if (opts.maxConnections !== undefined) flags.push('-c', `max_connections=${opts.maxConnections}`);
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    try {
      const server = await spawnServer(binaries.postgres, ['-D', clusterDir, '-p', String(port), ...flags], user, READY_TIMEOUT_MS, (text) => log(text.trimEnd()));
      log(`embedded Postgres started in ${clusterDir} on port ${port} (pid ${server.child.pid})`);
      return { port, stop: server.stop };
    } catch (err) {
      const reason = errorMessage(err);
      if (opts.port === undefined && attempt < 3 && /could not bind|already in use/i.test(reason)) continue;
      throw fail(reason, err);
    }
  }
}
