// COMMENT ON text added by 0008_analytics: the bookkeeping columns that had none, the page zone,
// and the joins without a foreign key, described on both sides so that an analyst finds them from
// either table. Frozen with the migration like any DDL.

const PAGE_JOIN = 'Page (pancake.pages.id).';

export const MODEL_COMMENTS: Array<[string, string]> = [
  ['column pancake.pages.id', 'Page id (the platform page id, or a channel id such as web_…). Every table\'s page_id refers to it; there is no foreign key, because a page given only in PANCAKE_PAGE_TOKENS may be synced before it has a row here.'],
  ['column pancake.pages.zone', 'Time zone of the page\'s local days as pancake-sync applied it in its latest run: PANCAKE_TIMEZONE when set, else the page\'s own timezone as a fixed offset (UTC+7), else the default zone. The pancake_analytics views and the stats_* tables use it.'],

  ['column pancake.sync_state.page_id', PAGE_JOIN],
  ['column pancake.sync_state.stream', 'Stream name (conversations, messages, customers, ...; see `pancake-sync status`).'],
  ['column pancake.sync_state.updated_at', 'When this row last changed.'],
  ['column pancake.conversation_message_state.page_id', PAGE_JOIN],
  ['column pancake.conversation_message_state.conversation_id', 'Conversation (pancake.conversations.id).'],
  ['column pancake.conversation_message_state.updated_at', 'When this row last changed.'],
  ['column pancake.sync_runs.id', 'Run number, increasing.'],
  ['column pancake.sync_runs.started_at', 'When the run started.'],
  ['column pancake.sync_runs.finished_at', 'When the run ended; null while running (or when the process died).'],
  ['column pancake.sync_runs.options', 'What the run was asked for: streams, pages, since/until.'],
  ['column pancake.sync_runs.host', 'Host name of the machine that ran it.'],
  ['column pancake.sync_runs.pid', 'Process id of the run on that host.'],
  ['column pancake.sync_locks.page_id', PAGE_JOIN],
  ['column pancake.sync_locks.stream', 'Stream the lock is for (conversations, messages, customers, ...).'],

  // Joins without a foreign key (the referenced row may come later, or is not unique): both sides.
  ['column pancake.tags.id', 'Tag id (text: the API sends numbers here and strings in statistics). pancake.conversation_tags.tag_id and pancake.stats_tags.tag_id refer to it, joined on (page_id, tag_id).'],
  ['column pancake.conversation_tags.tag_id', 'Tag (pancake.tags.id, joined on page_id and tag_id; no foreign key: the tag list is another stream and may arrive later).'],
  ['column pancake.stats_tags.tag_id', 'Tag id (pancake.tags.id as text, joined on page_id and tag_id); the tag text when the API keyed the series by text and no id matched.'],
  ['column pancake.page_users.id', 'User id (uuid). pancake.messages.sender_user_id, pancake.conversation_assignees.user_id and pancake.stats_users.user_id refer to it, joined on page_id.'],
  ['column pancake.conversation_assignees.user_id', 'Assigned employee (pancake.page_users.id, joined on page_id and user_id; no foreign key: users are another stream).'],
  ['column pancake.messages.sender_user_id', 'Pancake user id of the employee who sent it (sender_kind employee only; null on a few template cards): pancake.page_users.id, joined on page_id.'],
  ['column pancake.stats_users.user_id', 'Pancake user (employee) id: pancake.page_users.id and pancake.messages.sender_user_id, joined on page_id.'],
  ['column pancake.conversations.customer_id', 'Pancake customer id of the person the page talks with: pancake.customers.customer_id, joined on page_id (not unique there).'],
  ['column pancake.customers.customer_id', 'Pancake customer id across pages; pancake.conversations.customer_id and pancake.ad_clicks.customer_id refer to it, joined on page_id.'],
  ['column pancake.customers.phone_number', 'First phone number on the customer record (Vietnamese mobile numbers look like 09xxxxxxxx); pancake.call_logs.customer_phone joins here.'],
  ['column pancake.conversations.post_id', 'Post a comment conversation belongs to (pancake.posts.id, joined on page_id; posts are another stream); null for inbox.'],
  ['column pancake.posts.id', 'Post id (<page_id>_<post>); pancake.conversations.post_id and pancake.ad_clicks.post_id refer to it, joined on page_id.'],
  ['column pancake.stats_ads.ad_id', 'Facebook ad id; pancake.ad_clicks.ad_id and pancake.messages.ad_id refer to it, joined on page_id (one row per ad and day here).'],
  ['column pancake.conversations.id', 'Conversation id: <page_id>_<psid> for inbox, a post/comment id for comments. Messages, tags, assignees, details and ad clicks refer to it by (page_id, conversation_id) with foreign keys; pancake.customers.thread_id names the inbox one.'],
];

/** What the pancake_private tables behind the views hold (they are not for analysts). */
export const MART_COMMENTS: Array<[string, string]> = [
  ['schema pancake_private', 'pancake-sync\'s own tables: secrets (encrypted page tokens), the migration log, and the summaries behind the pancake_analytics views (which read them with their owner\'s rights). Not for analysts: no reader role is granted access.'],
  ['table pancake_private.analytics_dirty', 'What changed since the last analytics refresh: conversations and spans of instants per page, noted by triggers on the source tables; consumed by the refresh.'],
  ['table pancake_private.analytics_pages', 'Per page: the zone its summaries were built with (a new zone rebuilds them) and when they were last refreshed.'],
  ['table pancake_private.analytics_conversations', 'Per conversation: start, who started it, first customer message, first employee, bot and notice replies, latest sender.'],
  ['table pancake_private.analytics_conversation_days', 'Per conversation and local day: messages by sender kind.'],
  ['table pancake_private.analytics_conversation_hours', 'Per conversation, local day and hour: messages by sender kind.'],
  ['table pancake_private.analytics_employee_days', 'Per employee, conversation and local day: messages the employee sent.'],
  ['table pancake_private.analytics_tag_events', 'Every entry of every conversation\'s tag history, with its local day.'],
  ['table pancake_private.analytics_customer_days', 'Per local day: new customer records and customers whose first conversation started.'],
  ['table pancake_private.analytics_call_days', 'Per local day and direction: calls, answered calls, talk time.'],
  ['table pancake_private.analytics_ad_days', 'Per local day and ad: conversation openings, conversations and new customers from ad clicks.'],
];
