import { sql, type Kysely } from 'kysely';
import { ENTITY_COMMENTS } from './parts/entity-comments.js';

// A page's other records: customers, call logs, posts, tags and employees (page_users), and the
// lists a conversation nests (tags, assignees) as bridge tables. Keys lead with page_id, as in 0001.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table pancake.customers (
      page_id text not null,
      id text not null,
      customer_id text,
      psid text,
      thread_id text,
      name text,
      gender text,
      phone_number text,
      phone_numbers text,
      birthday date,
      lives_in text,
      can_inbox boolean,
      note_count integer,
      inserted_at timestamptz,
      updated_at timestamptz,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      primary key (page_id, id)
    )`.execute(db);
  await sql`create index customers_page_updated_idx on pancake.customers (page_id, updated_at)`.execute(db);
  await sql`create index customers_customer_idx on pancake.customers (page_id, customer_id)`.execute(db);
  await sql`create index customers_phone_idx on pancake.customers (phone_number)`.execute(db);

  await sql`
    create table pancake.call_logs (
      page_id text not null,
      call_id text not null,
      call_center_id text,
      caller text,
      callee text,
      direction text,
      customer_phone text,
      start_time timestamptz,
      duration_seconds integer,
      status text,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      primary key (page_id, call_id)
    )`.execute(db);
  await sql`create index call_logs_page_start_idx on pancake.call_logs (page_id, start_time)`.execute(db);
  await sql`create index call_logs_customer_phone_idx on pancake.call_logs (customer_phone)`.execute(db);

  await sql`
    create table pancake.posts (
      page_id text not null,
      id text not null,
      from_id text,
      from_name text,
      message text,
      type text,
      inserted_at timestamptz,
      comment_count integer,
      phone_number_count integer,
      reaction_count integer,
      like_count integer,
      love_count integer,
      haha_count integer,
      wow_count integer,
      sad_count integer,
      angry_count integer,
      care_count integer,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      primary key (page_id, id)
    )`.execute(db);
  await sql`create index posts_page_inserted_idx on pancake.posts (page_id, inserted_at)`.execute(db);

  await sql`
    create table pancake.tags (
      page_id text not null,
      id text not null,
      text text,
      color text,
      lighten_color text,
      is_lead_event boolean,
      deleted_at timestamptz,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      primary key (page_id, id)
    )`.execute(db);

  await sql`
    create table pancake.page_users (
      page_id text not null,
      id text not null,
      name text,
      fb_id text,
      status text,
      status_in_page text,
      is_online boolean,
      is_disabled boolean not null default false,
      round_robin_inbox boolean not null default false,
      round_robin_comment boolean not null default false,
      deleted_at timestamptz,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      primary key (page_id, id)
    )`.execute(db);

  // Bridge tables rather than arrays on pancake.conversations: BI tools (Metabase) filter and join
  // tables, and cannot filter "conversations tagged X" or count per assignee over an array column.
  await sql`
    create table pancake.conversation_tags (
      page_id text not null,
      conversation_id text not null,
      tag_id text not null,
      tag_text text,
      tag_color text,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      primary key (page_id, conversation_id, tag_id)
    )`.execute(db);
  await sql`create index conversation_tags_tag_idx on pancake.conversation_tags (page_id, tag_id)`.execute(db);

  await sql`
    create table pancake.conversation_assignees (
      page_id text not null,
      conversation_id text not null,
      user_id text not null,
      user_name text,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      primary key (page_id, conversation_id, user_id)
    )`.execute(db);
  await sql`create index conversation_assignees_user_idx on pancake.conversation_assignees (page_id, user_id)`.execute(db);

  await backfillBridges(db);
  for (const [target, text] of ENTITY_COMMENTS) {
    await sql.raw(`comment on ${target} is '${text.replace(/'/g, "''")}'`).execute(db);
  }
}

/**
 * A warehouse that synced conversations before this migration gets its bridge rows from the stored
 * raw conversations now, instead of only as each conversation changes again. Rows are built as the
 * conversations stream builds them (src/sync/streams/conversation-bridges.ts: the last entry of a
 * duplicated tag wins, the first matching current_assign_users entry names an assignee), so the
 * next sync rewrites nothing.
 */
async function backfillBridges(db: Kysely<unknown>): Promise<void> {
  await sql`
    insert into pancake.conversation_tags (page_id, conversation_id, tag_id, tag_text, tag_color, raw)
    select distinct on (c.page_id, c.id, t.value ->> 'id') c.page_id, c.id, t.value ->> 'id', t.value ->> 'text', t.value ->> 'color', t.value
    from pancake.conversations c
    cross join lateral jsonb_array_elements(case when jsonb_typeof(c.raw -> 'tags') = 'array' then c.raw -> 'tags' else '[]'::jsonb end)
      with ordinality as t(value, position)
    where jsonb_typeof(t.value) = 'object' and t.value ->> 'id' is not null
    order by c.page_id, c.id, t.value ->> 'id', t.position desc`.execute(db);
  await sql`
    insert into pancake.conversation_assignees (page_id, conversation_id, user_id, user_name, raw)
    select distinct on (c.page_id, c.id, a.value #>> '{}') c.page_id, c.id, a.value #>> '{}', u.value ->> 'name', coalesce(u.value, jsonb_build_object('id', a.value #>> '{}'))
    from pancake.conversations c
    cross join lateral jsonb_array_elements(case when jsonb_typeof(c.raw -> 'assignee_ids') = 'array' then c.raw -> 'assignee_ids' else '[]'::jsonb end) as a(value)
    left join lateral (
      select x.value
      from jsonb_array_elements(case when jsonb_typeof(c.raw -> 'current_assign_users') = 'array' then c.raw -> 'current_assign_users' else '[]'::jsonb end)
        with ordinality as x(value, position)
      where x.value ->> 'id' = a.value #>> '{}'
      order by x.position
      limit 1
    ) u on true
    where jsonb_typeof(a.value) in ('string', 'number')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['conversation_assignees', 'conversation_tags', 'page_users', 'tags', 'posts', 'call_logs', 'customers']) {
    await sql`drop table if exists ${sql.table(`pancake.${table}`)}`.execute(db);
  }
}
