import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/warehouse/embedded.js';

/** A fresh, empty database on the benchmark's server; returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Runs `fn` with the URL of a Postgres server for the benchmark: BENCH_DATABASE_URL when set, else an
 * embedded one (no fsync), started here and removed afterwards.
 */
export async function withBenchServer<T>(fn: (adminUrl: string) => Promise<T>): Promise<T> {
  if (process.env.BENCH_DATABASE_URL) return fn(process.env.BENCH_DATABASE_URL);
  const dataDir = mkdtempSync(join(tmpdir(), 'pancake-bench-pg-'));
  try {
    const embedded = await startEmbeddedPostgres({ dataDir, database: 'postgres', durable: false });
    try {
      return await fn(embedded.url);
    } finally {
      await embedded.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
