import { sql, type Kysely } from 'kysely';
import { createInquiryMarts, dropInquiryMarts } from './parts/analytics-inquiry-marts.js';
import { dropAnalyticsViews } from './parts/analytics-views.js';

// Inquiries, the queue now, business hours, complete days, unattributed replies (issue 25): the
// summaries behind them (migrations/parts/analytics-inquiry-marts.ts), the table that records which
// view definitions are in place (the views themselves are created after every migration run, from
// migrations/parts/analytics-views.ts), and COMMENTs that said a join the data does not hold.

const COMMENTS: Array<[string, string]> = [
  ['table pancake_private.analytics_views', 'Checksum of the pancake_analytics view definitions last created (migrations/parts/analytics-views.ts): different definitions recreate the views.'],
  ['column pancake.customers.id', 'Page-customer id (unique per page); pancake.ad_clicks.customer_id refers to it, joined on page_id, and conversations carry it as page_customer.id.'],
  ['column pancake.customers.customer_id', 'Pancake customer id across pages; pancake.conversations.customer_id refers to it, joined on page_id (not unique here: one person may have several page-customer records).'],
  ['column pancake.customers.thread_id', 'Inbox conversation id of this customer (<page_id>_<psid>): pancake.conversations.id, joined on page_id. Null when the customer has no inbox thread (a commenter, a reaction).'],
  ['column pancake.customers.phone_number', 'First phone number on the customer record (Vietnamese mobile numbers look like 09xxxxxxxx). A call\'s customer_phone may be any of phone_numbers.'],
  ['column pancake.call_logs.customer_phone', 'The customer\'s side of the call (the side that is not an extension). Not a key of the customers: a caller need not be one, and a customer may call from any of their numbers; look it up in the customers\' phone_numbers.'],
  ['column pancake.posts.id', 'Post id (<page_id>_<post>); pancake.conversations.post_id of comment conversations refers to it, joined on page_id.'],
  ['column pancake.conversations.post_id', 'Post a comment conversation belongs to (pancake.posts.id, joined on page_id; posts are another stream); null for inbox. A review (RATING) carries its own id here, not a post.'],
  ['column pancake.ad_clicks.post_id', 'The ad\'s post, <page_id>_<post_id>; sometimes null. Ads often promote posts made for the ad, which are not among the page\'s own posts: expect few of them in pancake.posts.'],
  ['column pancake.ad_clicks.ad_id', 'The ad clicked: pancake.stats_ads.ad_id, joined on page_id (the statistics have rows for the days they were synced).'],
  ['column pancake.stats_ads.ad_id', 'Facebook ad id; pancake.ad_clicks.ad_id and pancake.messages.ad_id refer to it, joined on page_id, for clicks on days the ads statistics were synced (one row per ad and day here).'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table pancake_private.analytics_views (checksum text not null)`.execute(db);
  await createInquiryMarts(db);
  // Deleted conversations are few (a sweep marks them): the summaries and conversations_per_tag
  // leave them out with an anti-join on this index, which stays nearly empty.
  await sql`create index conversations_deleted_idx on pancake.conversations (page_id, id) where deleted_at is not null`.execute(db);
  for (const [target, text] of COMMENTS) await sql.raw(`comment on ${target} is '${text.replace(/'/g, "''")}'`).execute(db);
}

/** The views go too (they read the new columns); migrating up again brings them back. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await dropAnalyticsViews(db);
  await dropInquiryMarts(db);
  await sql`drop index pancake.conversations_deleted_idx`.execute(db);
  await sql`drop table pancake_private.analytics_views`.execute(db);
}
