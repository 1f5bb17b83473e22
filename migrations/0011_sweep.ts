import { sql, type Kysely } from 'kysely';
import { withPage } from './parts/analytics-view-parts.js';

// Sweeps (README, "Running it for months"): a periodic re-listing of every list stream over its
// whole covered range stores the records the nightly walks missed and marks those Pancake no
// longer lists. Conversations, customers, posts and call logs get the deleted_at that tags, users
// and pages already have; each stream's state row records its last sweep and where an unfinished
// one stands. Analytics leave deleted records out (the summaries in src/warehouse/analytics/; the
// one view that reads a source table directly is replaced here).

const SWEPT_TABLES: Array<[table: string, what: string]> = [
  ['conversations', 'conversation'],
  ['customers', 'customer'],
  ['posts', 'post'],
  ['call_logs', 'call'],
];

const TAG_DELETED = `(t.deleted_at is not null or coalesce(t.raw -> 'is_deactive' = 'true'::jsonb, false))`;

/** conversations_per_tag as 0008 made it, plus: tags of conversations deleted in Pancake are not counted. */
function conversationsPerTag(leaveOutDeleted: boolean): string {
  const deleted = leaveOutDeleted
    ? `where not exists (select from pancake.conversations c where c.page_id = ct.page_id and c.id = ct.conversation_id and c.deleted_at is not null)`
    : '';
  return withPage(
    'a.tag_id, coalesce(t.text, a.tag_text) as tag_text, a.conversations',
    `select ct.page_id, ct.tag_id, max(ct.tag_text) as tag_text, count(*)::int as conversations from pancake.conversation_tags ct ${deleted} group by ct.page_id, ct.tag_id`,
    `left join pancake.tags t on t.page_id = a.page_id and t.id = a.tag_id where not ${TAG_DELETED}`,
  );
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, what] of SWEPT_TABLES) {
    await sql.raw(`alter table pancake.${table} add column deleted_at timestamptz`).execute(db);
    await sql.raw(
      `comment on column pancake.${table}.deleted_at is 'Set when a sweep found that Pancake no longer lists this ${what} (deleted there); the row is kept, the analytics views leave it out, and it is cleared if the ${what} comes back.'`,
    ).execute(db);
  }
  await sql`alter table pancake.sync_state add column swept_at timestamptz, add column sweep_cursor jsonb`.execute(db);
  await sql`comment on column pancake.sync_state.swept_at is 'When the last sweep of this stream ended: the whole covered range listed again, missed records stored, records Pancake no longer lists marked deleted_at (every SYNC_SWEEP_EVERY, or sync --sweep). Snapshot streams (tags, users) list everything on every run.'`.execute(db);
  await sql`comment on column pancake.sync_state.sweep_cursor is 'Where an unfinished sweep stands (its range, the windows done, the records it did not find yet); null when none is under way. The next run resumes it.'`.execute(db);
  // The first automatic sweep of an upgraded warehouse comes SYNC_SWEEP_EVERY after the upgrade
  // (`sync --sweep` runs one at once), not on the first night after it.
  await sql`update pancake.sync_state set swept_at = now()`.execute(db);
  await sql.raw(`create or replace view pancake_analytics.conversations_per_tag as ${conversationsPerTag(true)}`).execute(db);
  await sql`comment on view pancake_analytics.conversations_per_tag is 'Per page and tag, now: conversations carrying the tag (pancake.conversation_tags), whenever it was applied. Tags deleted in Pancake are left out, and so are conversations deleted in Pancake (pancake.conversations.deleted_at).'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`create or replace view pancake_analytics.conversations_per_tag as ${conversationsPerTag(false)}`).execute(db);
  await sql`comment on view pancake_analytics.conversations_per_tag is 'Per page and tag, now: conversations carrying the tag (pancake.conversation_tags), whenever it was applied. Tags deleted in Pancake are left out.'`.execute(db);
  await sql`alter table pancake.sync_state drop column swept_at, drop column sweep_cursor`.execute(db);
  for (const [table] of SWEPT_TABLES) await sql.raw(`alter table pancake.${table} drop column deleted_at`).execute(db);
}
