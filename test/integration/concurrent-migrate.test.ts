import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/warehouse/db.js';
import { migrateToLatest } from '../../src/warehouse/migrate.js';
import { applyReaderRole } from '../../src/warehouse/reader-role.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

// Regression: two sync processes started together on an empty warehouse both ran the reader
// role's grants after the migrations, and one of them died with "tuple concurrently updated".

describe('processes that upgrade one warehouse together', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('concurrent_migrate');
  });
  afterAll(async () => database?.drop());

  it('all succeed: the migrations are applied once and the grants run one at a time', async () => {
    const dbs = Array.from({ length: 4 }, () => createDb(database.url, 1));
    try {
      const results = await Promise.allSettled(dbs.map((db) => migrateToLatest(db)));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const applied = results.flatMap((r) => (r.status === 'fulfilled' ? r.value.applied : []));
      expect(new Set(applied).size).toBe(applied.length);
      const again = await Promise.allSettled([...dbs, ...dbs].map((db) => applyReaderRole(db)));
      expect(again.filter((r) => r.status === 'rejected')).toEqual([]);
    } finally {
      await Promise.all(dbs.map((db) => db.destroy()));
    }
  });
});
