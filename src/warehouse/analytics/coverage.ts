import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

// The whole local days each stream of a page has covered, recorded on the page's summary row
// (pancake_private.analytics_pages) for the views' `complete` columns: a day counts when it starts
// at or after the stream's covered_from and ends at or before its watermark (pancake.sync_state),
// in the zone of the page's summaries. Conversations and their messages go together ("inbox"): a
// conversation whose messages are still to be fetched (analytics_conversations.messages_pending_at)
// makes every day up to its latest change incomplete. Statistics count only when read in that zone.
// Recorded by every refresh and once more when all of a page's streams are done, so that the
// views read a stored row instead of working out zones at every query.

const STREAMS: Array<[column: string, stream: string]> = [['customers', 'customers'], ['calls', 'call_logs']];

export async function recordCoverage(db: Kysely<Database>, pageId: string): Promise<void> {
  const first = (alias: string) => sql.raw(`pancake_private.first_covered_day(${alias}.covered_from, a.zone)`);
  const last = (alias: string) => sql.raw(`pancake_private.last_covered_day(${alias}.watermark, a.zone)`);
  await sql`
    with state as (
      select s.stream, s.covered_from, case when s.watermark is null then null else least(s.watermark, s.updated_at) end as watermark, s.cursor ->> 'zone' as cursor_zone
      from pancake.sync_state s where s.page_id = ${pageId}
    ),
    pending as (
      select max(messages_pending_at) as at from pancake_private.analytics_conversations where page_id = ${pageId} and messages_pending_at is not null
    )
    update pancake_private.analytics_pages a set
      inbox_first_day = case when c.covered_from is not null then greatest(${first('c')}, pancake_private.local_time((select at from pending), a.zone)::date + 1) end,
      inbox_last_day = ${last('c')},
      ${sql.join(STREAMS.map(([column, stream]) => sql`${sql.ref(`${column}_first_day`)} = (select ${first('s')} from state s where s.stream = ${stream}),
        ${sql.ref(`${column}_last_day`)} = (select ${last('s')} from state s where s.stream = ${stream})`))},
      ads_first_day = case when ad.cursor_zone = a.zone then ${first('ad')} end,
      ads_last_day = case when ad.cursor_zone = a.zone then ${last('ad')} end,
      covered_at = now()
    from (select 1) one
    left join state c on c.stream = 'conversations'
    left join state ad on ad.stream = 'stats_ads'
    where a.page_id = ${pageId}`.execute(db);
}
