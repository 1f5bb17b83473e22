import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, readFile, readlink, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Binaries } from './binaries.js';
import { errorMessage, type Fail, type Log } from './errors.js';
import { runToEnd, type RunAs } from './processes.js';
import { closedStep, describeStep } from './system-user.js';

// Where the cluster lives and how it is created. `<dataDir>/pgdata` is the cluster, or, as root when
// the user `postgres` cannot reach dataDir, a symbolic link to the cluster in the shared directory
// (so `ls -l` shows where the data is). initdb runs in `pgdata.initdb/` beside the cluster and is
// renamed into place only when it succeeded: a cluster with PG_VERSION is a complete one.

export const SUPERUSER = 'pancake';

export interface ClusterPlace {
  /** The cluster directory the server is given (a real path, no link on the way). */
  dir: string;
  /** `<dataDir>/pgdata` when it is a link to `dir`, else null. */
  link: string | null;
}

export async function locateCluster(dataDir: string, user: RunAs, sharedDir: () => Promise<string>, log: Log, fail: Fail): Promise<ClusterPlace> {
  const named = path.join(dataDir, 'pgdata');
  const found = await lstat(named).catch(() => null);
  if (found?.isSymbolicLink()) return { dir: path.resolve(dataDir, await readlink(named)), link: named };
  let closed = await closedStep(dataDir, user);
  if (closed === dataDir) {
    // Our own directory: search permission only, so `postgres` can reach pgdata/ but cannot list
    // dataDir or read .password. A closed parent is the user's and is never opened.
    const { mode } = await stat(dataDir);
    await chmod(dataDir, (mode & 0o7777) | 0o001);
    closed = await closedStep(dataDir, user);
  }
  if (closed === null) return { dir: named, link: null };
  if (found) {
    throw fail(
      `the cluster ${named} cannot be reached by the user "postgres" that runs the server when pancake-sync runs as root: ` +
        `${await describeStep(closed)} is closed to it. Run pancake-sync as the user who created it, or move ${dataDir} under a directory ` +
        `"postgres" can enter and set PANCAKE_SYNC_HOME to its new parent`,
    );
  }
  const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  const home = path.join(await sharedDir(), 'clusters', id);
  log(`the user "postgres" cannot enter ${await describeStep(closed)}: the cluster goes to ${home}, linked from ${named}`);
  return { dir: path.join(home, 'pgdata'), link: named };
}

export async function loadPassword(dataDir: string, place: ClusterPlace, fail: Fail): Promise<string> {
  const file = path.join(dataDir, '.password');
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  if (existsSync(path.join(place.dir, 'PG_VERSION'))) {
    // A cluster kept in the shared directory (as root) is found again from dataDir's path alone,
    // link or not (a directory deleted and made again at the same path): the cluster must go, not
    // only the link to it.
    const remove = place.link ? `${place.dir} (and the link ${place.link} if there is one)` : place.dir;
    throw fail(`${file} is missing, so the password of the existing cluster ${place.dir} is unknown; delete ${remove} to start a new, empty cluster`);
  }
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

export interface InitOptions {
  password: string;
  durable: boolean;
  binaries: Binaries;
  user: RunAs;
  log: Log;
  fail: Fail;
}

export async function initCluster(dataDir: string, place: ClusterPlace, opts: InitOptions): Promise<void> {
  const { user, log, fail } = opts;
  if (existsSync(place.dir)) throw fail(`${place.dir} exists but is not a Postgres cluster (no PG_VERSION); move it away or delete it`);
  const parent = path.dirname(place.dir);
  if (place.link) {
    await mkdir(parent, { recursive: true, mode: 0o711 });
    await chmod(parent, 0o711);
    await writeFile(path.join(parent, 'linked-from'), `${dataDir}\n`);
  }
  const tmp = path.join(parent, 'pgdata.initdb');
  const pwfile = path.join(parent, `.initdb-password-${randomBytes(4).toString('hex')}`);
  // UTF8 with the builtin C.UTF-8 locale: byte-order sorting everywhere (no dependency on the
  // host's libc locales) and Unicode-aware upper()/lower() for Vietnamese text.
  const args = [
    `--pgdata=${tmp}`,
    '--auth=scram-sha-256',
    `--username=${SUPERUSER}`,
    `--pwfile=${pwfile}`,
    '--encoding=UTF8',
    '--locale=C',
    '--locale-provider=builtin',
    '--builtin-locale=C.UTF-8',
    ...(opts.durable ? [] : ['--no-sync']),
  ];
  log(`initialising a new Postgres cluster in ${place.dir}`);
  try {
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { mode: 0o700 });
    await writeFile(pwfile, `${opts.password}\n`, { mode: 0o600 });
    if (user) {
      await chown(tmp, user.uid, user.gid);
      await chown(pwfile, user.uid, user.gid);
    }
    await runToEnd(opts.binaries.initdb, args, user, (text) => log(text.trimEnd()));
    await rename(tmp, place.dir);
    if (place.link) {
      await rm(place.link, { force: true });
      await symlink(place.dir, place.link);
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw fail(`initdb failed: ${errorMessage(err)}`, err);
  } finally {
    await unlink(pwfile).catch(() => {});
  }
}
