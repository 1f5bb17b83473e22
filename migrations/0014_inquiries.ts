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
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table pancake_private.analytics_views (checksum text not null)`.execute(db);
  await createInquiryMarts(db);
  for (const [target, text] of COMMENTS) await sql.raw(`comment on ${target} is '${text.replace(/'/g, "''")}'`).execute(db);
}

/** The views go too (they read the new columns); migrating up again brings them back. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await dropAnalyticsViews(db);
  await dropInquiryMarts(db);
  await sql`drop table pancake_private.analytics_views`.execute(db);
}
