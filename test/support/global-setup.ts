/**
 * Finds one Postgres server for the whole test run and provides its admin URL as
 * `inject('adminDatabaseUrl')`; test files create their own databases on it (test/support/db.ts).
 *
 * Order: TEST_DATABASE_URL if set; else a testcontainers `postgres:16-alpine` if a Docker engine
 * answers within 2 s; else an embedded Postgres in a fresh temp dir, deleted at teardown. DB tests
 * never skip: a machine without Docker still runs them all. As root (CI), the server runs as the
 * user `postgres`; startEmbeddedPostgres runs it from a copy of the binaries it can reach when the
 * clone sits in a closed (0700) directory (README, "Embedded Postgres").
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { describeUrl } from '../../src/warehouse/db.js';
import { startEmbeddedPostgres } from '../../src/warehouse/embedded.js';
import { prepareCompiledCli } from './compiled-cli.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

interface AdminDatabase {
  url: string;
  source: string;
  teardown: () => Promise<void>;
}

// Throwaway data: durability costs time and buys nothing.
const FAST = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = performance.now();
  // The CLI tests spawn run the compiled build of the sources under test: built once here, while
  // the database starts, instead of by the first test file that needs it.
  const [cli, db] = await Promise.allSettled([prepareCompiledCli(), adminDatabase()]);
  if (db.status === 'rejected') throw db.reason;
  if (cli.status === 'rejected') {
    await db.value.teardown();
    throw cli.reason;
  }
  project.provide('adminDatabaseUrl', db.value.url);
  console.log(`[test-db] using ${db.value.source}: ${describeUrl(db.value.url)} (ready in ${Math.round(performance.now() - t0)} ms)`);
  console.log(`[test-cli] ${cli.value}`);
  return db.value.teardown;
}

async function adminDatabase(): Promise<AdminDatabase> {
  const fromEnv = process.env.TEST_DATABASE_URL;
  if (fromEnv) return { url: fromEnv, source: 'TEST_DATABASE_URL', teardown: async () => {} };

  if (await dockerAnswers(2_000)) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:16-alpine')
      .withCommand(['postgres', ...FAST.flatMap((s) => ['-c', s])])
      .start();
    return {
      url: container.getConnectionUri(),
      source: 'testcontainers postgres:16-alpine',
      teardown: async () => void (await container.stop()),
    };
  }

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pancake-sync-test-pg-'));
  try {
    const server = await startEmbeddedPostgres({ dataDir, database: 'postgres', durable: false });
    return {
      url: server.url,
      source: `embedded Postgres in ${dataDir} (no TEST_DATABASE_URL, no Docker engine)`,
      teardown: async () => {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** Whether testcontainers finds a container runtime that answers, within `ms`. */
async function dockerAnswers(ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const probe = import('testcontainers')
    .then(({ getContainerRuntimeClient }) => getContainerRuntimeClient())
    .then(
      () => true,
      () => false,
    );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
