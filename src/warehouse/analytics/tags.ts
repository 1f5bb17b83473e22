import { sql } from 'kysely';
import { dayArray } from './days.js';
import { inScope, local, type Scope, type SummaryPage, type SummaryPart } from './summary-parts.js';

// Tags applied and removed: every entry of each conversation's tag history, and per local day and
// tag the totals the daily_tags_applied views read.

/**
 * Every entry of the conversations' tag histories (raw.tag_histories: `{ inserted_at, payload: {
 * action, editor_id, editor_name, tag: { id, text } } }`). Entries without a tag id ("Tag removed")
 * or a readable time are skipped; the API sends times without a zone, in UTC.
 */
export function tagEventPart({ pageId, zone }: SummaryPage, scope: Scope): SummaryPart {
  return {
    table: 'analytics_tag_events', key: ['conversation_id', 'position'], values: ['at', 'day', 'action', 'tag_id', 'tag_text', 'editor_id', 'editor_name'],
    within: inScope(scope, 't.conversation_id'), report: 'day',
    fresh: sql`
      select c.page_id, c.id as conversation_id, h.position::int as position, t.at, ${local('t.at', zone)}::date as day, h.entry #>> '{payload,action}' as action,
             h.entry #>> '{payload,tag,id}' as tag_id, h.entry #>> '{payload,tag,text}' as tag_text, h.entry #>> '{payload,editor_id}' as editor_id,
             h.entry #>> '{payload,editor_name}' as editor_name
      from pancake.conversations c
      cross join lateral jsonb_array_elements(case when jsonb_typeof(c.raw -> 'tag_histories') = 'array' then c.raw -> 'tag_histories' else '[]'::jsonb end)
        with ordinality as h(entry, position)
      cross join lateral (
        select case
          when h.entry ->> 'inserted_at' ~ '^\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d(:?\\d\\d)?)$' then (h.entry ->> 'inserted_at')::timestamptz
          when h.entry ->> 'inserted_at' ~ '^\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?$' then (h.entry ->> 'inserted_at')::timestamp at time zone 'UTC'
        end as at
      ) t
      where c.page_id = ${pageId} and ${inScope(scope, 'c.id')} and jsonb_typeof(h.entry) = 'object'
        and h.entry #>> '{payload,tag,id}' is not null and h.entry #>> '{payload,action}' is not null and t.at is not null`,
  };
}

/** Per local day and tag: times applied and removed, conversations tagged (for `days`). */
export function tagDayPart({ pageId }: SummaryPage, days: readonly string[]): SummaryPart {
  const inDays = dayArray(days);
  return {
    table: 'analytics_tag_days', key: ['day', 'tag_id'], values: ['tag_text', 'times_applied', 'times_removed', 'conversations_tagged'], within: sql`t.day = any(${inDays})`, report: null,
    fresh: sql`
      select page_id, day, tag_id, max(tag_text) as tag_text,
             (count(*) filter (where action = 'add'))::int as times_applied,
             (count(*) filter (where action = 'remove'))::int as times_removed,
             (count(distinct conversation_id) filter (where action = 'add'))::int as conversations_tagged
      from pancake_private.analytics_tag_events where page_id = ${pageId} and day = any(${inDays})
      group by page_id, day, tag_id`,
  };
}
