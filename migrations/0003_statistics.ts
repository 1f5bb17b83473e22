import { sql, type Kysely } from 'kysely';
import { STATISTICS_COMMENTS } from './parts/statistics-comments.js';

// One table per statistics endpoint. Rows are keyed (page_id, day[, granularity, period_start]
// [, dimension]): `day` is the local day of the page's zone, `period_start` the UTC instant the day
// or hour began. Hourly rows key on period_start, not on the local clock hour, because that hour
// repeats on the night the clocks go back. A run re-reads the last days and replaces their rows.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table pancake.stats_engagement (
      page_id text not null,
      day date not null,
      granularity text not null check (granularity in ('day', 'hour')),
      period_start timestamptz not null,
      hour smallint,
      inbox integer,
      comment integer,
      total integer,
      new_customer integer,
      new_customer_from_inbox integer,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      primary key (page_id, day, granularity, period_start)
    )`.execute(db);

  await sql`
    create table pancake.stats_pages (
      page_id text not null,
      day date not null,
      period_start timestamptz not null,
      hour smallint not null,
      new_customer_count integer,
      customer_inbox_count integer,
      customer_comment_count integer,
      page_inbox_count integer,
      page_comment_count integer,
      phone_number_count integer,
      uniq_phone_number_count integer,
      new_inbox_count integer,
      inbox_interactive_count integer,
      today_uniq_website_referral integer,
      today_website_guest_referral integer,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      primary key (page_id, day, period_start)
    )`.execute(db);

  await sql`
    create table pancake.stats_tags (
      page_id text not null,
      day date not null,
      tag_id text not null,
      period_start timestamptz not null,
      tag_text text,
      tag_color text,
      count integer,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      primary key (page_id, day, tag_id)
    )`.execute(db);

  await sql`
    create table pancake.stats_users (
      page_id text not null,
      day date not null,
      period_start timestamptz not null,
      user_id text not null,
      hour smallint not null,
      user_name text,
      user_fb_id text,
      inbox_count integer,
      comment_count integer,
      unique_inbox_count integer,
      unique_comment_count integer,
      private_reply_count integer,
      phone_number_count integer,
      average_response_time_ms numeric,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      primary key (page_id, day, period_start, user_id)
    )`.execute(db);
  await sql`create index stats_users_user_idx on pancake.stats_users (page_id, user_id, day)`.execute(db);

  await sql`
    create table pancake.stats_new_customers (
      page_id text not null,
      day date not null,
      granularity text not null check (granularity in ('day', 'hour')),
      period_start timestamptz not null,
      hour smallint,
      count integer,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      primary key (page_id, day, granularity, period_start)
    )`.execute(db);

  await sql`
    create table pancake.stats_ads (
      page_id text not null,
      day date not null,
      ad_id text not null,
      period_start timestamptz not null,
      ad_name text,
      adset_id text,
      campaign_id text,
      status text,
      currency text,
      reach bigint,
      impressions bigint,
      clicks bigint,
      spend numeric,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      primary key (page_id, day, ad_id)
    )`.execute(db);

  for (const [target, text] of STATISTICS_COMMENTS) {
    await sql.raw(`comment on ${target} is '${text.replace(/'/g, "''")}'`).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['stats_ads', 'stats_new_customers', 'stats_users', 'stats_tags', 'stats_pages', 'stats_engagement']) {
    await sql.raw(`drop table if exists pancake.${table}`).execute(db);
  }
}
