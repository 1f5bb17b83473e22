import { randomBytes } from 'node:crypto';
import { link, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { sleep } from '../../sleep.js';
import { errorMessage, type Fail } from './errors.js';
import { isAlive } from './processes.js';

// Two processes on one data directory (a cron `sync` while someone runs `status`) must not run
// initdb or start the server twice: `.lock` serialises them for the few seconds that takes.

const LOCK_WAIT_MS = 60_000;
const LOCK_STALE_MS = 120_000; // a holder is done within seconds; older locks survived a pid reuse

/**
 * An exclusive lock file: created atomically with its content (link() of a written temp file),
 * released by its holder, broken when its pid is dead or it is older than LOCK_STALE_MS.
 */
export async function acquireLock(lockFile: string, fail: Fail): Promise<() => Promise<void>> {
  const token = `${process.pid} ${randomBytes(8).toString('hex')}`;
  const tmp = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, token).catch((err: unknown) => {
    throw fail(`cannot write in ${tmp}: ${errorMessage(err)}`, err);
  });
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
