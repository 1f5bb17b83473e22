import { sql } from 'kysely';
import { dayArray } from './days.js';
import { inScope, local, type Scope, type SummaryPage, type SummaryPart } from './summary-parts.js';

// Tags applied and removed: every entry of each conversation's tag history, and per local day and
// tag the totals the daily_tags_applied views read.

/**
 * Every entry of the conversations' tag histories, as the sync stores them
 * (pancake.conversation_tag_events, written with their conversation). Entries without a tag id
 * ("Tag removed"), an action or a time are skipped, and so are conversations deleted in Pancake.
 */
export function tagEventPart({ pageId, zone }: SummaryPage, scope: Scope): SummaryPart {
  return {
    table: 'analytics_tag_events', key: ['conversation_id', 'position'], values: ['at', 'day', 'action', 'tag_id', 'tag_text', 'editor_id', 'editor_name'],
    within: inScope(scope, 't.conversation_id'), report: 'day',
    fresh: sql`
      select e.page_id, e.conversation_id, e.position, e.at, ${local('e.at', zone)}::date as day, e.action, e.tag_id, e.tag_text, e.editor_id, e.editor_name
      from pancake.conversation_tag_events e join pancake.conversations c on c.page_id = e.page_id and c.id = e.conversation_id
      where e.page_id = ${pageId} and ${inScope(scope, 'e.conversation_id')} and c.deleted_at is null
        and e.at is not null and e.action is not null and e.tag_id is not null`,
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
