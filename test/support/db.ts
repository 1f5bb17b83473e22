import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb } from '../../src/warehouse/db.js';
import { applyReaderRole } from '../../src/warehouse/reader-role.js';

export interface TestDatabase {
  /** URL of the new, empty database. */
  url: string;
  /** Terminates its connections and drops it. Idempotent. */
  drop(): Promise<void>;
  /**
   * A new database with this one's contents (CREATE DATABASE … TEMPLATE): cheaper than building the
   * same state again. Nothing may be connected to this one meanwhile.
   */
  copy(prefix?: string): Promise<TestDatabase>;
}

/**
 * Creates an empty database with a unique name on the test server (see global-setup.ts), so that
 * test files running in parallel never see each other's rows.
 */
export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  return createDatabase(prefix, null);
}

/**
 * A new database with the schema at the latest migration: a copy of the template the global setup
 * migrated once per run (global-setup.ts), given its own reader role as `migrate` would. Migrating
 * from scratch costs about a CPU-second of Node and Postgres per database; the copy, a tenth of it.
 * Tests of the migrations themselves start from createTestDatabase instead.
 */
export async function createMigratedDatabase(prefix = 'test'): Promise<TestDatabase> {
  const database = await createDatabase(prefix, inject('migratedTemplateDatabase'));
  const db = createDb(database.url, 1);
  try {
    await applyReaderRole(db);
  } finally {
    await db.destroy();
  }
  return database;
}

async function createDatabase(prefix: string, template: string | null): Promise<TestDatabase> {
  const adminUrl = inject('adminDatabaseUrl');
  const safePrefix = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 30);
  const name = `${safePrefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, async (c) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await c.query(`create database ${c.escapeIdentifier(name)}${template === null ? '' : ` template ${c.escapeIdentifier(template)}`}`);
        return;
      } catch (err) {
        // 55006: someone is connected to the template (template1) for a moment; it passes.
        if ((err as { code?: string }).code !== '55006' || attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    drop: () =>
      (dropped ??= withAdmin(adminUrl, async (c) => {
        await c.query(`drop database if exists ${c.escapeIdentifier(name)} with (force)`);
      })),
    copy: (copyPrefix = `${safePrefix}_copy`) => createDatabase(copyPrefix, name),
  };
}

async function withAdmin(url: string, fn: (c: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}

/** The rows of one statement on `url`, on a connection of its own. */
export async function queryRows(url: string, statement: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(statement)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}
