/**
 * Finds one Postgres server for the whole test run and provides its admin URL as
 * `inject('adminDatabaseUrl')`; test files create their own databases on it (test/support/db.ts),
 * empty or copied from the migrated template made here (`inject('migratedTemplateDatabase')`).
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
import pg from 'pg';
import { createDb, describeUrl } from '../../src/warehouse/db.js';
import { startEmbeddedPostgres } from '../../src/warehouse/embedded.js';
import { migrateToLatest } from '../../src/warehouse/migrate.js';
import { readerRoleName } from '../../src/warehouse/reader-role.js';
import { prepareCompiledCli } from './compiled-cli.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    /** A database at the latest migration that test files copy (db.ts createMigratedDatabase); nobody connects to it. */
    migratedTemplateDatabase: string;
  }
}

interface AdminDatabase {
  url: string;
  source: string;
  teardown: () => Promise<void>;
}

// Throwaway data: durability costs time and buys nothing.
const FAST = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];
/**
 * Four test files at once, in processes that live for the whole run, each with pools of up to 12
 * connections beside the CLIs and workers they spawn (10 each): Postgres' default of 100 ran out
 * ("sorry, too many clients already"), and a sync that cannot connect exits 1.
 */
const MAX_CONNECTIONS = 400;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = performance.now();
  // The CLI tests spawn run the compiled build of the sources under test: built once here, while
  // the database starts, instead of by the first test file that needs it.
  const database = adminDatabase().then(async (admin) => {
    try {
      return { admin, template: await migratedTemplate(admin.url) };
    } catch (err) {
      await admin.teardown();
      throw err;
    }
  });
  const [cli, db] = await Promise.allSettled([prepareCompiledCli(), database]);
  if (db.status === 'rejected') throw db.reason;
  const { admin, template } = db.value;
  const teardown = async () => {
    await template.drop();
    await admin.teardown();
  };
  if (cli.status === 'rejected') {
    await teardown();
    throw cli.reason;
  }
  project.provide('adminDatabaseUrl', admin.url);
  project.provide('migratedTemplateDatabase', template.name);
  console.log(`[test-db] using ${admin.source}: ${describeUrl(admin.url)}, migrated template ${template.name} (ready in ${Math.round(performance.now() - t0)} ms)`);
  console.log(`[test-cli] ${cli.value}`);
  return teardown;
}

/**
 * Migrates one database for the whole run, which test files copy (test/support/db.ts
 * createMigratedDatabase) instead of migrating each of theirs from scratch. Its reader role is
 * dropped again: each copy gets its own, named after it, as a migrated warehouse has.
 */
async function migratedTemplate(adminUrl: string): Promise<{ name: string; drop: () => Promise<void> }> {
  const name = `pancake_template_${process.pid}`;
  const admin = async (url: string, statements: string[]) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end();
    }
  };
  const quoted = `"${name}"`;
  await admin(adminUrl, [`drop database if exists ${quoted} with (force)`, `create database ${quoted}`]);
  const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  const db = createDb(url, 2);
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  const role = readerRoleName(name);
  // Without CREATEROLE there is no role to drop (migrate skipped it); `do` keeps that from failing.
  await admin(url, [`do $$ begin if exists (select from pg_roles where rolname = '${role}') then execute 'drop owned by ${role}'; execute 'drop role ${role}'; end if; end $$`]);
  return { name, drop: () => admin(adminUrl, [`drop database if exists ${quoted} with (force)`]) };
}

async function adminDatabase(): Promise<AdminDatabase> {
  const fromEnv = process.env.TEST_DATABASE_URL;
  if (fromEnv) return { url: fromEnv, source: 'TEST_DATABASE_URL', teardown: async () => {} };

  if (await dockerAnswers(2_000)) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:16-alpine')
      .withCommand(['postgres', ...[...FAST, `max_connections=${MAX_CONNECTIONS}`].flatMap((s) => ['-c', s])])
      .start();
    return {
      url: container.getConnectionUri(),
      source: 'testcontainers postgres:16-alpine',
      teardown: async () => void (await container.stop()),
    };
  }

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pancake-sync-test-pg-'));
  try {
    const server = await startEmbeddedPostgres({ dataDir, database: 'postgres', durable: false, maxConnections: MAX_CONNECTIONS });
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
