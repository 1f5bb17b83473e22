import { sql, type Kysely } from 'kysely';

// Sweeps (README, "Running it for months"): a periodic re-listing of every list stream over its
// whole covered range stores the records the nightly walks missed and marks those Pancake no
// longer lists. Conversations, customers, posts and call logs get the deleted_at that tags, users
// and pages already have; each stream's state row records its last sweep and where an unfinished
// one stands. Analytics leave deleted records out (the summaries in src/warehouse/analytics/, and
// conversations_per_tag, defined with the other views in migrations/parts/analytics-views.ts).

const SWEPT_TABLES: Array<[table: string, what: string]> = [
  ['conversations', 'conversation'],
  ['customers', 'customer'],
  ['posts', 'post'],
  ['call_logs', 'call'],
];

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
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table pancake.sync_state drop column swept_at, drop column sweep_cursor`.execute(db);
  for (const [table] of SWEPT_TABLES) await sql.raw(`alter table pancake.${table} drop column deleted_at`).execute(db);
}
