import { execFile } from 'node:child_process';
import { chmod, mkdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { errorMessage, type Fail } from './errors.js';
import { isRoot, type RunAs } from './processes.js';

// Postgres refuses to run as root. Under root the embedded server runs as the system user
// `postgres`, which must be able to reach its binaries and its data: a clone under /root or in a
// `mktemp -d` folder (mode 0700) is closed to it. We never open a user's directories; whatever it
// cannot reach goes to a shared directory it can (see binaries.ts and cluster.ts).

const run = promisify(execFile);

/** Where, as root, clusters and a copy of the binaries go when `postgres` cannot reach them. */
export const DEFAULT_SHARED_DIR = '/var/lib/pancake-sync';

/** The identity the server runs as: the current user, or `postgres` (created if missing) under root. */
export async function serverUser(fail: Fail): Promise<RunAs> {
  if (!isRoot()) return null;
  const lookup = async () => ({ uid: await idOf('-u'), gid: await idOf('-g') });
  try {
    return await lookup();
  } catch {
    try {
      await run('groupadd', ['--system', 'postgres']).catch(() => undefined); // may exist alone
      await run('useradd', ['--system', '--no-create-home', '--gid', 'postgres', 'postgres']);
      return await lookup();
    } catch (err) {
      throw fail(
        `as root the server must run as the system user "postgres", which does not exist and could not be created (${errorMessage(err).split('\n')[0]}); ` +
          'create it (useradd --system postgres) or run pancake-sync as an ordinary user',
        err,
      );
    }
  }
}

async function idOf(flag: '-u' | '-g'): Promise<number> {
  const { stdout } = await run('id', [flag, 'postgres']);
  const id = Number.parseInt(stdout.trim(), 10);
  if (!Number.isInteger(id)) throw new Error(`id ${flag} postgres printed "${stdout.trim()}"`);
  return id;
}

/**
 * The first directory on the way to `target` (itself included) that `user` may not enter, judged
 * by the mode bits (ACLs are not read: at worst a reachable directory is treated as closed and the
 * data goes to the shared directory); null when every step is open or no user switch happens.
 */
export async function closedStep(target: string, user: RunAs): Promise<string | null> {
  if (user === null) return null;
  const steps: string[] = [];
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    steps.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of steps) {
    const st = await stat(dir).catch(() => null);
    if (st === null) return null; // not created yet: its parent was open
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return dir;
  }
  return null;
}

/** How a closed step is described to the user. */
export async function describeStep(dir: string): Promise<string> {
  const st = await stat(dir).catch(() => null);
  return st ? `${dir} (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')})` : dir;
}

/**
 * A directory, created if needed, that `user` can enter: the default shared directory, else one
 * under the system's temp directory. Returns it with whether its contents survive a reboot.
 */
export async function sharedDirFor(user: RunAs, preferred: string | undefined): Promise<{ dir: string; durable: boolean } | null> {
  const candidates = [
    { dir: preferred ?? DEFAULT_SHARED_DIR, durable: true },
    { dir: path.join(os.tmpdir(), 'pancake-sync-shared'), durable: false },
  ];
  for (const candidate of candidates) {
    try {
      await mkdir(candidate.dir, { recursive: true });
      const { mode, uid } = await stat(candidate.dir);
      if (uid !== process.getuid?.()) continue; // someone else's: not ours to use or open
      if ((mode & 0o001) === 0) await chmod(candidate.dir, (mode & 0o7777) | 0o011);
      if ((await closedStep(candidate.dir, user)) === null) return candidate;
    } catch {
      /* not writable here: try the next one */
    }
  }
  return null;
}
