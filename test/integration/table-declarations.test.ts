import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagesTable } from '../../src/sync/pages.js';
import { adClicksTable, conversationDetailsTable } from '../../src/sync/streams/ad-clicks.js';
import { callLogsTable } from '../../src/sync/streams/call-logs.js';
import { conversationAssigneesTable, conversationTagsTable } from '../../src/sync/streams/conversation-bridges.js';
import { conversationsTable } from '../../src/sync/streams/conversations.js';
import { customersTable } from '../../src/sync/streams/customers.js';
import { messagesTable } from '../../src/sync/streams/message-rows.js';
import { pageUsersTable } from '../../src/sync/streams/page-users.js';
import { postsTable } from '../../src/sync/streams/posts.js';
import { adsTable } from '../../src/sync/streams/statistics/ads.js';
import { engagementTable } from '../../src/sync/streams/statistics/engagement.js';
import { newCustomersTable } from '../../src/sync/streams/statistics/new-customers.js';
import { pageStatsTable } from '../../src/sync/streams/statistics/pages.js';
import { tagStatsTable } from '../../src/sync/streams/statistics/tags.js';
import { userStatsTable } from '../../src/sync/streams/statistics/users.js';
import { tagsTable } from '../../src/sync/streams/tags.js';
import { assignmentEventsTable, tagEventsTable } from '../../src/sync/streams/conversation-histories.js';
import { customerPhoneNumbersTable } from '../../src/sync/streams/customers.js';
import { messageAttachmentsTable } from '../../src/sync/streams/message-attachments.js';
import { campaignsTable } from '../../src/sync/streams/statistics/campaigns.js';
import { customerFeedbacksTable } from '../../src/sync/streams/statistics/customer-feedbacks.js';
import { usersEngagementsTable } from '../../src/sync/streams/statistics/users-engagements.js';
import { createDb } from '../../src/warehouse/db.js';
import { migrateToLatest } from '../../src/warehouse/migrate.js';
import type { Database } from '../../src/warehouse/schema.js';
import type { TableSpec } from '../../src/warehouse/upsert.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { REPO_ROOT } from '../support/harness.js';

// A table is declared by its migration (the truth in Postgres), its kysely interface
// (src/warehouse/tables/) and, for synced tables, the stream's column list (a TableSpec). Nothing
// else makes them agree: this test holds the interfaces and the column lists against
// information_schema, so a column added in one place and forgotten in another fails here.

const SPECS: Array<TableSpec<{ raw: unknown }>> = [
  pagesTable, conversationsTable, messagesTable, adClicksTable, conversationDetailsTable, conversationTagsTable, conversationAssigneesTable,
  customersTable, callLogsTable, postsTable, tagsTable, pageUsersTable,
  engagementTable, pageStatsTable, tagStatsTable, userStatsTable, newCustomersTable, adsTable,
  tagEventsTable, assignmentEventsTable, messageAttachmentsTable, customerPhoneNumbersTable, usersEngagementsTable, campaignsTable, customerFeedbacksTable,
] as unknown as Array<TableSpec<{ raw: unknown }>>;

/** Columns a synced table has that its stream does not write: set by the database or by other code, each for a stated reason. */
const NOT_WRITTEN_BY_THE_STREAM: Record<string, string[]> = {
  '*': ['synced_at'], // now() at every write
  'pancake.pages': ['zone'], // the page's effective zone, written by the analytics refresh (src/warehouse/analytics*.ts)
};

const PG_TYPES: Record<string, string> = {
  text: 'text', smallint: 'smallint', integer: 'integer', bigint: 'bigint', numeric: 'numeric', boolean: 'boolean',
  timestamptz: 'timestamp with time zone', date: 'date', jsonb: 'jsonb', 'double precision': 'double precision',
};

/** `'pancake.x': XTable` in the Database interface, and each XTable's property names, read from the sources. */
function kyselyInterfaces(): Map<string, string[]> {
  const dir = join(REPO_ROOT, 'src/warehouse');
  const schema = readFileSync(join(dir, 'schema.ts'), 'utf8');
  const sources = ['bookkeeping', 'inbox', 'shop', 'statistics'].map((f) => readFileSync(join(dir, 'tables', `${f}.ts`), 'utf8')).join('\n');
  const body = /export interface Database \{([^}]*)\}/.exec(schema)?.[1] ?? '';
  const result = new Map<string, string[]>();
  for (const [, table, name] of body.matchAll(/'([a-z_.]+)':\s*(\w+);/g)) {
    const block = new RegExp(`export interface ${name} \\{([^}]*)\\n\\}`).exec(sources)?.[1] ?? '';
    result.set(table!, [...block.matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1]!));
  }
  return result;
}

describe('table declarations agree with the database', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  let columns: Map<string, Map<string, string>>;

  beforeAll(async () => {
    database = await createTestDatabase('declarations');
    db = createDb(database.url, 2);
    await migrateToLatest(db);
    const { rows } = await sql<{ table_name: string; column_name: string; data_type: string }>`
      select table_name, column_name, data_type from information_schema.columns where table_schema = 'pancake' order by table_name, ordinal_position`.execute(db);
    columns = new Map();
    for (const r of rows) {
      const table = `pancake.${r.table_name}`;
      if (!columns.has(table)) columns.set(table, new Map());
      columns.get(table)!.set(r.column_name, r.data_type);
    }
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('every table of schema pancake has a kysely interface with exactly its columns', () => {
    const interfaces = kyselyInterfaces();
    expect([...interfaces.keys()].sort()).toEqual([...columns.keys()].sort());
    for (const [table, cols] of columns) expect([...interfaces.get(table)!].sort(), table).toEqual([...cols.keys()].sort());
  });

  it("every stream's column list names existing columns with their types, and leaves out only what others write", () => {
    expect(new Set(SPECS.map((s) => s.table)).size).toBe(SPECS.length);
    for (const spec of SPECS) {
      const cols = columns.get(spec.table);
      expect(cols, spec.table).toBeDefined();
      for (const c of spec.columns) expect(`${spec.table}.${c.name} ${cols!.get(c.name)}`).toBe(`${spec.table}.${c.name} ${PG_TYPES[c.type]}`);
      const declared = new Set([...spec.columns.map((c) => c.name as string), ...NOT_WRITTEN_BY_THE_STREAM['*']!, ...(NOT_WRITTEN_BY_THE_STREAM[spec.table] ?? [])]);
      expect([...cols!.keys()].filter((c) => !declared.has(c)), spec.table).toEqual([]);
    }
  });
});
