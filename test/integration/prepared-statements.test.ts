import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import type { PancakeMessage } from '../../src/pancake/types.js';
import { mapMessage } from '../../src/sync/streams/message-rows.js';
import { createPool } from '../../src/warehouse/connection.js';
import { createDb } from '../../src/warehouse/db.js';
import type { Database } from '../../src/warehouse/schema.js';
import { messages } from '../../src/warehouse/tables/inbox.js';
import { upsertParts } from '../../src/warehouse/upsert.js';
import { StatementParams, writeTogether, type WritePart } from '../../src/warehouse/write-together.js';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';

// The statements written for every API page (write-together.ts) are prepared once per connection
// (src/warehouse/prepared-statements.ts): their text must cross the wire once, what they store must
// not change, and DATABASE_PREPARED_STATEMENTS=off must send every statement with its text.

let database: TestDatabase;

beforeAll(async () => {
  database = await createMigratedDatabase('prepared_statements');
  const db = createDb(database.url, 1);
  await sql`insert into pancake.pages (id, raw) values ('p1', '{}')`.execute(db);
  await sql`insert into pancake.conversations (page_id, id, raw) values ('p1', 'c1', '{}')`.execute(db);
  await db.destroy();
});

afterAll(async () => {
  await database?.drop();
});

function message(n: number, text: string): PancakeMessage {
  return { id: `m${n}`, conversation_id: 'c1', inserted_at: '2026-03-01T10:00:00', from: { id: 'cust', name: 'Lan' }, original_message: text, type: 'inbox' } as unknown as PancakeMessage;
}

function parts(batch: PancakeMessage[]): WritePart[] {
  return upsertParts(
    messages,
    batch.map((m) => mapMessage(m, 'p1', 'c1')),
    null,
  );
}

/** A database on one connection whose socket's written bytes can be read, and that connection's prepared statements. */
async function oneConnection(preparedStatements: boolean): Promise<{ db: Kysely<Database>; bytesWritten(): number; prepared(): Promise<string[]>; close(): Promise<void> }> {
  const pool = createPool(database.url, 1, { preparedStatements });
  let socket: { bytesWritten: number } | null = null;
  pool.on('connect', (client: pg.Client) => {
    socket = (client as unknown as { connection: { stream: { bytesWritten: number } } }).connection.stream;
  });
  const { Kysely, PostgresDialect } = await import('kysely');
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    bytesWritten: () => socket?.bytesWritten ?? 0,
    prepared: async () => (await sql<{ name: string }>`select name from pg_prepared_statements order by name`.execute(db)).rows.map((r) => r.name),
    close: () => db.destroy(),
  };
}

/** Bytes of `batch`'s statement text and of its parameters, as write-together builds them. */
function sizes(batch: PancakeMessage[]): { text: number; params: number } {
  const params = new StatementParams();
  const text = parts(batch)
    .map((part) => part.render(params))
    .join('');
  return { text: Buffer.byteLength(text), params: params.values.reduce<number>((n, v) => n + Buffer.byteLength(String(v)), 0) };
}

describe('statements repeated for every API page', () => {
  it('are prepared once per connection: the second batch of the same shape sends no statement text', async () => {
    const c = await oneConnection(true);
    try {
      await writeTogether(c.db, parts([message(1, 'chào shop'), message(2, 'còn hàng không ạ?')]));
      const before = c.bytesWritten();
      await writeTogether(c.db, parts([message(3, 'chào shop'), message(4, 'còn hàng không ạ?')]));
      const second = c.bytesWritten() - before;
      const batch = [message(3, 'chào shop'), message(4, 'còn hàng không ạ?')];
      // The parameters and the protocol's framing only: far less than the text alone.
      expect(sizes(batch).text).toBeGreaterThan(1000);
      expect(second).toBeLessThan(sizes(batch).params + 200);
      expect((await c.prepared()).filter((name) => name.startsWith('pancake_sync_'))).toHaveLength(1);
      const stored = await sql<{ id: string; text: string }>`select id, text from pancake.messages order by id`.execute(c.db);
      expect(stored.rows).toEqual([
        { id: 'm1', text: 'chào shop' },
        { id: 'm2', text: 'còn hàng không ạ?' },
        { id: 'm3', text: 'chào shop' },
        { id: 'm4', text: 'còn hàng không ạ?' },
      ]);
    } finally {
      await c.close();
    }
  });

  it('with DATABASE_PREPARED_STATEMENTS=off, every statement carries its text and nothing stays prepared', async () => {
    expect(parseConfig({ DATABASE_PREPARED_STATEMENTS: 'off' }).preparedStatements).toBe(false);
    expect(parseConfig({ DATABASE_PREPARED_STATEMENTS: 'ON' }).preparedStatements).toBe(true);
    expect(parseConfig({}).preparedStatements).toBe(true);
    const c = await oneConnection(false);
    try {
      await writeTogether(c.db, parts([message(5, 'a')]));
      const before = c.bytesWritten();
      await writeTogether(c.db, parts([message(6, 'a')]));
      expect(c.bytesWritten() - before).toBeGreaterThan(sizes([message(6, 'a')]).text);
      expect(await c.prepared()).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it('a statement refused by the server is not taken for prepared: the next attempt parses it again', async () => {
    const c = await oneConnection(true);
    try {
      await sql`alter table pancake.messages rename column text to text_renamed`.execute(c.db);
      await expect(writeTogether(c.db, parts([message(7, 'b')]))).rejects.toThrow(/text/);
      await sql`alter table pancake.messages rename column text_renamed to text`.execute(c.db);
      await writeTogether(c.db, parts([message(7, 'b')]));
      const stored = await sql<{ text: string }>`select text from pancake.messages where id = 'm7'`.execute(c.db);
      expect(stored.rows).toEqual([{ text: 'b' }]);
    } finally {
      await c.close();
    }
  });

  it("binds each batch's JSON in jsonb's binary form (a version byte, then UTF-8), stored exactly", async () => {
    const text = 'Dạ vâng ạ 🙏 "quoted" \\ back\\slash \u00a0 tab\t';
    const params = new StatementParams();
    parts([message(8, text)]).forEach((part) => part.render(params));
    const sent = params.sent();
    const json = sent.filter((v): v is Buffer => Buffer.isBuffer(v));
    expect(json.length).toBeGreaterThan(0);
    for (const buffer of json) {
      expect(buffer[0]).toBe(1);
      expect(() => JSON.parse(buffer.subarray(1).toString('utf8'))).not.toThrow();
    }
    // Only the shared JSON texts change form; the values `add` bound stay as they were.
    expect(sent.length).toBe(params.values.length);
    const c = await oneConnection(true);
    try {
      await writeTogether(c.db, parts([message(8, text)]));
      const stored = await sql<{ text: string; original: unknown }>`select text, raw->'original_message' as original from pancake.messages where id = 'm8'`.execute(c.db);
      expect(stored.rows).toEqual([{ text, original: text }]);
    } finally {
      await c.close();
    }
  });

  it('a prepared statement the server lost (a pooler in transaction mode) fails saying to set DATABASE_PREPARED_STATEMENTS=off', async () => {
    const c = await oneConnection(true);
    try {
      await writeTogether(c.db, parts([message(9, 'c')]));
      // What such a pooler does: the next transaction runs on a server connection that never saw the statement.
      await sql`deallocate all`.execute(c.db);
      await expect(writeTogether(c.db, parts([message(10, 'c')]))).rejects.toThrow(/prepared statement .* does not exist: .*DATABASE_PREPARED_STATEMENTS=off/);
    } finally {
      await c.close();
    }
  });
});

