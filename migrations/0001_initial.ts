import { sql, type Kysely } from 'kysely';

// The walking skeleton's tables: pages, conversations, messages and the bookkeeping that makes runs
// resumable. Every key leads with page_id so that the tables can later be distributed by page
// (Citus requires the distribution column in every primary key).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create schema if not exists pancake`.execute(db);
  await sql`comment on schema pancake is 'Data copied from Pancake (pages.fm) by pancake-sync. One table per API stream; raw holds the record as received.'`.execute(db);

  await sql`
    create table pancake.pages (
      id text primary key,
      name text,
      platform text,
      timezone_offset_hours numeric(4, 2),
      is_activated boolean,
      inserted_at timestamptz,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db);

  await sql`
    create table pancake.conversations (
      page_id text not null,
      id text not null,
      type text,
      customer_id text,
      customer_name text,
      customer_psid text,
      inserted_at timestamptz,
      updated_at timestamptz,
      message_count integer,
      snippet text,
      seen boolean,
      has_phone boolean,
      post_id text,
      last_sent_by_id text,
      last_sent_by_name text,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      primary key (page_id, id)
    )`.execute(db);
  await sql`create index conversations_page_updated_idx on pancake.conversations (page_id, updated_at)`.execute(db);
  await sql`create index conversations_customer_idx on pancake.conversations (page_id, customer_id)`.execute(db);

  await sql`
    create table pancake.messages (
      page_id text not null,
      id text not null,
      conversation_id text not null,
      inserted_at timestamptz,
      from_id text,
      from_name text,
      is_from_page boolean,
      sender_user_id text,
      sender_admin_name text,
      text text,
      type text,
      attachment_count integer,
      has_phone boolean,
      is_hidden boolean,
      is_removed boolean,
      raw jsonb not null,
      synced_at timestamptz not null default now(),
      primary key (page_id, id)
    )`.execute(db);
  await sql`create index messages_conversation_idx on pancake.messages (page_id, conversation_id, inserted_at)`.execute(db);

  // Per conversation: the conversation version whose messages are all stored. A conversation whose
  // updated_at moved past synced_updated_at has new messages to fetch.
  await sql`
    create table pancake.conversation_message_state (
      page_id text not null,
      conversation_id text not null,
      synced_updated_at timestamptz,
      history_complete boolean not null default false,
      updated_at timestamptz not null default now(),
      primary key (page_id, conversation_id)
    )`.execute(db);

  await sql`
    create table pancake.sync_state (
      page_id text not null,
      stream text not null,
      covered_from timestamptz,
      watermark timestamptz,
      cursor jsonb,
      updated_at timestamptz not null default now(),
      primary key (page_id, stream)
    )`.execute(db);

  await sql`
    create table pancake.sync_runs (
      id bigint generated always as identity primary key,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      status text not null default 'running',
      options jsonb not null default '{}',
      counts jsonb not null default '{}',
      errors jsonb not null default '[]',
      requests integer not null default 0,
      host text,
      pid integer
    )`.execute(db);

  const comments: Array<[string, string]> = [
    ['table pancake.pages', 'Pancake pages (Facebook/Instagram/Zalo pages) the token can read. Full snapshot each run; a page that disappears keeps its row with deleted_at set.'],
    ['column pancake.pages.id', 'Page id (the platform page id).'],
    ['column pancake.pages.name', 'Page name as shown in Pancake.'],
    ['column pancake.pages.platform', 'facebook, instagram, zalo, ...'],
    ['column pancake.pages.timezone_offset_hours', 'The page\'s own time zone as hours from UTC; day boundaries of its statistics use it.'],
    ['column pancake.pages.is_activated', 'Whether the page is activated in Pancake.'],
    ['column pancake.pages.inserted_at', 'When the page was added to Pancake (UTC).'],
    ['column pancake.pages.raw', 'The page object as the API sent it.'],
    ['column pancake.pages.synced_at', 'When pancake-sync last wrote this row.'],
    ['column pancake.pages.deleted_at', 'Set when the page no longer appears in the API\'s page list.'],
    ['table pancake.conversations', 'Conversations (inbox threads and comment threads) of each page. One row per conversation, updated as it changes.'],
    ['column pancake.conversations.page_id', 'Page the conversation belongs to (pancake.pages.id).'],
    ['column pancake.conversations.id', 'Conversation id: <page_id>_<psid> for inbox, a post/comment id for comments.'],
    ['column pancake.conversations.type', 'INBOX, COMMENT or LIVESTREAM.'],
    ['column pancake.conversations.customer_id', 'Pancake customer id of the person the page talks with.'],
    ['column pancake.conversations.customer_name', 'Name of that customer.'],
    ['column pancake.conversations.customer_psid', 'Page-scoped id of the customer on the platform.'],
    ['column pancake.conversations.inserted_at', 'When the conversation started (UTC).'],
    ['column pancake.conversations.updated_at', 'Last activity in the conversation (UTC).'],
    ['column pancake.conversations.message_count', 'Number of messages the API reports for the conversation.'],
    ['column pancake.conversations.snippet', 'Text of the latest message.'],
    ['column pancake.conversations.seen', 'Whether the page has read the latest customer message.'],
    ['column pancake.conversations.has_phone', 'Whether the customer left a phone number in the conversation.'],
    ['column pancake.conversations.post_id', 'Post a comment conversation belongs to; null for inbox.'],
    ['column pancake.conversations.last_sent_by_id', 'Id of whoever sent the latest message (the page id for page replies).'],
    ['column pancake.conversations.last_sent_by_name', 'Name of whoever sent the latest message (the employee for page replies).'],
    ['column pancake.conversations.raw', 'The conversation object as the API sent it.'],
    ['column pancake.conversations.synced_at', 'When pancake-sync last wrote this row.'],
    ['table pancake.messages', 'Every message of every synced conversation, customer and page alike.'],
    ['column pancake.messages.page_id', 'Page the message belongs to (pancake.pages.id).'],
    ['column pancake.messages.id', 'Message id (m_...).'],
    ['column pancake.messages.conversation_id', 'Conversation of the message (pancake.conversations.id).'],
    ['column pancake.messages.inserted_at', 'When the message was sent (UTC).'],
    ['column pancake.messages.from_id', 'Sender id: the customer\'s id, or the page id for page replies.'],
    ['column pancake.messages.from_name', 'Sender name.'],
    ['column pancake.messages.is_from_page', 'True when the page (an employee or a bot) sent the message.'],
    ['column pancake.messages.sender_user_id', 'Pancake user (employee) who sent a page reply, when known.'],
    ['column pancake.messages.sender_admin_name', 'Name of the employee who sent a page reply, when known.'],
    ['column pancake.messages.text', 'Plain text of the message (the API\'s original_message); the HTML version is in raw.message.'],
    ['column pancake.messages.type', 'INBOX or COMMENT.'],
    ['column pancake.messages.attachment_count', 'Number of attachments (images, files, stickers).'],
    ['column pancake.messages.has_phone', 'Whether the message contains a phone number.'],
    ['column pancake.messages.is_hidden', 'Whether the message (a comment) is hidden.'],
    ['column pancake.messages.is_removed', 'Whether the message was removed.'],
    ['column pancake.messages.raw', 'The message object as the API sent it.'],
    ['column pancake.messages.synced_at', 'When pancake-sync last wrote this row.'],
    ['table pancake.conversation_message_state', 'Bookkeeping: which conversation version has all its messages stored.'],
    ['column pancake.conversation_message_state.synced_updated_at', 'The conversation updated_at whose messages are all stored.'],
    ['column pancake.conversation_message_state.history_complete', 'True once the whole message history back to the first message is stored.'],
    ['table pancake.sync_state', 'Bookkeeping: per page and stream, the range already copied and where an interrupted walk resumes.'],
    ['column pancake.sync_state.covered_from', 'Start of the time range this stream has copied without gaps.'],
    ['column pancake.sync_state.watermark', 'End of that range: everything updated before it is in the warehouse.'],
    ['column pancake.sync_state.cursor', 'Position inside the window being walked, for resuming after a crash.'],
    ['table pancake.sync_runs', 'One row per sync run: options, outcome, counts per page and stream, errors.'],
    ['column pancake.sync_runs.status', 'running, succeeded, partial (some page/stream failed), failed.'],
    ['column pancake.sync_runs.counts', 'Records read and rows written, per page and stream.'],
    ['column pancake.sync_runs.errors', 'Failures: page, stream, error kind and message (tokens masked).'],
    ['column pancake.sync_runs.requests', 'API requests the run made, retries included.'],
  ];
  for (const [target, text] of comments) {
    await sql.raw(`comment on ${target} is '${text.replace(/'/g, "''")}'`).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop schema pancake cascade`.execute(db);
}
