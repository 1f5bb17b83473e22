import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/warehouse/embedded.js';

// What a benchmark module needs around its measurements: a Postgres (BENCH_DATABASE_URL, else an
// embedded one), a fresh database on it, the machine's description, and its own key in
// bench/results.json, written without touching the others' figures.

const RESULTS = join(fileURLToPath(new URL('.', import.meta.url)), 'results.json');

/** Runs `fn` with the admin URL of BENCH_DATABASE_URL or of an embedded Postgres started for it. */
export async function withBenchPostgres<T>(fn: (adminUrl: string) => Promise<T>): Promise<T> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) return fn(given);
  const dataDir = mkdtempSync(join(tmpdir(), 'pancake-bench-pg-'));
  const embedded = await startEmbeddedPostgres({ dataDir, database: 'postgres', durable: false });
  try {
    return await fn(embedded.url);
  } finally {
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Drops and creates database `name`; returns its URL. */
export async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export function machine(): { cores: number; cpu: string; memoryGiB: number; node: string } {
  return { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
}

/** Sets `key` in bench/results.json (read, set, write back): the other benchmarks' figures stay. */
export function writeResult(key: string, value: unknown): void {
  const existing = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(RESULTS, `${JSON.stringify({ ...existing, [key]: value }, null, 2)}\n`);
}
