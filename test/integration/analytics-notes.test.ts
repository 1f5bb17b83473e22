import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { createDb } from '../../src/warehouse/db.js';
import { MIGRATION_SCHEMA } from '../../src/warehouse/migrate.js';
import type { Database } from '../../src/warehouse/schema.js';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';

// The summaries' change notes (migration 0008's statement triggers, given an early exit on
// statements that changed no row by 0015): the same notes with and without the exit, and none
// for a statement that changed nothing.

interface Note {
  source: string;
  conversation_id: string | null;
  from_at: string | null;
  to_at: string | null;
}

const upsertMessages = (rows: Array<[id: string, conversation: string, at: string, text: string]>) =>
  sql`
    insert into pancake.messages (page_id, id, conversation_id, inserted_at, raw)
    select 'p1', r.id, r.conversation_id, r.at::timestamptz, jsonb_build_object('message', r.text)
    from unnest(${rows.map((r) => r[0])}::text[], ${rows.map((r) => r[1])}::text[], ${rows.map((r) => r[2])}::text[], ${rows.map((r) => r[3])}::text[]) as r(id, conversation_id, at, text)
    on conflict (page_id, id) do update set inserted_at = excluded.inserted_at, raw = excluded.raw
    where messages.raw is distinct from excluded.raw`;

/** Each step's statement, then the notes it left (analytics_dirty emptied between steps). */
async function notesOfEachStep(db: Kysely<Database>): Promise<Note[][]> {
  await sql`insert into pancake.pages (id, name, raw) values ('p1', 'page', '{}')`.execute(db);
  await sql`insert into pancake.conversations (page_id, id, raw) values ('p1', 'c1', '{}'), ('p1', 'c2', '{}')`.execute(db);
  await sql`delete from pancake_private.analytics_dirty`.execute(db);
  const steps = [
    upsertMessages([
      ['m1', 'c1', '2026-11-01T10:00:00Z', 'a'],
      ['m2', 'c1', '2026-11-03T10:00:00Z', 'b'],
      ['m3', 'c2', '2026-11-02T10:00:00Z', 'c'],
    ]),
    // Nothing changed: no note.
    upsertMessages([
      ['m1', 'c1', '2026-11-01T10:00:00Z', 'a'],
      ['m3', 'c2', '2026-11-02T10:00:00Z', 'c'],
    ]),
    // One row updated (its old and new instants noted), one inserted.
    upsertMessages([
      ['m1', 'c1', '2026-10-30T10:00:00Z', 'a, edited'],
      ['m4', 'c2', '2026-11-05T10:00:00Z', 'd'],
    ]),
    sql`delete from pancake.messages where id = 'm9'`,
    sql`delete from pancake.messages where id = 'm3'`,
  ];
  const out: Note[][] = [];
  for (const step of steps) {
    await step.execute(db);
    const { rows } = await sql<Note>`
      select source, conversation_id, to_char(from_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as from_at, to_char(to_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as to_at
      from pancake_private.analytics_dirty order by source, conversation_id, from_at`.execute(db);
    out.push(rows);
    await sql`delete from pancake_private.analytics_dirty`.execute(db);
  }
  return out;
}

describe('the change notes of the summaries', () => {
  const databases: TestDatabase[] = [];
  const dbs: Array<Kysely<Database>> = [];
  let latest: Note[][];
  let without: Note[][];

  beforeAll(async () => {
    for (const prefix of ['notes_latest', 'notes_down']) {
      const database = await createMigratedDatabase(prefix);
      databases.push(database);
      const db = createDb(database.url, 2);
      dbs.push(db);
      await sql`delete from pancake_private.analytics_dirty`.execute(db);
    }
    // The second database goes back to before 0015: the note functions without the early exit.
    const migrator = new Migrator({ db: dbs[1]!, provider: { getMigrations: async () => migrations }, migrationTableSchema: MIGRATION_SCHEMA });
    const { error } = await migrator.migrateTo('0014_inquiries');
    if (error) throw error;
    latest = await notesOfEachStep(dbs[0]!);
    without = await notesOfEachStep(dbs[1]!);
  });

  afterAll(async () => {
    for (const db of dbs) await db.destroy();
    for (const database of databases) await database.drop();
  });

  it('note what each statement changed, and nothing for a statement that changed no row', () => {
    expect(latest).toEqual([
      [
        { source: 'messages', conversation_id: 'c1', from_at: '2026-11-01T10:00', to_at: '2026-11-03T10:00' },
        { source: 'messages', conversation_id: 'c2', from_at: '2026-11-02T10:00', to_at: '2026-11-02T10:00' },
      ],
      [],
      [
        { source: 'messages', conversation_id: 'c1', from_at: '2026-10-30T10:00', to_at: '2026-11-01T10:00' },
        { source: 'messages', conversation_id: 'c2', from_at: '2026-11-05T10:00', to_at: '2026-11-05T10:00' },
      ],
      [],
      [{ source: 'messages', conversation_id: 'c2', from_at: '2026-11-02T10:00', to_at: '2026-11-02T10:00' }],
    ]);
  });

  it('are the same with the early exit of migration 0015 as without it (its down)', () => {
    expect(without).toEqual(latest);
  });

  it('every note function returns early on an empty statement after 0015, and none does after its down', async () => {
    const bodies = async (db: Kysely<Database>) =>
      (await sql<{ name: string; body: string }>`
        select p.proname as name, p.prosrc as body from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'pancake_private' and p.proname like 'analytics_note_%' order by 1`.execute(db)).rows;
    const [after, before] = [await bodies(dbs[0]!), await bodies(dbs[1]!)];
    expect(after.length).toBe(15);
    expect(after.every((f) => /if not exists \(select from (new|old)_rows\) then return null/.test(f.body))).toBe(true);
    expect(before.map((f) => f.name)).toEqual(after.map((f) => f.name));
    expect(before.some((f) => f.body.includes('if not exists'))).toBe(false);
  });
});
