import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Simulator } from '../src/simulator/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What one measured `pancake-sync sync` cost, from the simulator's log and the process's getrusage. */
export interface CliSyncFigures {
  requests: number;
  wallSeconds: number;
  peakRssMiB: number;
  /** CPU time of the sync process (getrusage), user and system mode. */
  userCpuSeconds: number;
  systemCpuSeconds: number;
  exitCode: number | null;
  /** Bytes the sync process wrote to Postgres' port and read from the API's (usage-probe.mjs). */
  bytesToPostgres: number;
  bytesFromApi: number;
}

/**
 * One `pancake-sync sync` (the built CLI, dist/) in a child process, so that its memory and CPU are
 * its own; `nodeArgs` go to node before the script (e.g. `--cpu-prof`).
 */
export async function runCliSync(sim: Simulator, env: Record<string, string>, args: readonly string[], nodeArgs: readonly string[] = []): Promise<CliSyncFigures> {
  return (await runMeasured(sim, env, ['dist/src/cli.js', 'sync', ...args], nodeArgs)).figures;
}

/** Any script of the repository (`command`: the script and its arguments) measured the same way; its stdout is returned. */
export async function runMeasured(sim: Simulator, env: Record<string, string>, command: readonly string[], nodeArgs: readonly string[] = []): Promise<{ figures: CliSyncFigures; stdout: string }> {
  const usageFile = join(tmpdir(), `pancake-bench-usage-${process.pid}-${Date.now()}`);
  const before = sim.requests.length;
  const t0 = performance.now();
  let stdout = '';
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', './bench/usage-probe.mjs', ...command], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { PATH: process.env.PATH ?? '', ...env, BENCH_USAGE_FILE: usageFile, BENCH_API_PORT: new URL(sim.baseUrl).port, BENCH_PG_PORT: env.DATABASE_URL ? new URL(env.DATABASE_URL).port : '' },
    });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', resolve);
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { maxRSS: number; userCPUTime: number; systemCPUTime: number; bytes: Record<'pg' | 'api', { written: number; read: number }> };
  rmSync(usageFile, { force: true });
  const figures = {
    requests: sim.requests.length - before,
    wallSeconds,
    peakRssMiB: usage.maxRSS / 1024,
    userCpuSeconds: usage.userCPUTime / 1e6,
    systemCpuSeconds: usage.systemCPUTime / 1e6,
    exitCode: code,
    bytesToPostgres: usage.bytes.pg.written,
    bytesFromApi: usage.bytes.api.read,
  };
  return { figures, stdout };
}
