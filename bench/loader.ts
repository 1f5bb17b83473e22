import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { MessageRow } from '../src/sync/streams/messages.js';
import { messages as messagesTable } from '../src/warehouse/tables/inbox.js';
import type { Database } from '../src/warehouse/schema.js';
import { upsertRows } from '../src/warehouse/upsert.js';

// Figure (c): our loader (unnest upserts, as the sync commits them) against COPY, Postgres' fastest
// way in, for the same rows into identical empty tables (same columns, keys and indexes).

export interface LoaderFigures {
  rows: number;
  copyRowsPerSecond: number;
  /** Upserts in transactions of 30 rows: one API page of messages, as the sync commits them. */
  loaderPerPageRowsPerSecond: number;
  /** Upserts in transactions of 1000 rows. */
  loaderBulkRowsPerSecond: number;
}

export async function measureLoader(db: Kysely<Database>, url: string, limit: number): Promise<LoaderFigures> {
  const raw = await sql<MessageRow>`select * from pancake.messages order by page_id, id limit ${limit}`.execute(db);
  const rows = raw.rows.map(({ synced_at: _s, ...row }: MessageRow & { synced_at?: unknown }) => row as MessageRow);
  await sql`create schema if not exists bench`.execute(db);

  const timed = async (name: string, load: (table: string) => Promise<void>): Promise<number> => {
    await sql.raw(`drop table if exists bench.${name}; create table bench.${name} (like pancake.messages including all)`).execute(db);
    const t0 = performance.now();
    await load(`bench.${name}`);
    const seconds = (performance.now() - t0) / 1000;
    await sql.raw(`drop table bench.${name}`).execute(db);
    return rows.length / seconds;
  };

  const upsertIn = (batch: number) => async (table: string) => {
    const spec = { ...messagesTable, table: table as keyof Database & string };
    for (let i = 0; i < rows.length; i += batch) {
      await db.transaction().execute((trx) => upsertRows(trx, spec, rows.slice(i, i + batch)));
    }
  };

  // The CSV is built before the clock starts: the figure is Postgres' ingestion rate, not ours.
  const columns = messagesTable.columns.map((c) => c.name);
  const syncedAt = new Date().toISOString();
  const csvText = rows.map((row) => `${columns.map((c) => csv(row[c as keyof MessageRow])).join(',')},${syncedAt}\n`).join('');
  const copy = async (table: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}, synced_at) from stdin with (format csv)`));
      await pipeline(Readable.from([Buffer.from(csvText)]), stream);
    } finally {
      await client.end();
    }
  };

  const copyRowsPerSecond = await timed('copy_messages', copy);
  const loaderPerPageRowsPerSecond = await timed('loader_page', upsertIn(30));
  const loaderBulkRowsPerSecond = await timed('loader_bulk', upsertIn(1000));
  return { rows: rows.length, copyRowsPerSecond, loaderPerPageRowsPerSecond, loaderBulkRowsPerSecond };
}

function csv(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return `"${text.replace(/"/g, '""')}"`;
}
