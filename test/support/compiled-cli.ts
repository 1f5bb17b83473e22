// The CLI compiled to JavaScript, for tests that start it many times (a kill-and-restart loop):
// Node starts it in a fraction of the time the tsx loader takes. It is built from the sources under
// test (never a stale dist/), once per content of src/ and migrations/, into node_modules/.cache,
// where it resolves the project's dependencies like dist/ does. Test files running at once share
// one build: each writes a folder of its own and renames it into place.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Env } from '../../src/config.js';
import { REPO_ROOT, runNodeCli, type CliResult, type CliSpawnOptions } from './harness.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

let built: string | null = null;

/** The path of the compiled cli.js for the current sources; builds it when they changed. */
export function compiledCli(): string {
  if (built !== null) return built;
  const files = [...sources(join(REPO_ROOT, 'src')), ...sources(join(REPO_ROOT, 'migrations')), join(REPO_ROOT, 'tsconfig.json'), join(REPO_ROOT, 'tsconfig.build.json')].sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  const dir = join(REPO_ROOT, 'node_modules', '.cache', 'pancake-sync-cli', hash.digest('hex').slice(0, 16));
  const cli = join(dir, 'src', 'cli.js');
  if (!existsSync(cli)) {
    const temporary = `${dir}.${process.pid}.tmp`;
    const result = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', temporary], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`compiling the CLI failed: ${result.stdout}${result.stderr}`);
    try {
      renameSync(temporary, dir);
    } catch {
      rmSync(temporary, { recursive: true, force: true }); // another test file built it first
    }
  }
  built = cli;
  return cli;
}

/** Like runCli, with the compiled CLI. */
export function runCompiledCli(args: string[], env: Env, options: CliSpawnOptions = {}): Promise<CliResult> {
  return runNodeCli([compiledCli()], args, env, options);
}

/**
 * Starts the compiled CLI under a parent that never reaps it (a shell script that goes on with
 * something else, a container whose first process is not an init): once killed, it stays a zombie
 * until `release()`. Resolves with its pid once it runs.
 */
export async function startUnreaped(args: string[], env: Env): Promise<{ pid: number; release(): void }> {
  const parent = spawn('/bin/sh', ['-c', '"$0" "$@" >/dev/null 2>&1 & echo $!; exec sleep 600', process.execPath, compiledCli(), ...args], {
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
