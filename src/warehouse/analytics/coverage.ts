import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../schema.js';

// The whole local days each stream of a page has covered, recorded on the page's summary row
// (pancake_private.analytics_pages) for the views' `complete` columns: a day counts when it starts
// at or after the stream's covered_from and ends at or before its watermark (pancake.sync_state),
// in the zone of the page's summaries. Conversations and their messages go together ("inbox"): a
// conversation whose messages are still to be fetched (analytics_conversations.messages_pending_at)
// makes every day up to its latest change incomplete. Statistics count only when read in that zone.
// Recorded by every refresh, and again after the ads, campaigns and ratings statistics when they end later, so that the
// views read a stored row instead of working out zones at every query.

/** The streams whose covered days are recorded, by the column prefix the views read. */
const STREAMS: Array<[prefix: string, stream: string]> = [['inbox', 'conversations'], ['customers', 'customers'], ['calls', 'call_logs'], ['ads', 'stats_ads'], ['campaigns', 'stats_campaigns'], ['ratings', 'stats_customer_feedbacks']];

/** Streams that may end after the page's last refresh and still change what is recorded. */
export const COVERAGE_AFTER_REFRESH = ['stats_ads', 'stats_campaigns', 'stats_customer_feedbacks'];

/** The update that records the page's covered days: a statement of its own, or a part of another (a CTE). */
export function coverageUpdate(pageId: string): RawBuilder<unknown> {
  const state = sql`(select stream, covered_from, case when watermark is null then null else least(watermark, updated_at) end as watermark, cursor ->> 'zone' as cursor_zone
    from pancake.sync_state where page_id = ${pageId})`;
  const first = (alias: string) => `pancake_private.first_covered_day(${alias}.covered_from, a.zone)`;
  const last = (alias: string) => `pancake_private.last_covered_day(${alias}.watermark, a.zone)`;
  const days: Record<string, [first: string, last: string]> = {
    // Not before the day after the latest change of a conversation whose messages are still to be fetched.
    inbox: [`case when inbox.covered_from is not null then greatest(${first('inbox')}, pancake_private.local_time(pending.at, a.zone)::date + 1) end`, last('inbox')],
    customers: [first('customers'), last('customers')],
    calls: [first('calls'), last('calls')],
    // Statistics read in another zone cover none of this zone's days.
    ...Object.fromEntries(['ads', 'campaigns', 'ratings'].map((s): [string, [string, string]] => [s, [`case when ${s}.cursor_zone = a.zone then ${first(s)} end`, `case when ${s}.cursor_zone = a.zone then ${last(s)} end`]])),
  };
  return sql`
    update pancake_private.analytics_pages a set
      ${sql.raw(STREAMS.map(([prefix]) => `${prefix}_first_day = ${days[prefix]![0]}, ${prefix}_last_day = ${days[prefix]![1]}`).join(', '))},
      covered_at = now()
    from (select max(messages_pending_at) as at from pancake_private.analytics_conversations where page_id = ${pageId} and messages_pending_at is not null) pending
    ${sql.join(STREAMS.map(([prefix, stream]) => sql`left join ${state} ${sql.raw(prefix)} on ${sql.raw(prefix)}.stream = ${stream}`), sql` `)}
    where a.page_id = ${pageId}`;
}

export async function recordCoverage(db: Kysely<Database>, pageId: string): Promise<void> {
  await coverageUpdate(pageId).execute(db);
}
