import pg from 'pg';
import { expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/db.js';

it('creates a database of its own on the test server, and drops it even while connected', async () => {
  const db = await createTestDatabase('harness');
  const client = new pg.Client({ connectionString: db.url });
  client.on('error', () => {}); // drop() terminates this session
  await client.connect();
  const { rows } = await client.query<{ one: number; db: string }>('select 1 as one, current_database() as db');
  expect(rows[0]?.one).toBe(1);
  const name = rows[0]?.db;
  expect(name).toMatch(/^harness_\d+_[0-9a-f]{8}$/);

  await db.drop();
  await db.drop(); // idempotent
  await expect(client.query('select 1')).rejects.toThrow();
  await client.end().catch(() => {});

  const admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    expect(rowCount).toBe(0);
  } finally {
    await admin.end();
  }
});
