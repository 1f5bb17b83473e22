import { sql, type Kysely } from 'kysely';

// What real shops send that the first schema did not model: who sent each message (customers,
// employees, bots, automatic page notices, ad-click entries), which ad brought a customer, and the
// rest of the messages answer per conversation.

const SENDER_KINDS = ['customer', 'employee', 'bot', 'page_notice', 'ad_click'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table pancake.messages add column sender_kind text, add column ad_id text`.execute(db);
  await sql.raw(`alter table pancake.messages add constraint messages_sender_kind_check check (sender_kind in (${SENDER_KINDS.map((k) => `'${k}'`).join(', ')}))`).execute(db);

  // Rows stored before this migration get the same classification the sync now applies
  // (src/sync/streams/message-rows.ts), so that analytics need no re-sync.
  await sql`
    update pancake.messages m set sender_kind = case
      when m.id like 'ad-%' or jsonb_path_exists(m.raw, '$.attachments[*] ? (@.type == "ad_click")') then 'ad_click'
      when m.from_id is null then null
      when m.from_id <> m.page_id and m.raw->'from'->>'admin_name' is null and m.raw->'from'->>'uid' is null and m.raw->'from'->'flow_id' is null then 'customer'
      when m.raw->'from'->'flow_id' is not null or m.raw->'from'->>'admin_name' ilike 'botcake' then 'bot'
      when m.raw->'from'->>'admin_name' is not null then 'employee'
      else 'page_notice' end`.execute(db);
  await sql`update pancake.messages set is_from_page = sender_kind <> 'customer' where sender_kind is not null`.execute(db);
  await sql`update pancake.messages set sender_user_id = null where sender_kind is distinct from 'employee' and sender_user_id is not null`.execute(db);
  await sql`update pancake.messages set sender_admin_name = null where sender_kind not in ('employee', 'bot') and sender_admin_name is not null`.execute(db);
  await sql`create index messages_page_kind_idx on pancake.messages (page_id, sender_kind, inserted_at)`.execute(db);

  // Earlier versions ended a conversation's message walk once `message_count` ids were seen, but
  // the API leaves ad-click entries out of that count: conversations with ad clicks may miss their
  // oldest messages while marked complete. Only conversations with ads are affected; they are walked
  // again in full by the next run.
  await sql`
    update pancake.conversation_message_state s set synced_updated_at = null, history_complete = false
    from pancake.conversations c
    where c.page_id = s.page_id and c.id = s.conversation_id
      and (jsonb_typeof(c.raw->'ads') = 'array' and jsonb_array_length(c.raw->'ads') > 0
        or jsonb_typeof(c.raw->'ad_ids') = 'array' and jsonb_array_length(c.raw->'ad_ids') > 0)`.execute(db);

  await sql`
    create table pancake.ad_clicks (
      page_id text not null,
      conversation_id text not null,
      ad_id text not null,
      clicked_at timestamptz not null,
      customer_id text,
      post_id text,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      primary key (page_id, conversation_id, ad_id, clicked_at)
    )`.execute(db);
  await sql`create index ad_clicks_page_ad_idx on pancake.ad_clicks (page_id, ad_id, clicked_at)`.execute(db);
  await sql`create index ad_clicks_page_clicked_idx on pancake.ad_clicks (page_id, clicked_at)`.execute(db);

  await sql`
    create table pancake.conversation_details (
      page_id text not null,
      conversation_id text not null,
      customer_id text,
      phone_numbers text,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      primary key (page_id, conversation_id)
    )`.execute(db);

  const comments: Array<[string, string]> = [
    ['column pancake.messages.sender_kind',
      'Who sent the message: customer (from is not the page); employee (the page, with an admin name: a person in Pancake); bot (the page, sent by a bot flow such as Botcake: admin name "Botcake" or a flow_id); page_notice (the page without an admin: automatic greetings, away messages, platform notices); ad_click (not a message: the moment the customer opened the conversation from an ad, id "ad-…"). Reply counts and response times use employee only.'],
    ['column pancake.messages.is_from_page', 'True for everything the page side sent (employee, bot, page_notice, ad_click); see sender_kind.'],
    ['column pancake.messages.sender_user_id', 'Pancake user id of the employee who sent it (sender_kind employee only; null on a few template cards).'],
    ['column pancake.messages.sender_admin_name', 'Name of the employee (sender_kind employee) or of the bot (sender_kind bot, e.g. Botcake).'],
    ['column pancake.messages.ad_id', 'For ad_click entries: the ad the customer came from (joins pancake.ad_clicks.ad_id and pancake.stats_ads.ad_id).'],
    ['column pancake.messages.type', 'INBOX, COMMENT or RATING: the kind of conversation the message belongs to.'],
    ['column pancake.conversations.type', 'INBOX (messages), COMMENT (a comment thread under a post), RATING (a page review) or LIVESTREAM.'],
    ['column pancake.conversations.message_count', 'Messages the API reports for the conversation. It leaves out ad-click entries, so it can be lower than the rows in pancake.messages.'],
    ['table pancake.ad_clicks', 'Each time a customer opened a conversation from an ad: from the conversation list (ads) and the messages answer (ad_clicks). Join stats_ads on (page_id, ad_id) for spend.'],
    ['column pancake.ad_clicks.page_id', 'Page of the conversation (pancake.pages.id).'],
    ['column pancake.ad_clicks.conversation_id', 'Conversation the customer opened (pancake.conversations.id).'],
    ['column pancake.ad_clicks.ad_id', 'The ad clicked (pancake.stats_ads.ad_id).'],
    ['column pancake.ad_clicks.clicked_at', 'When the customer clicked the ad and opened the conversation (UTC).'],
    ['column pancake.ad_clicks.customer_id', 'Page customer id of the person who clicked (pancake.customers.id; the conversation\'s page_customer.id).'],
    ['column pancake.ad_clicks.post_id', 'The ad\'s post, <page_id>_<post_id> (pancake.posts.id once posts are synced); sometimes null.'],
    ['column pancake.ad_clicks.raw', 'The click as the API sent it.'],
    ['column pancake.ad_clicks.synced_at', 'When pancake-sync last wrote this row.'],
    ['table pancake.conversation_details', 'Per conversation, the messages answer without its messages (customer profile, notes, recent orders, phone numbers, ad clicks, activities, …), as of the latest walk.'],
    ['column pancake.conversation_details.page_id', 'Page of the conversation (pancake.pages.id).'],
    ['column pancake.conversation_details.conversation_id', 'The conversation (pancake.conversations.id).'],
    ['column pancake.conversation_details.customer_id', 'Pancake customer id of the conversation\'s customer.'],
    ['column pancake.conversation_details.phone_numbers', 'Phone numbers found in the conversation (conv_phone_numbers), comma-separated.'],
    ['column pancake.conversation_details.raw', 'The messages answer without messages and app: notes, recent_orders, reports_by_phone, activities, customers, read_watermarks, … as the API sent them.'],
    ['column pancake.conversation_details.synced_at', 'When pancake-sync last wrote this row.'],
  ];
  for (const [target, text] of comments) {
    await sql.raw(`comment on ${target} is '${text.replace(/'/g, "''")}'`).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table pancake.conversation_details`.execute(db);
  await sql`drop table pancake.ad_clicks`.execute(db);
  await sql`drop index pancake.messages_page_kind_idx`.execute(db);
  await sql`alter table pancake.messages drop column sender_kind, drop column ad_id`.execute(db);
}
