import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as m0001 from '../../migrations/0001_initial.js';
import type { PancakeConversation } from '../../src/pancake/types.js';
import { mapConversationAssignees, mapConversationTags } from '../../src/sync/streams/conversation-bridges.js';
import { createDb } from '../../src/warehouse/db.js';
import { MIGRATION_SCHEMA, migrateToLatest } from '../../src/warehouse/migrate.js';
import type { Database } from '../../src/warehouse/schema.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const TABLES = ['customers', 'call_logs', 'posts', 'tags', 'page_users', 'conversation_tags', 'conversation_assignees'];
const PAGE = '1234567890123456';

describe('migration 0002_entities', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  const conversation = {
    id: `${PAGE}_42`,
    page_id: PAGE,
    inserted_at: '2026-04-01T00:00:00',
    updated_at: '2026-04-02T00:00:00',
    tags: [null, { id: 61, text: 'Chốt đơn', color: '#e71115', lighten_color: 'rgba(231,17,21,0.4)' }, { id: 6, text: 'Khách quen', color: '#ee11e2' }],
    assignee_ids: ['u1', 'u2'],
    current_assign_users: [{ id: 'u1', name: 'Lan', fb_id: '1' }],
  } as PancakeConversation;

  beforeAll(async () => {
    database = await createTestDatabase('entities_migration');
    db = createDb(database.url, 2);
    // A warehouse from before this migration, with a synced conversation in it.
    const before = new Migrator({ db, provider: { getMigrations: async () => ({ '0001_initial': m0001 }) }, migrationTableSchema: MIGRATION_SCHEMA });
    const { error } = await before.migrateToLatest();
    if (error) throw error;
    await db.insertInto('pancake.conversations').values({ page_id: PAGE, id: conversation.id, type: 'INBOX', customer_id: null, customer_name: null, customer_psid: null, inserted_at: conversation.inserted_at, updated_at: conversation.updated_at, message_count: 1, snippet: null, seen: true, has_phone: false, post_id: null, last_sent_by_id: null, last_sent_by_name: null, raw: JSON.stringify(conversation), synced_at: new Date() }).execute();
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('backfills the bridge tables from stored conversations exactly as the conversations stream writes them', async () => {
    const tags = await db.selectFrom('pancake.conversation_tags').select(['page_id', 'conversation_id', 'tag_id', 'tag_text', 'tag_color', 'raw']).orderBy('tag_id').execute();
    expect(tags).toEqual(mapConversationTags(conversation, PAGE).sort((a, b) => (a.tag_id < b.tag_id ? -1 : 1)));
    const assignees = await db.selectFrom('pancake.conversation_assignees').select(['page_id', 'conversation_id', 'user_id', 'user_name', 'raw']).orderBy('user_id').execute();
    expect(assignees).toEqual(mapConversationAssignees(conversation, PAGE));
  });

  it('comments every new table and column (Metabase shows them), and keys every table by page_id first', async () => {
    const { rows: missing } = await sql<{ name: string }>`
      select c.table_name || '.' || c.column_name as name
      from information_schema.columns c
      where c.table_schema = 'pancake' and c.table_name = any(${TABLES}::text[])
        and col_description(format('%I.%I', c.table_schema, c.table_name)::regclass, c.ordinal_position) is null
      union all
      select t as name from unnest(${TABLES}::text[]) as t where obj_description(format('pancake.%I', t)::regclass, 'pg_class') is null`.execute(db);
    expect(missing).toEqual([]);
    const { rows: keys } = await sql<{ table_name: string; first: string }>`
      select k.table_name, k.column_name as first
      from information_schema.key_column_usage k
      join information_schema.table_constraints c using (constraint_schema, constraint_name)
      where c.constraint_type = 'PRIMARY KEY' and k.table_schema = 'pancake' and k.table_name = any(${TABLES}::text[]) and k.ordinal_position = 1`.execute(db);
    expect(keys.map((k) => k.first)).toEqual(TABLES.map(() => 'page_id'));
  });
});
