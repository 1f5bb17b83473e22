// The real CLI in a child process, as tests run it. It runs compiled to JavaScript: Node starts it in
// a fraction of the CPU the tsx loader takes (about 0.5 s against 1.6 s), which is most of the cost
// of the many kill-and-restart tests; bundled into one file by esbuild (test/support/cli-bundle.ts),
// it starts in a third of that again, and that bundle is what the tests spawn. The build is made from
// the sources under test, never from a stale dist/: it is keyed by a hash of src/, migrations/, the
// tsconfig files and the bundler's settings, built once per run by the global setup
// (test/support/global-setup.ts) into .test-cli/ (git-ignored), where it resolves the project's
// dependencies as dist/ does, and rebuilt by any test process that finds the sources changed since.
// Processes building at once each write a folder of their own and rename it into place.
// The folder is the checkout's own, not under node_modules, which several checkouts may share (git
// worktrees linking one); and a build is removed only once no run has used it for an hour, never
// while a run started before a source change may still spawn it.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Env } from '../../src/config.js';
import type { Simulator } from '../../src/simulator/index.js';
import { BUNDLE_FOLDER, bundleCli, bundleCliSync } from './cli-bundle.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where every build lives, one folder per hash of the sources. */
const CACHE = join(REPO_ROOT, '.test-cli');
/** A build unused for this long is removed by the next run's setup. */
const UNUSED_BUILD_MS = 3_600_000;
/** How the bundle is made: part of the hash, so that a change of its settings makes a new build. */
const BUNDLER = join(REPO_ROOT, 'test', 'support', 'cli-bundle.ts');

/** Marks a build as in use (its folder's time), so that no other run removes it meanwhile. */
function markUsed(dir: string): void {
  const now = new Date();
  try {
    utimesSync(dir, now, now);
  } catch {
    // a build being put in place at this moment: the next use marks it
  }
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The build folder for the sources as they are now. */
function buildDir(): string {
  const files = [...sources(join(REPO_ROOT, 'src')), ...sources(join(REPO_ROOT, 'migrations')), join(REPO_ROOT, 'tsconfig.json'), join(REPO_ROOT, 'tsconfig.build.json'), BUNDLER].sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return join(CACHE, hash.digest('hex').slice(0, 16));
}

function tscArgs(outDir: string): string[] {
  return [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir];
}

/** Moves a finished build into place; another process may have put the same one there first. */
function install(temporary: string, dir: string): void {
  try {
    renameSync(temporary, dir);
  } catch {
    rmSync(temporary, { recursive: true, force: true });
  }
}

/** The last file a build writes (the folder is renamed into place only once it is complete). */
const bundledIn = (dir: string): string => join(dir, BUNDLE_FOLDER, 'cli.js');

let built: string | null = null;

/** The build folder for the current sources; builds it when they changed. */
function ensureBuilt(): string {
  if (built !== null) return built;
  const dir = buildDir();
  if (!existsSync(bundledIn(dir))) {
    const temporary = `${dir}.${process.pid}.tmp`;
    const result = spawnSync(process.execPath, tscArgs(temporary), { cwd: REPO_ROOT, encoding: 'utf8' });
    try {
      if (result.status !== 0) throw new Error(`compiling the CLI failed: ${result.stdout}${result.stderr}`);
      bundleCliSync(temporary);
    } catch (error) {
      rmSync(temporary, { recursive: true, force: true });
      throw error;
    }
    install(temporary, dir);
  }
  markUsed(dir);
  built = dir;
  return dir;
}

/** The path of the tsc build's cli.js (one file per source module) for the current sources. */
export function compiledCli(): string {
  return join(ensureBuilt(), 'src', 'cli.js');
}

/** The path of the bundled cli.js for the current sources: what the tests spawn. */
export function bundledCli(): string {
  return bundledIn(ensureBuilt());
}

/**
 * The build for the global setup, before any test file runs: asynchronous, so that it overlaps the
 * start of the test database. Removes the builds no run has used for an hour. Returns how it went, for the log.
 */
export async function prepareCompiledCli(): Promise<string> {
  const dir = buildDir();
  for (const name of existsSync(CACHE) ? readdirSync(CACHE) : []) {
    const other = join(CACHE, name);
    if (other !== dir && !name.endsWith('.tmp') && Date.now() - statSync(other).mtimeMs > UNUSED_BUILD_MS) rmSync(other, { recursive: true, force: true });
  }
  if (existsSync(bundledIn(dir))) {
    markUsed(dir);
    return `compiled and bundled CLI up to date (${relative(REPO_ROOT, dir)})`;
  }
  const t0 = performance.now();
  const temporary = `${dir}.${process.pid}.tmp`;
  const child = spawn(process.execPath, tscArgs(temporary), { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  try {
    if (code !== 0) throw new Error(`compiling the CLI failed (the test files that run it could not start): ${output}`);
    await bundleCli(temporary);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  install(temporary, dir);
  markUsed(dir);
  return `compiled and bundled the CLI into ${relative(REPO_ROOT, dir)} in ${Math.round(performance.now() - t0)} ms`;
}

/** The repo-relative source of a file the compiled CLI loaded (`src/cli.ts` for `<build>/src/cli.js`); null for any other file. */
export function sourceOfCompiled(file: string): string | null {
  const rel = relative(CACHE, file);
  if (rel.startsWith('..')) return null;
  const inBuild = rel.split('/').slice(1).join('/');
  return inBuild.endsWith('.js') ? `${inBuild.slice(0, -3)}.ts` : inBuild;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliSpawnOptions {
  /** Called once the child runs: how to signal it, and its pid. */
  onSpawn?: (kill: (signal?: NodeJS.Signals) => void, pid: number) => void;
  /** Runs the tsc build, one file per source module, instead of the bundle: for a test of which modules the CLI loads. */
  unbundled?: boolean;
}

/** Node with the bundled CLI (or the tsc build, `unbundled`) and `args`, in the repo; only PATH, HOME and `env` reach it. */
export function spawnCli(args: string[], env: Env, stdio: 'pipe' | 'ignore' = 'pipe', unbundled = false): ChildProcess {
  return spawn(process.execPath, [unbundled ? compiledCli() : bundledCli(), ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', stdio, stdio],
  });
}

/** Runs the real CLI in a child process until it exits; `kill` (onSpawn) sends SIGKILL unless told otherwise. */
export function runCli(args: string[], env: Env, options: CliSpawnOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, env, 'pipe', options.unbundled);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    options.onSpawn?.((signal = 'SIGKILL') => child.kill(signal), child.pid ?? 0);
  });
}

/** The same as runCli: the name tests used before every CLI test ran the compiled build. */
export const runCompiledCli = runCli;

/**
 * Runs the CLI against `sim` and acts on it at a known point of its work: when the `point`-th request
 * reaches the simulator, that request and every later one are held (docs/simulator.md, "Held
 * answers"), `act` runs (a signal, a database disturbance) and then they go on. A polling timer
 * would act late on a busy machine, after the run had ended. `acted` is false when the run ended
 * before it made `point` requests.
 */
export async function runCliAt(sim: Simulator, point: number, args: string[], env: Env, act: (signal: (signal?: NodeJS.Signals) => void) => unknown): Promise<CliResult & { acted: boolean }> {
  let seen = 0;
  const hold = sim.holdRequests(() => ++seen >= point);
  let signal: (signal?: NodeJS.Signals) => void = () => {};
  const run = runCli(args, env, { onSpawn: (kill) => (signal = kill) });
  let acted = false;
  try {
    const first = await Promise.race([hold.reached.then(() => 'reached' as const), run.then(() => 'ended' as const)]);
    if (first === 'reached') {
      await act(signal);
      acted = true;
    }
  } finally {
    hold.release();
  }
  return { ...(await run), acted };
}

/**
 * Starts the compiled CLI under a parent that never reaps it (a shell script that goes on with
 * something else, a container whose first process is not an init): once killed, it stays a zombie
 * until `release()`. Resolves with its pid once it runs.
 */
export async function startUnreaped(args: string[], env: Env): Promise<{ pid: number; release(): void }> {
  const parent = spawn('/bin/sh', ['-c', '"$0" "$@" >/dev/null 2>&1 & echo $!; exec sleep 600', process.execPath, bundledCli(), ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const pid = await new Promise<number>((resolve, reject) => {
    let out = '';
    parent.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    parent.on('error', reject);
  });
  // Killing the parent hands the child to init, which reaps it.
  return { pid, release: () => void parent.kill('SIGKILL') };
}
