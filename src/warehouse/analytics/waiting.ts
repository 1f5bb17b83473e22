import { sql } from 'kysely';
import { inScope, type Scope, type SummaryPage, type SummaryPart } from './summary-parts.js';

// The queue as it stands: every conversation whose customer wrote after the latest employee reply
// (analytics_conversations.awaiting_reply_since, refreshed first), with what it carries now. Kept
// per conversation so that waiting_now reads one row each, however long the history. The latest
// employee reply takes the sender kind as a FILTER, for the reason conversations.ts gives (facts).

export function waitingPart({ pageId }: SummaryPage, scope: Scope): SummaryPart {
  return {
    table: 'analytics_waiting', key: ['conversation_id'], within: inScope(scope, 't.conversation_id'), report: null,
    values: ['conversation_type', 'customer_id', 'waiting_since', 'last_customer_message_at', 'customer_messages', 'last_employee_reply_at', 'bot_replied', 'assignee_ids', 'assignee_names', 'tag_ids', 'tag_texts'],
    fresh: sql`
      select f.page_id, f.conversation_id, f.conversation_type, f.customer_id, f.awaiting_reply_since as waiting_since, m.last_customer_at as last_customer_message_at,
             m.customer_messages, e.at as last_employee_reply_at, m.bot_replied,
             coalesce(a.ids, '{}') as assignee_ids, coalesce(a.names, '{}') as assignee_names, coalesce(g.ids, '{}') as tag_ids, coalesce(g.texts, '{}') as tag_texts
      from pancake_private.analytics_conversations f
      cross join lateral (
        select max(m.inserted_at) filter (where m.sender_kind = 'customer') as last_customer_at, (count(*) filter (where m.sender_kind = 'customer'))::int as customer_messages,
               coalesce(bool_or(m.sender_kind = 'bot'), false) as bot_replied
        from pancake.messages m where m.page_id = f.page_id and m.conversation_id = f.conversation_id and m.inserted_at >= f.awaiting_reply_since
      ) m
      cross join lateral (
        select max(m.inserted_at) filter (where m.sender_kind = 'employee') as at from pancake.messages m
        where m.page_id = f.page_id and m.conversation_id = f.conversation_id and m.inserted_at < f.awaiting_reply_since
      ) e
      cross join lateral (
        select array_agg(s.user_id order by s.user_id) as ids, array_agg(coalesce(u.name, s.user_name) order by s.user_id) as names
        from pancake.conversation_assignees s left join pancake.page_users u on u.page_id = s.page_id and u.id = s.user_id
        where s.page_id = f.page_id and s.conversation_id = f.conversation_id
      ) a
      cross join lateral (
        select array_agg(t.tag_id order by t.tag_id) as ids, array_agg(t.tag_text order by t.tag_id) as texts
        from pancake.conversation_tags t where t.page_id = f.page_id and t.conversation_id = f.conversation_id
      ) g
      where f.page_id = ${pageId} and ${inScope(scope, 'f.conversation_id')} and f.awaiting_reply_since is not null`,
  };
}
