import { DAY, MART, PAGE_COLUMNS, TAG_ID, complete, withPage, type ViewSpec } from './analytics-view-parts.js';

// Tags and calls (the ads views: analytics-views-campaigns.ts). A tag deleted in Pancake (gone
// from its tag list, or marked is_deactive) is left out of the tag views, except the one named for
// including it.

const TAG_DELETED = `(t.deleted_at is not null or coalesce(t.raw -> 'is_deactive' = 'true'::jsonb, false))`;
const TAG_JOIN = 'left join pancake.tags t on t.page_id = a.page_id and t.id = a.tag_id';
const tagsDone = complete(['inbox']);
const callsDone = complete(['calls']);

function tagsApplied(includeDeleted: boolean): ViewSpec {
  const deleted: Array<[string, string]> = includeDeleted
    ? [['tag_deleted', 'True when the tag was deleted in Pancake: gone from the page\'s tag list (pancake.tags.deleted_at) or marked is_deactive.']]
    : [];
  return {
    name: includeDeleted ? 'daily_tags_applied_including_deleted' : 'daily_tags_applied',
    comment: `Per page, local day and tag: how often the tag was applied and removed that day, from the conversations' tag histories (pancake.conversation_tag_events). ${includeDeleted ? 'Deleted tags included, flagged in tag_deleted.' : 'Tags deleted in Pancake are left out (see daily_tags_applied_including_deleted).'} Conversations whose history the API did not send are not counted, nor conversations deleted in Pancake; pancake.stats_tags has the API's own daily counts.`,
    columns: [
      ...PAGE_COLUMNS,
      ['day', `${DAY} Of the tag change.`],
      ['tag_id', TAG_ID],
      ['tag_text', 'Tag label (pancake.tags.text, else the label in the history).'],
      ...deleted,
      ['times_applied', 'Times an employee added the tag to a conversation that day (adds up over days).'],
      ['times_removed', 'Times the tag was removed from a conversation that day (adds up over days).'],
      ['conversations_tagged', 'Distinct conversations the tag was added to that day. Distinct within the day; a conversation tagged again on another day counts again.'],
      tagsDone.column,
    ],
    body: withPage(
      `a.day, a.tag_id, coalesce(t.text, a.tag_text) as tag_text, ${includeDeleted ? `${TAG_DELETED} as tag_deleted, ` : ''}a.times_applied, a.times_removed, a.conversations_tagged, ${tagsDone.sql}`,
      `select page_id, day, tag_id, tag_text, times_applied, times_removed, conversations_tagged from ${MART}.analytics_tag_days`,
      `${TAG_JOIN}${includeDeleted ? '' : ` where not ${TAG_DELETED}`}`,
    ),
  };
}

const CALL_COUNTS: Array<[string, string]> = [
  ['calls', 'Calls that started that day (pancake.call_logs.start_time).'],
  ['answered_calls', 'Of those, answered: someone talked (duration_seconds > 0), whatever the status text says.'],
  ['missed_calls', 'Of those, not answered: calls - answered_calls.'],
  ['total_talk_seconds', 'Talk time of the answered calls, in seconds.'],
  ['average_talk_seconds', 'Average talk time over answered calls only (total_talk_seconds / answered_calls); unanswered calls at 0 s are not averaged in.'],
];

export const BUSINESS_VIEWS: ViewSpec[] = [
  tagsApplied(false),
  tagsApplied(true),
  {
    name: 'conversations_per_tag',
    comment: 'Per page and tag, now: conversations carrying the tag (pancake.conversation_tags), whenever it was applied. Tags deleted in Pancake are left out, and so are conversations deleted in Pancake (pancake.conversations.deleted_at).',
    columns: [
      ...PAGE_COLUMNS,
      ['tag_id', TAG_ID],
      ['tag_text', 'Tag label (pancake.tags.text, else the label the conversations carry).'],
      ['conversations', 'Conversations carrying the tag now.'],
    ],
    body: withPage(
      'a.tag_id, coalesce(t.text, a.tag_text) as tag_text, a.conversations',
      `select ct.page_id, ct.tag_id, max(ct.tag_text) as tag_text, count(*)::int as conversations from pancake.conversation_tags ct
       where not exists (select from pancake.conversations c where c.page_id = ct.page_id and c.id = ct.conversation_id and c.deleted_at is not null)
       group by ct.page_id, ct.tag_id`,
      `${TAG_JOIN} where not ${TAG_DELETED}`,
    ),
  },
  {
    name: 'daily_calls',
    comment: 'Per page and local day: calls, answered and missed, inbound and outbound, talk time and the average over answered calls. "Answered" means someone talked (duration_seconds > 0).',
    columns: [
      ...PAGE_COLUMNS,
      ['day', DAY],
      ...CALL_COUNTS.slice(0, 3),
      ['inbound_calls', 'Calls a customer made to the shop (direction inbound).'],
      ['outbound_calls', 'Calls the shop made (direction outbound). Calls whose direction is unknown are in neither.'],
      ...CALL_COUNTS.slice(3),
      callsDone.column,
    ],
    body: withPage(
      `a.day, a.calls, a.answered_calls, a.calls - a.answered_calls as missed_calls, a.inbound_calls, a.outbound_calls, a.total_talk_seconds, round(a.total_talk_seconds::numeric / nullif(a.answered_calls, 0), 1) as average_talk_seconds, ${callsDone.sql}`,
      `select page_id, day, sum(calls)::int as calls, sum(answered_calls)::int as answered_calls,
              coalesce(sum(calls) filter (where direction = 'inbound'), 0)::int as inbound_calls, coalesce(sum(calls) filter (where direction = 'outbound'), 0)::int as outbound_calls,
              sum(total_talk_seconds)::bigint as total_talk_seconds
       from ${MART}.analytics_call_days group by page_id, day`,
    ),
  },
  {
    name: 'daily_calls_by_direction',
    comment: 'Per page, local day and direction (inbound, outbound, unknown): calls, answered and missed, talk time and the average over answered calls.',
    columns: [
      ...PAGE_COLUMNS,
      ['day', DAY],
      ['direction', 'inbound (a customer called the shop), outbound (the shop called) or unknown (pancake.call_logs.direction).'],
      ...CALL_COUNTS,
      callsDone.column,
    ],
    body: withPage(
      `a.day, a.direction, a.calls, a.answered_calls, a.calls - a.answered_calls as missed_calls, a.total_talk_seconds, round(a.total_talk_seconds::numeric / nullif(a.answered_calls, 0), 1) as average_talk_seconds, ${callsDone.sql}`,
      `select page_id, day, direction, calls, answered_calls, total_talk_seconds from ${MART}.analytics_call_days`,
    ),
  },
];
