// COMMENT ON text for 0013_pancake_names (Metabase shows them as descriptions): the tables and columns
// it adds, and the ones whose meaning it changes. Frozen with the migration like any DDL.

const PAGE_ID = 'Page the row belongs to (pancake.pages.id).';
const DAY = 'Local day in the page\'s time zone (the page\'s own timezone, or PANCAKE_TIMEZONE): group by this for daily numbers.';
const SYNCED_AT = 'When pancake-sync last wrote this row.';
const CONVERSATION = 'Conversation (pancake.conversations.id, joined on page_id and conversation_id).';
const ONE_DAY = (endpoint: string) => `Instant (UTC) the local day began; the row holds what statistics/${endpoint} answered for that one day.`;
const EDITOR_ID = 'Employee who made the change (pancake.page_users.id), when the entry names one.';
const EDITOR_NAME = 'Name of that employee, as the entry gives it.';
const MONEY = 'In the ad account\'s currency (see currency).';

export const NAMES_COMMENTS: Array<[string, string]> = [
  // stats_engagement: series by Pancake's own names.
  ['table pancake.stats_engagement', 'Customer engagement per page (Pancake statistics "customer_engagements"), one row per local day and one per hour, every series by the name Pancake gives it: the known ones as columns, all of them in series. The last STATS_LOOKBACK_DAYS days are re-read on every run.'],
  ['column pancake.stats_engagement.new_customer_replied', 'Series new_customer_replied: new customers the page replied to.'],
  ['column pancake.stats_engagement.order_count', 'Series order_count: orders created.'],
  ['column pancake.stats_engagement.old_order_count', 'Series old_order_count: orders from returning customers.'],
  ['column pancake.stats_engagement.series', 'Every series of the answer for this day or hour, by its own name ({"inbox": 12, "new_customer_replied": 3, ...}), including series without a column of their own.'],
  ['column pancake.stats_pages.order_count', 'Orders, when the answer carries order_count (shops with orders); null otherwise.'],

  ['table pancake.stats_users_engagements', 'Engagement per employee and local day: the users_engagements part of Pancake statistics "customer_engagements", read one day at a time (the answer sums over the whole requested range). The last STATS_LOOKBACK_DAYS days are re-read on every run.'],
  ['column pancake.stats_users_engagements.page_id', PAGE_ID],
  ['column pancake.stats_users_engagements.day', DAY],
  ['column pancake.stats_users_engagements.user_id', 'Employee (pancake.page_users.id; pancake.stats_users.user_id, pancake.messages.sender_user_id).'],
  ['column pancake.stats_users_engagements.period_start', ONE_DAY('customer_engagements')],
  ['column pancake.stats_users_engagements.user_name', 'Employee name as the answer gives it.'],
  ['column pancake.stats_users_engagements.inbox_count', 'Measure inbox_count: inbox conversations the employee engaged in.'],
  ['column pancake.stats_users_engagements.comment_count', 'Measure comment_count: comment threads the employee engaged in.'],
  ['column pancake.stats_users_engagements.total_engagement', 'Measure total_engagement.'],
  ['column pancake.stats_users_engagements.customer_engagement_new_inbox', 'Measure customer_engagement_new_inbox: customers who opened a new inbox conversation with the employee.'],
  ['column pancake.stats_users_engagements.new_customer_replied_count', 'Measure new_customer_replied_count: new customers the employee replied to.'],
  ['column pancake.stats_users_engagements.order_count', 'Measure order_count: orders the employee created.'],
  ['column pancake.stats_users_engagements.old_order_count', 'Measure old_order_count: orders from returning customers.'],
  ['column pancake.stats_users_engagements.measures', 'Every measure of the entry by its own name, including measures without a column of their own.'],
  ['column pancake.stats_users_engagements.raw', 'The employee\'s entry of users_engagements as received.'],
  ['column pancake.stats_users_engagements.synced_at', SYNCED_AT],

  // stats_ads: keyed so that two ads never fold into one row.
  ['table pancake.stats_ads', 'Facebook ads delivery per page, ad and local day (Pancake statistics "ads", by_id, read one day at a time). One row per entry of the answer: ads are keyed by their id, and where the answer has none (the official description lists none) by campaign, ad set and name, numbered when two ads share them, so two ads of one name keep two rows. Money is in the ad account\'s currency.'],
  ['column pancake.stats_ads.ad_key', 'The ad within the day: its id when the answer gives one (ad_id or id), else "campaign:…/adset:…/name:…" from what it gives, with "#2", "#3" for further ads that share it. Without an id the same ad may get another key on another day.'],
  ['column pancake.stats_ads.ad_id', 'Facebook ad id (ad_id, else id); null when the answer names none. Joins pancake.ad_clicks.ad_id and pancake.messages.ad_id.'],
  ['column pancake.stats_ads.clicks', 'Clicks that day (clicks, else link_click).'],

  ['table pancake.stats_campaigns', 'Ad campaigns per page and local day (Pancake statistics "pages_campaigns", read one day at a time): budgets, spend, clicks and results. One row per entry of the answer: a campaign, or an ad set or ad of it when the answer splits it. Money is in the ad account\'s currency.'],
  ['column pancake.stats_campaigns.page_id', PAGE_ID],
  ['column pancake.stats_campaigns.day', DAY],
  ['column pancake.stats_campaigns.campaign_key', 'The entry within the day: the campaign id, with "/adset:…" and "/ad:…" when the answer splits the campaign; without an id, "name:…"; "#2", "#3" for further entries that share it.'],
  ['column pancake.stats_campaigns.period_start', ONE_DAY('pages_campaigns')],
  ['column pancake.stats_campaigns.campaign_id', 'Campaign id (pancake.stats_ads.campaign_id).'],
  ['column pancake.stats_campaigns.campaign_name', 'Campaign name.'],
  ['column pancake.stats_campaigns.account_id', 'Ad account id.'],
  ['column pancake.stats_campaigns.adset_id', 'Ad set of the entry, when the answer gives one (pancake.stats_ads.adset_id).'],
  ['column pancake.stats_campaigns.ad_id', 'Ad of the entry, when the answer gives one (pancake.stats_ads.ad_id, pancake.ad_clicks.ad_id).'],
  ['column pancake.stats_campaigns.status', 'Status when synced (ACTIVE, PAUSED, ...).'],
  ['column pancake.stats_campaigns.currency', 'Currency of the money columns (e.g. VND).'],
  ['column pancake.stats_campaigns.daily_budget', `Daily budget. ${MONEY}`],
  ['column pancake.stats_campaigns.lifetime_budget', `Lifetime budget. ${MONEY}`],
  ['column pancake.stats_campaigns.budget_remaining', `Budget left when synced. ${MONEY}`],
  ['column pancake.stats_campaigns.spend', `Amount spent that day. ${MONEY}`],
  ['column pancake.stats_campaigns.ctr', 'Click-through rate that day, in percent, as the answer gives it.'],
  ['column pancake.stats_campaigns.cpc', `Cost per click that day. ${MONEY}`],
  ['column pancake.stats_campaigns.cpm', `Cost per thousand impressions that day. ${MONEY}`],
  ['column pancake.stats_campaigns.purchases', 'Purchases the ad platform attributes to the campaign that day.'],
  ['column pancake.stats_campaigns.results', 'Results (the campaign\'s objective) that day, when the answer gives them.'],
  ['column pancake.stats_campaigns.impressions', 'Impressions that day.'],
  ['column pancake.stats_campaigns.reach', 'People reached that day.'],
  ['column pancake.stats_campaigns.clicks', 'Link clicks that day (link_click, else clicks).'],
  ['column pancake.stats_campaigns.raw', 'The entry as received.'],
  ['column pancake.stats_campaigns.synced_at', SYNCED_AT],

  ['table pancake.stats_customer_feedbacks', 'Customer ratings per page, local day and star (Pancake statistics "customer_feedbacks", one request per day). Opt-in: the request is a guess (seen in one public client, not in Pancake\'s API description), and so is the answer\'s shape.'],
  ['column pancake.stats_customer_feedbacks.page_id', PAGE_ID],
  ['column pancake.stats_customer_feedbacks.day', DAY],
  ['column pancake.stats_customer_feedbacks.rating', 'Stars, 1 to 5.'],
  ['column pancake.stats_customer_feedbacks.period_start', ONE_DAY('customer_feedbacks')],
  ['column pancake.stats_customer_feedbacks.feedbacks', 'Ratings of that many stars given that day.'],
  ['column pancake.stats_customer_feedbacks.raw', 'The ratings of that star (when the answer lists them), or the whole answer (when it gives counts per star).'],
  ['column pancake.stats_customer_feedbacks.synced_at', SYNCED_AT],

  // Messages: AI and automated replies, attachments.
  ['column pancake.messages.sender_kind',
    'Who sent the message: customer (from is not the page, in any form the channel writes its id in); employee (the page, with an admin name: a person in Pancake); bot (a bot flow such as Botcake: admin name "Botcake" or a flow_id; or an AI or automated reply sent under an employee\'s account: ai_generated or is_automated); page_notice (the page without an admin: automatic greetings, away messages, platform notices); ad_click (not a message: the moment the customer opened the conversation from an ad, id "ad-…"). Reply counts and response times use employee only.'],
  ['column pancake.messages.sender_user_id', 'Pancake user id of the employee who sent it (sender_kind employee; null on a few template cards), or of the employee account an AI or automated reply was sent under (sender_kind bot with ai_generated or is_automated).'],
  ['column pancake.messages.ai_generated', 'from.ai_generated: true for a reply an AI wrote under an employee\'s account (then sender_kind is bot); null when the message does not say.'],
  ['column pancake.messages.is_automated', 'from.is_automated: true for an automated reply sent under an employee\'s account (then sender_kind is bot); null when the message does not say.'],

  ['table pancake.message_attachments', 'Every attachment of every message, one row each, typed: photos, videos, files (which come without a type), templates, reactions, quotes, ad clicks. Links on the platform\'s CDN stop working after about two days: url says where the media was.'],
  ['column pancake.message_attachments.page_id', PAGE_ID],
  ['column pancake.message_attachments.message_id', 'Message (pancake.messages.id, joined on page_id).'],
  ['column pancake.message_attachments.position', 'Place of the attachment in the message, from 1.'],
  ['column pancake.message_attachments.conversation_id', CONVERSATION],
  ['column pancake.message_attachments.type', 'photo, video, file, template, reaction, replied_message, address, ad_click, ...: the attachment\'s type, or file for one that has none but carries a file (file_url, mime_type).'],
  ['column pancake.message_attachments.url', 'Where the media is: a video\'s playable video_data.url, else url, else file_url.'],
  ['column pancake.message_attachments.thumbnail_url', 'A video\'s thumbnail (its url, when video_data.url is the playable one).'],
  ['column pancake.message_attachments.mime_type', 'MIME type of a file, when given.'],
  ['column pancake.message_attachments.size', 'Size of a file in bytes, when given.'],
  ['column pancake.message_attachments.name', 'File name, when given.'],
  ['column pancake.message_attachments.raw', 'The attachment as received.'],
  ['column pancake.message_attachments.synced_at', SYNCED_AT],

  // Histories.
  ['table pancake.conversation_tag_events', 'Every entry of each conversation\'s tag history (tag_histories): who added or removed which tag when. Replaced with the conversation; a conversation sent without its history keeps the events stored before.'],
  ['column pancake.conversation_tag_events.page_id', PAGE_ID],
  ['column pancake.conversation_tag_events.conversation_id', CONVERSATION],
  ['column pancake.conversation_tag_events.position', 'Place of the entry in the history, from 1 (oldest first as the API sends it).'],
  ['column pancake.conversation_tag_events.at', 'When the tag was added or removed (UTC).'],
  ['column pancake.conversation_tag_events.action', 'add or remove, as the entry says.'],
  ['column pancake.conversation_tag_events.tag_id', 'Tag (pancake.tags.id, joined on page_id and tag_id); null for an entry whose tag is gone ("Tag removed").'],
  ['column pancake.conversation_tag_events.tag_text', 'Tag label as the entry gives it.'],
  ['column pancake.conversation_tag_events.editor_id', EDITOR_ID],
  ['column pancake.conversation_tag_events.editor_name', EDITOR_NAME],
  ['column pancake.conversation_tag_events.raw', 'The history entry as received.'],
  ['column pancake.conversation_tag_events.synced_at', SYNCED_AT],

  ['table pancake.conversation_assignment_events', 'Who was assigned to each conversation when, from its assignee history (assignee_histories): one row per user an entry assigned or unassigned. Replaced with the conversation; a conversation sent without its history keeps the events stored before.'],
  ['column pancake.conversation_assignment_events.page_id', PAGE_ID],
  ['column pancake.conversation_assignment_events.conversation_id', CONVERSATION],
  ['column pancake.conversation_assignment_events.position', 'Place of the entry in the history, from 1.'],
  ['column pancake.conversation_assignment_events.user_id', 'Employee assigned or unassigned (pancake.page_users.id).'],
  ['column pancake.conversation_assignment_events.action', 'assigned or unassigned.'],
  ['column pancake.conversation_assignment_events.at', 'When (UTC).'],
  ['column pancake.conversation_assignment_events.user_name', 'Name of the employee, as the entry gives it.'],
  ['column pancake.conversation_assignment_events.editor_id', EDITOR_ID],
  ['column pancake.conversation_assignment_events.editor_name', EDITOR_NAME],
  ['column pancake.conversation_assignment_events.raw', 'The history entry as received (an entry naming several users gives several rows).'],
  ['column pancake.conversation_assignment_events.synced_at', SYNCED_AT],
  ['table pancake.conversation_assignees', 'Which employees each conversation is assigned to now: one row per conversation and user, replaced whenever the conversation is synced. From assignee_ids; where the API sends none (the official WhatsApp example), from current_assign_users, else from the assignee history (each user\'s last event).'],
  ['column pancake.conversation_assignees.raw', 'The employee entry of current_assign_users, the user the assignee history names, or just the id when the API sent neither.'],

  // Phone numbers.
  ['table pancake.customer_phone_numbers', 'Every phone number of each page customer, one row each, in the order of the record (pancake.customers.phone_number is the first one).'],
  ['column pancake.customer_phone_numbers.page_id', PAGE_ID],
  ['column pancake.customer_phone_numbers.page_customer_id', 'Page customer (pancake.customers.id, joined on page_id).'],
  ['column pancake.customer_phone_numbers.phone_number', 'The phone number as entered (trimmed).'],
  ['column pancake.customer_phone_numbers.position', 'Place of the number on the record, from 1.'],
  ['column pancake.customer_phone_numbers.raw', 'The entry as received: a string, or an object carrying phone_number.'],
  ['column pancake.customer_phone_numbers.synced_at', SYNCED_AT],
  ['column pancake.conversation_details.phone_numbers', 'Phone numbers found in the conversation (conv_phone_numbers, then recent_phone_numbers, whose entries are strings or objects carrying phone_number), comma-separated.'],
];
