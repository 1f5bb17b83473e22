import { sql } from 'kysely';
import { businessSeconds, inScope, local, seconds, type Scope, type SummaryPage, type SummaryPart } from './summary-parts.js';

// Inquiries: a customer message that opens the conversation, or comes after at least
// PANCAKE_INQUIRY_GAP without a customer message. Each is timed to the first employee reply after
// it, as the conversation's first customer message is (analytics_conversations, refreshed first,
// gives the conversation's type and customer). Reports the local days of inquiries that changed.
// The replies are looked up in the conversation's own messages, the sender kind kept out of the
// index condition (a FILTER, or a condition outside an `offset 0` subquery, which Postgres does not
// push into it): with the kind in WHERE, statistics taken while a first backfill was filling the
// tables planned each lookup as a walk through the page's (page_id, sender_kind, inserted_at)
// index, quadratic in the page's conversations (test/integration/analytics-plans.test.ts; the same
// for the facts, conversations.ts).

export function inquiryPart(target: SummaryPage, scope: Scope): SummaryPart {
  const { pageId, zone, inquiryGapSeconds } = target;
  return {
    table: 'analytics_inquiries', key: ['conversation_id', 'inquiry_at'], within: inScope(scope, 't.conversation_id'), report: 'day',
    values: ['inquiry_number', 'conversation_type', 'customer_id', 'day', 'hour', 'previous_customer_message_at', 'silence_seconds', 'first_employee_reply_at', 'responder_user_id',
      'responder_name', 'employee_response_seconds', 'employee_response_business_seconds', 'first_bot_reply_at', 'bot_response_seconds'],
    fresh: sql`
      select q.page_id, q.conversation_id, q.inserted_at as inquiry_at, q.inquiry_number::int as inquiry_number, f.conversation_type, f.customer_id,
             ${local('q.inserted_at', zone)}::date as day, extract(hour from ${local('q.inserted_at', zone)})::smallint as hour, q.previous_at as previous_customer_message_at,
             ${seconds('q.inserted_at', 'q.previous_at')} as silence_seconds, r.inserted_at as first_employee_reply_at, r.sender_user_id as responder_user_id,
             r.sender_admin_name as responder_name, ${seconds('r.inserted_at', 'q.inserted_at')} as employee_response_seconds,
             ${businessSeconds('q.inserted_at', 'r.inserted_at', target)} as employee_response_business_seconds, b.inserted_at as first_bot_reply_at,
             ${seconds('b.inserted_at', 'q.inserted_at')} as bot_response_seconds
      from (
        select c.*, row_number() over (partition by c.conversation_id order by c.inserted_at, c.id) as inquiry_number
        from (
          select m.page_id, m.conversation_id, m.id, m.inserted_at, lag(m.inserted_at) over (partition by m.conversation_id order by m.inserted_at, m.id) as previous_at
          from pancake.messages m
          where m.page_id = ${pageId} and ${inScope(scope, 'm.conversation_id')} and m.sender_kind = 'customer' and m.inserted_at is not null
        ) c
        where c.previous_at is null or c.inserted_at - c.previous_at >= make_interval(secs => ${inquiryGapSeconds})
      ) q
      join pancake_private.analytics_conversations f on f.page_id = q.page_id and f.conversation_id = q.conversation_id
      left join lateral (
        select x.inserted_at, x.sender_user_id, x.sender_admin_name
        from (select m.inserted_at, m.sender_user_id, m.sender_admin_name, m.sender_kind from pancake.messages m
              where m.page_id = q.page_id and m.conversation_id = q.conversation_id and m.inserted_at > q.inserted_at
              order by m.inserted_at, m.id offset 0) x
        where x.sender_kind = 'employee' limit 1
      ) r on true
      left join lateral (
        select min(m.inserted_at) filter (where m.sender_kind = 'bot') as inserted_at from pancake.messages m
        where m.page_id = q.page_id and m.conversation_id = q.conversation_id and m.inserted_at > q.inserted_at
      ) b on true`,
  };
}
