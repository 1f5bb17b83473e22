import { sql, type Kysely } from 'kysely';

// Views that answer the first questions a shop asks, in schema pancake_analytics, and the read-only
// role a BI login is granted. Days are the page's local days: each page's own `timezone` offset
// (pancake.pages.timezone_offset_hours), Vietnam's +7 when a page has none.

const LOCAL_DAY = (column: string, page = 'p') => `((${column} at time zone 'UTC') + coalesce(${page}.timezone_offset_hours, 7) * interval '1 hour')::date`;

const VIEWS: Array<{ name: string; comment: string; body: string }> = [
  {
    name: 'daily_conversations',
    comment: 'Per page, local day and channel (INBOX, COMMENT, LIVESTREAM): conversations started that day (by inserted_at).',
    body: `
      select c.page_id, ${LOCAL_DAY('c.inserted_at')} as day, coalesce(c.type, 'UNKNOWN') as channel, count(*)::int as new_conversations
      from pancake.conversations c join pancake.pages p on p.id = c.page_id
      where c.inserted_at is not null
      group by 1, 2, 3`,
  },
  {
    name: 'daily_messages',
    comment: 'Per page, local day and channel: messages sent that day, split by side (customer or page), and the conversations they belong to.',
    body: `
      select m.page_id, ${LOCAL_DAY('m.inserted_at')} as day, coalesce(c.type, m.type, 'UNKNOWN') as channel,
             count(*)::int as messages,
             count(*) filter (where not coalesce(m.is_from_page, false))::int as customer_messages,
             count(*) filter (where m.is_from_page)::int as page_messages,
             count(distinct m.conversation_id)::int as active_conversations
      from pancake.messages m
      join pancake.pages p on p.id = m.page_id
      left join pancake.conversations c on c.page_id = m.page_id and c.id = m.conversation_id
      where m.inserted_at is not null
      group by 1, 2, 3`,
  },
  {
    name: 'conversation_first_response',
    comment:
      'Per conversation: its first customer message, the first page reply after it, the seconds between them (null while unanswered) and the employee who replied. Conversations the page started, with no customer message yet, are left out.',
    body: `
      with first_customer as (
        select page_id, conversation_id, min(inserted_at) as first_customer_message_at
        from pancake.messages where not coalesce(is_from_page, false) and inserted_at is not null
        group by 1, 2
      ), first_reply as (
        select distinct on (m.page_id, m.conversation_id) m.page_id, m.conversation_id, m.inserted_at as first_reply_at,
               m.sender_user_id as responder_user_id, m.sender_admin_name as responder_name
        from pancake.messages m join first_customer f using (page_id, conversation_id)
        where m.is_from_page and m.inserted_at > f.first_customer_message_at
        order by m.page_id, m.conversation_id, m.inserted_at, m.id
      )
      select f.page_id, f.conversation_id, ${LOCAL_DAY('f.first_customer_message_at')} as day,
             f.first_customer_message_at, r.first_reply_at,
             extract(epoch from r.first_reply_at - f.first_customer_message_at)::numeric as response_seconds,
             r.responder_user_id, r.responder_name
      from first_customer f
      join pancake.pages p on p.id = f.page_id
      left join first_reply r using (page_id, conversation_id)`,
  },
  {
    name: 'daily_first_response',
    comment: 'Per page and local day of the first customer message: conversations, how many got a reply, and the median and 90th percentile first response time in seconds (answered ones).',
    body: `
      select page_id, day, count(*)::int as conversations, count(first_reply_at)::int as answered,
             percentile_cont(0.5) within group (order by response_seconds) as median_response_seconds,
             percentile_cont(0.9) within group (order by response_seconds) as p90_response_seconds
      from pancake_analytics.conversation_first_response
      group by 1, 2`,
  },
  {
    name: 'daily_first_response_by_employee',
    comment: 'Per page, local day and employee who gave the first reply: conversations answered, median and 90th percentile first response time in seconds.',
    body: `
      select page_id, day, responder_user_id as user_id, max(responder_name) as user_name, count(*)::int as answered,
             percentile_cont(0.5) within group (order by response_seconds) as median_response_seconds,
             percentile_cont(0.9) within group (order by response_seconds) as p90_response_seconds
      from pancake_analytics.conversation_first_response
      where first_reply_at is not null
      group by 1, 2, 3`,
  },
  {
    name: 'conversations_per_assignee',
    comment:
      'Per page and assigned employee: conversations assigned to them, how many are answered (the latest message came from the page) and how many are open (the latest message came from the customer).',
    body: `
      select a.page_id, a.user_id, coalesce(u.name, max(a.user_name)) as user_name, count(*)::int as conversations,
             count(*) filter (where c.last_sent_by_id = c.page_id)::int as answered,
             count(*) filter (where c.last_sent_by_id is distinct from c.page_id)::int as open
      from pancake.conversation_assignees a
      join pancake.conversations c on c.page_id = a.page_id and c.id = a.conversation_id
      left join pancake.page_users u on u.page_id = a.page_id and u.id = a.user_id
      group by a.page_id, a.user_id, u.name`,
  },
  {
    name: 'daily_new_customers',
    comment: 'Per page and local day: customers first seen that day (pancake.customers.inserted_at).',
    body: `
      select c.page_id, ${LOCAL_DAY('c.inserted_at')} as day, count(*)::int as new_customers
      from pancake.customers c join pancake.pages p on p.id = c.page_id
      where c.inserted_at is not null
      group by 1, 2`,
  },
  {
    name: 'daily_tag_usage',
    comment:
      'Per page, local day and tag: conversations carrying the tag now, counted on the local day of their latest activity (updated_at). For the API\'s own per-day tag counts see pancake.stats_tags.',
    body: `
      select t.page_id, ${LOCAL_DAY('c.updated_at')} as day, t.tag_id, max(t.tag_text) as tag_text, count(*)::int as conversations
      from pancake.conversation_tags t
      join pancake.conversations c on c.page_id = t.page_id and c.id = t.conversation_id
      join pancake.pages p on p.id = t.page_id
      where c.updated_at is not null
      group by 1, 2, 3`,
  },
  {
    name: 'daily_calls',
    comment: 'Per page and local day: calls, how many were completed, and their total and average duration in seconds.',
    body: `
      select l.page_id, ${LOCAL_DAY('l.start_time')} as day, count(*)::int as calls,
             count(*) filter (where l.status = 'completed')::int as completed_calls,
             coalesce(sum(l.duration_seconds), 0)::int as total_duration_seconds,
             avg(l.duration_seconds)::numeric(10, 1) as average_duration_seconds
      from pancake.call_logs l join pancake.pages p on p.id = l.page_id
      where l.start_time is not null
      group by 1, 2`,
  },
];

/** The views of this version; 0008's down puts them back. */
export async function createViews(db: Kysely<unknown>): Promise<void> {
  for (const view of VIEWS) {
    await sql.raw(`create view pancake_analytics.${view.name} as ${view.body}`).execute(db);
    await sql.raw(`comment on view pancake_analytics.${view.name} is '${view.comment.replace(/'/g, "''")}'`).execute(db);
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create schema if not exists pancake_analytics`.execute(db);
  await sql`comment on schema pancake_analytics is 'Views over the pancake schema that answer the common questions; each view''s comment gives its definition.'`.execute(db);
  await createViews(db);

  // Roles are cluster-wide: several databases (or two processes) may race to create it, and a
  // managed server may not let the migrating user create roles at all. Then the views still come,
  // and an administrator creates the role (see README).
  await sql`
    do $$
    begin
      begin
        create role pancake_reader nologin;
      exception
        when duplicate_object or unique_violation then null;
        when insufficient_privilege then
          raise warning 'pancake-sync: cannot create role pancake_reader (no CREATEROLE); ask an administrator to run: create role pancake_reader nologin';
      end;
      if exists (select from pg_roles where rolname = 'pancake_reader') then
        grant usage on schema pancake, pancake_analytics to pancake_reader;
        grant select on all tables in schema pancake, pancake_analytics to pancake_reader;
        -- Tables and views that later migrations create are readable too.
        alter default privileges in schema pancake grant select on tables to pancake_reader;
        alter default privileges in schema pancake_analytics grant select on tables to pancake_reader;
      end if;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop schema pancake_analytics cascade`.execute(db);
  await sql`
    do $$ begin
      if exists (select from pg_roles where rolname = 'pancake_reader') then
        alter default privileges in schema pancake revoke select on tables from pancake_reader;
        revoke all on all tables in schema pancake from pancake_reader;
        revoke usage on schema pancake from pancake_reader;
      end if;
    end $$`.execute(db);
}
