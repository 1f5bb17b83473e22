import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  /** URL of the new, empty database. */
  url: string;
  /** Terminates its connections and drops it. Idempotent. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database with a unique name on the test server (see global-setup.ts), so that
 * test files running in parallel never see each other's rows.
 */
export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const adminUrl = inject('adminDatabaseUrl');
  const safePrefix = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 30);
  const name = `${safePrefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, async (c) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await c.query(`create database ${c.escapeIdentifier(name)}`);
        return;
      } catch (err) {
        // 55006: someone is connected to template1 for a moment; it passes.
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
