import { sql } from 'kysely';
import { notDeleted } from './conversations.js';
import { inScope, local, type SummaryPage, type Scope, type SummaryPart } from './summary-parts.js';

// Messages summarized per conversation: per local day, per local hour, per employee and day. Each
// is recomputed from the conversation's messages and only rows that differ are written.

const KINDS = ['messages', 'customer_messages', 'employee_messages', 'bot_messages', 'page_notice_messages'];

const COUNTS = sql.raw(`count(*) filter (where m.sender_kind is distinct from 'ad_click') as messages,
  count(*) filter (where m.sender_kind = 'customer') as customer_messages, count(*) filter (where m.sender_kind = 'employee') as employee_messages,
  count(*) filter (where m.sender_kind = 'bot') as bot_messages, count(*) filter (where m.sender_kind = 'page_notice') as page_notice_messages`);

/**
 * Messages are grouped first and each group looks its conversation's type up by key: no join whose
 * plan could go wrong on a summary the planner has no statistics for yet.
 */
const TYPE = sql.raw(`coalesce((select f.conversation_type from pancake_private.analytics_conversations f
  where f.page_id = g.page_id and f.conversation_id = g.conversation_id), g.message_type, 'UNKNOWN') as conversation_type`);

/**
 * The parts recomputing the message summaries of the conversations in scope (see replaceRows):
 * per conversation and day, per hour, per employee and day (user '' for employee messages without
 * a user id: template cards), each reporting the local days that changed.
 */
export function messageParts({ pageId, zone }: SummaryPage, scope: Scope): SummaryPart[] {
  const day = sql`${local('m.inserted_at', zone)}::date`;
  const hour = sql`extract(hour from ${local('m.inserted_at', zone)})::smallint`;
  // Messages of conversations deleted in Pancake are left out (notDeleted).
  const where = sql`m.page_id = ${pageId} and ${inScope(scope, 'm.conversation_id')} and m.inserted_at is not null and ${notDeleted('m')}`;
  const kinds = sql.raw(KINDS.map((k) => `g.${k}`).join(', '));
  const within = inScope(scope, 't.conversation_id');
  return [
    {
      table: 'analytics_conversation_days', key: ['day', 'conversation_id'], values: ['conversation_type', ...KINDS, 'ad_clicks'], within, report: 'day',
      fresh: sql`
        select g.page_id, g.day, g.conversation_id, ${TYPE}, ${kinds}, g.ad_clicks
        from (
          select m.page_id, ${day} as day, m.conversation_id, max(m.type) as message_type, ${COUNTS}, count(*) filter (where m.sender_kind = 'ad_click') as ad_clicks
          from pancake.messages m where ${where} group by 1, 2, 3
        ) g`,
    },
    {
      table: 'analytics_conversation_hours', key: ['day', 'hour', 'conversation_id'], values: ['conversation_type', ...KINDS], within, report: 'day',
      fresh: sql`
        select g.page_id, g.day, g.hour, g.conversation_id, ${TYPE}, ${kinds}
        from (
          select m.page_id, ${day} as day, ${hour} as hour, m.conversation_id, max(m.type) as message_type, ${COUNTS}
          from pancake.messages m where ${where} and m.sender_kind is distinct from 'ad_click' group by 1, 2, 3, 4
        ) g`,
    },
    {
      table: 'analytics_employee_days', key: ['day', 'user_id', 'conversation_id'], values: ['user_name', 'messages'], within, report: 'day',
      fresh: sql`
        select m.page_id, ${day} as day, coalesce(m.sender_user_id, '') as user_id, m.conversation_id, max(m.sender_admin_name) as user_name, count(*)::int as messages
        from pancake.messages m where ${where} and m.sender_kind = 'employee' group by 1, 2, 3, 4`,
    },
  ];
}
