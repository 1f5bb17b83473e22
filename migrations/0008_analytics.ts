import { sql, type Kysely } from 'kysely';
import { createViews as createOldViews } from './0004_analytics.js';
import { MART_COMMENTS, MODEL_COMMENTS } from './parts/analytics-comments.js';
import { createMarts, dropMarts } from './parts/analytics-marts.js';

// Analytics an analyst can trust and Metabase can read: one definition per measure, described in
// COMMENTs; summaries kept by the sync so that a view costs the same at two years of history as at
// two weeks; foreign keys where the load order makes them safe; the page's zone stored on the page.
// The 0004 views are replaced: names whose meaning stays are kept, misleading ones are gone. The
// new views are created after the migration run, as currently defined (migrations/parts/analytics-views.ts).

const OLD_VIEWS = ['daily_first_response_by_employee', 'daily_first_response', 'conversation_first_response', 'daily_conversations', 'daily_messages', 'conversations_per_assignee', 'daily_new_customers', 'daily_tag_usage', 'daily_calls'];

// The refresh reads a page's rows by time range.
const INDEXES = [
  'create index if not exists messages_page_inserted_idx on pancake.messages (page_id, inserted_at)',
  'create index if not exists conversations_page_inserted_idx on pancake.conversations (page_id, inserted_at)',
  'create index if not exists customers_page_inserted_idx on pancake.customers (page_id, inserted_at)',
];

// A conversation is stored before anything that belongs to it: the messages stream runs after the
// conversations stream and walks stored conversations only; tags, assignees and list ad clicks are
// written in the conversation's own transaction. Page ids have no foreign key (see pages.id).
const FOREIGN_KEYS: Array<[table: string, name: string]> = [
  ['messages', 'messages_conversation_fkey'],
  ['conversation_tags', 'conversation_tags_conversation_fkey'],
  ['conversation_assignees', 'conversation_assignees_conversation_fkey'],
  ['conversation_details', 'conversation_details_conversation_fkey'],
  ['ad_clicks', 'ad_clicks_conversation_fkey'],
];

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create schema if not exists pancake_private`.execute(db);
  await createMarts(db);
  await sql`alter table pancake.pages add column zone text`.execute(db);
  await sql`update pancake.pages set zone = coalesce(pancake_private.offset_zone(timezone_offset_hours), 'Asia/Ho_Chi_Minh')`.execute(db);
  for (const statement of INDEXES) await sql.raw(statement).execute(db);
  for (const [table, name] of FOREIGN_KEYS) await addForeignKey(db, table, name);

  await sql.raw(`drop view if exists ${OLD_VIEWS.map((v) => `pancake_analytics.${v}`).join(', ')}`).execute(db);

  for (const [target, text] of [...MODEL_COMMENTS, ...MART_COMMENTS]) await sql.raw(`comment on ${target} is ${quote(text)}`).execute(db);
}

/** NOT VALID first: rows stored by an earlier version that break the rule must not stop the upgrade. */
async function addForeignKey(db: Kysely<unknown>, table: string, name: string): Promise<void> {
  await sql.raw(`alter table pancake.${table} add constraint ${name} foreign key (page_id, conversation_id) references pancake.conversations (page_id, id) not valid`).execute(db);
  await sql.raw(`
    do $$ begin
      alter table pancake.${table} validate constraint ${name};
    exception when foreign_key_violation then
      raise warning 'pancake-sync: pancake.${table} holds rows of conversations that are not stored; the foreign key ${name} checks new rows only';
    end $$`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ name: string }>`select quote_ident(table_name) as name from information_schema.views where table_schema = 'pancake_analytics'`.execute(db);
  if (rows.length > 0) await sql.raw(`drop view ${rows.map((r) => `pancake_analytics.${r.name}`).join(', ')}`).execute(db);
  await createOldViews(db);
  for (const [table, name] of FOREIGN_KEYS) await sql.raw(`alter table pancake.${table} drop constraint if exists ${name}`).execute(db);
  for (const index of ['messages_page_inserted_idx', 'conversations_page_inserted_idx', 'customers_page_inserted_idx']) await sql.raw(`drop index if exists pancake.${index}`).execute(db);
  await sql`alter table pancake.pages drop column zone`.execute(db);
  await dropMarts(db);
}
