// What the real CLI loads, recorded by a loader hook in the child process (test/support/module-log.mjs):
// a sync or a status check never loads a module of the simulator (src/simulator/, or its build in
// dist/src/simulator/); only `demo` and `simulate` do, when they run or show their help. Likewise
// graphile-worker (and cosmiconfig, js-yaml behind it), a good part of a start's CPU: only the queue's
// commands load it, when they reach the queue (src/queue/queue.ts).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../src/config.js';
import { FAULT_KINDS } from '../../src/simulator/index.js';
import { sourceOfCompiled } from '../support/compiled-cli.js';
import { REPO_ROOT, createSyncHarness, runCli, simulatorEnv, type SyncHarness } from '../support/harness.js';

const isSimulatorModule = (file: string): boolean => file.startsWith('src/simulator/') || file.startsWith('dist/src/simulator/');

/** The package a node_modules file belongs to (`kysely`, `@scope/name`), or null for the project's own. */
function packageOf(file: string): string | null {
  return /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? null;
}

describe('the modules a command loads', () => {
  let h: SyncHarness;
  let dir: string;
  let runs = 0;

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 17, pages: 1, conversationsPerPage: 12, historyDays: 10 }, 'loaded_modules');
    dir = mkdtempSync(join(tmpdir(), 'pancake-modules-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await h?.close();
  });

  /**
   * Runs the CLI with the module log on; returns its result, the project's files it loaded
   * (repo-relative) and the packages whose ES module loader entry it went through (a CommonJS
   * package's own `require`s stay out of the log, its entry does not).
   */
  async function loadedBy(args: string[], env: Env): Promise<{ code: number | null; output: string; files: string[]; packages: string[] }> {
    const log = join(dir, `run-${++runs}.log`);
    const hook = join(REPO_ROOT, 'test', 'support', 'module-log.mjs');
    // The tsc build, not the bundle the other tests run: one file per source module, so the log names each one.
    const result = await runCli(args, { ...env, MODULE_LOG: log, NODE_OPTIONS: `--import=${hook}` }, { unbundled: true });
    const urls = readFileSync(log, 'utf8').split('\n').filter((line) => line !== '');
    // The CLI runs compiled (test/support/compiled-cli.ts): each file it loaded is named by its source.
    const files = urls.filter((url) => url.startsWith('file:')).flatMap((url) => {
      const file = fileURLToPath(url);
      const source = sourceOfCompiled(file);
      if (source !== null) return [source];
      return file.includes('/node_modules/') ? [] : [relative(REPO_ROOT, file)];
    });
    const packages = [...new Set(urls.filter((url) => url.startsWith('file:')).flatMap((url) => packageOf(fileURLToPath(url)) ?? []))];
    return { code: result.code, output: result.stdout + result.stderr, files, packages };
  }

  it('a sync copies the shop without loading the simulator', async () => {
    const run = await loadedBy(['sync', '--since', '12d'], simulatorEnv(h.sim, h.database.url));
    expect(run.code, run.output).toBe(0);
    // The log saw the sync's own code, so an empty list below means something.
    expect(run.files).toEqual(expect.arrayContaining(['src/cli.ts', 'src/sync/runner.ts', 'src/pancake/client.ts']));
    expect(run.files.filter(isSimulatorModule)).toEqual([]);
    // The log sees packages too (kysely writes the sync's SQL), and not the queue's.
    expect(run.packages).toEqual(expect.arrayContaining(['kysely', 'pg']));
    expect(run.packages).not.toContain('graphile-worker');
    const conversations = await h.db.selectFrom('pancake.conversations').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(conversations.n)).toBe(12);
  });

  it('a status check does not load it either', async () => {
    const run = await loadedBy(['status'], { DATABASE_URL: h.database.url });
    expect(run.code, run.output).toBe(0);
    expect(run.files).toEqual(expect.arrayContaining(['src/cli.ts', 'src/commands/status.ts']));
    expect(run.files.filter(isSimulatorModule)).toEqual([]);
    // status reports the queue too (src/queue/status.ts), with SQL of its own, not graphile-worker's code.
    expect(run.files).toContain('src/queue/status.ts');
    expect(run.packages).not.toContain('graphile-worker');
  });

  it('--help loads neither the simulator nor the queue', async () => {
    const run = await loadedBy(['--help'], {});
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('queue-status');
    expect(run.files).toContain('src/cli.ts');
    expect(run.files.filter(isSimulatorModule)).toEqual([]);
    expect(run.packages).toContain('commander');
    expect(run.packages).not.toContain('graphile-worker');
  });

  it('enqueue loads graphile-worker when it reaches the queue (the log would show it)', async () => {
    const run = await loadedBy(['enqueue', '--since', '12d', '--json'], simulatorEnv(h.sim, h.database.url));
    expect(run.code, run.output).toBe(0);
    expect(run.packages).toContain('graphile-worker');
    expect(run.files.filter(isSimulatorModule)).toEqual([]);
  });

  it('simulate loads it on demand (the log would show a simulator module)', async () => {
    const run = await loadedBy(['simulate', '--help'], {});
    expect(run.code, run.output).toBe(0);
    // Its whole help, though its module loads only now (`help simulate`: cli.test.ts).
    for (const word of ['--seed', '--fault-rate', ...FAULT_KINDS]) expect(run.output).toContain(word);
    expect(run.files).toEqual(expect.arrayContaining(['src/commands/simulate.ts', 'src/simulator/index.ts', 'src/simulator/http/server.ts']));
  });
});
