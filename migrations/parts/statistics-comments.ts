// COMMENT ON text for the tables of 0003_statistics (Metabase shows them as descriptions). Kept apart
// from the DDL so each file reads at one sitting; frozen with the migration like any DDL.

const PAGE_ID = 'Page the statistics belong to (pancake.pages.id).';
const DAY = 'Local day in the page\'s time zone (the page\'s own timezone, or PANCAKE_TIMEZONE): group by this for daily numbers.';
const SYNCED_AT = 'When pancake-sync last wrote this row.';
const RAW = 'The API\'s values for this row as received (for columnar answers: the category label and one value per series).';
const GRANULARITY = '"day" for a whole local day, "hour" for one hour: never add the two together.';
const HOUR = 'Local clock hour (0-23) of the hour in the page\'s time zone; repeats on the night the clocks go back, so use period_start to tell those hours apart.';
const HOUR_OR_NULL = `${HOUR} Null on daily rows.`;

function period(table: string, what: string): Array<[string, string]> {
  return [
    [`column pancake.${table}.page_id`, PAGE_ID],
    [`column pancake.${table}.day`, DAY],
    [`column pancake.${table}.period_start`, `Instant (UTC) the ${what} began: use it for UTC or cross-zone queries.`],
    [`column pancake.${table}.raw`, RAW],
    [`column pancake.${table}.synced_at`, SYNCED_AT],
  ];
}

export const STATISTICS_COMMENTS: Array<[string, string]> = [
  ['table pancake.stats_engagement', 'Customer engagement per page (Pancake statistics "customer_engagements"): messages and comments customers sent and new customers, one row per local day and one per hour. The last STATS_LOOKBACK_DAYS days are re-read on every run.'],
  ...period('stats_engagement', 'day or hour'),
  ['column pancake.stats_engagement.granularity', GRANULARITY],
  ['column pancake.stats_engagement.hour', HOUR_OR_NULL],
  ['column pancake.stats_engagement.inbox', 'Inbox messages customers sent.'],
  ['column pancake.stats_engagement.comment', 'Comments customers wrote.'],
  ['column pancake.stats_engagement.total', 'inbox + comment.'],
  ['column pancake.stats_engagement.new_customer', 'Customers who contacted the page for the first time.'],
  ['column pancake.stats_engagement.new_customer_from_inbox', 'New customers whose first contact was an inbox message.'],

  ['table pancake.stats_pages', 'Page activity per hour (Pancake statistics "pages"): customer and page messages, phone numbers, new customers, website referrals. Sum by day for daily numbers.'],
  ...period('stats_pages', 'hour'),
  ['column pancake.stats_pages.hour', HOUR],
  ['column pancake.stats_pages.new_customer_count', 'New customers.'],
  ['column pancake.stats_pages.customer_inbox_count', 'Inbox messages from customers.'],
  ['column pancake.stats_pages.customer_comment_count', 'Comments from customers.'],
  ['column pancake.stats_pages.page_inbox_count', 'Inbox messages the page sent.'],
  ['column pancake.stats_pages.page_comment_count', 'Comment replies the page wrote.'],
  ['column pancake.stats_pages.phone_number_count', 'Messages in which customers left a phone number.'],
  ['column pancake.stats_pages.uniq_phone_number_count', 'Distinct phone numbers customers left.'],
  ['column pancake.stats_pages.new_inbox_count', 'New inbox conversations.'],
  ['column pancake.stats_pages.inbox_interactive_count', 'Inbox conversations in which customers wrote.'],
  ['column pancake.stats_pages.today_uniq_website_referral', 'Distinct visitors referred from the shop\'s website.'],
  ['column pancake.stats_pages.today_website_guest_referral', 'Guest visitors referred from the shop\'s website.'],

  ['table pancake.stats_tags', 'Tag usage per page, tag and local day (Pancake statistics "tags"): how often each tag was applied.'],
  ...period('stats_tags', 'day'),
  ['column pancake.stats_tags.tag_id', 'Tag id (pancake.tags.id as text); the tag text when the API keyed the series by text and no id matched.'],
  ['column pancake.stats_tags.tag_text', 'Tag label at the time of the sync.'],
  ['column pancake.stats_tags.tag_color', 'Tag colour (#rrggbb).'],
  ['column pancake.stats_tags.count', 'Times the tag was applied that day.'],

  ['table pancake.stats_users', 'Employee activity per page, employee and hour (Pancake statistics "users"): replies, conversations handled, private replies, response time.'],
  ...period('stats_users', 'hour'),
  ['column pancake.stats_users.user_id', 'Pancake user (employee) id; joins to pancake.messages.sender_user_id.'],
  ['column pancake.stats_users.hour', HOUR],
  ['column pancake.stats_users.user_name', 'Employee name.'],
  ['column pancake.stats_users.user_fb_id', 'Employee\'s Facebook id.'],
  ['column pancake.stats_users.inbox_count', 'Inbox messages the employee sent.'],
  ['column pancake.stats_users.comment_count', 'Comment replies the employee wrote.'],
  ['column pancake.stats_users.unique_inbox_count', 'Distinct inbox conversations the employee answered.'],
  ['column pancake.stats_users.unique_comment_count', 'Distinct comment threads the employee answered.'],
  ['column pancake.stats_users.private_reply_count', 'Private replies (inbox answers to a comment).'],
  ['column pancake.stats_users.phone_number_count', 'Phone numbers collected in conversations the employee answered.'],
  ['column pancake.stats_users.average_response_time_ms', 'Average time to answer a customer, in milliseconds (0 when nobody was answered).'],

  ['table pancake.stats_new_customers', 'New customers per page, per local day and per hour (Pancake page_customers with a date_range and group_by).'],
  ...period('stats_new_customers', 'day or hour'),
  ['column pancake.stats_new_customers.granularity', GRANULARITY],
  ['column pancake.stats_new_customers.hour', HOUR_OR_NULL],
  ['column pancake.stats_new_customers.count', 'New customers.'],

  ['table pancake.stats_ads', 'Facebook ads delivery per page, ad and local day (Pancake statistics "ads", by_id, read one day at a time). Money is in the ad account\'s currency.'],
  ...period('stats_ads', 'day'),
  ['column pancake.stats_ads.ad_id', 'Facebook ad id.'],
  ['column pancake.stats_ads.ad_name', 'Ad name.'],
  ['column pancake.stats_ads.adset_id', 'Ad set id.'],
  ['column pancake.stats_ads.campaign_id', 'Campaign id.'],
  ['column pancake.stats_ads.status', 'Ad status when synced (ACTIVE, PAUSED, ...).'],
  ['column pancake.stats_ads.currency', 'Currency of spend (e.g. VND).'],
  ['column pancake.stats_ads.reach', 'People reached that day.'],
  ['column pancake.stats_ads.impressions', 'Impressions that day.'],
  ['column pancake.stats_ads.clicks', 'Clicks that day.'],
  ['column pancake.stats_ads.spend', 'Amount spent that day.'],
];
