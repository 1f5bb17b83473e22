import { sql, type RawBuilder } from 'kysely';
import { businessSeconds, distinct, inScope, local, seconds, type SummaryPage, type Scope, type SummaryPart, type Trx } from './summary-parts.js';

// The summaries kept per conversation (migrations/parts/analytics-marts.ts and
// analytics-inquiry-marts.ts): its facts (start, who started it, first customer message, first
// employee, bot and notice replies, latest sender, since when it waits for an employee, whether its
// messages are all stored) and its assignments. Each is recomputed whole for the conversations in
// scope, so a conversation summarized twice comes out the same whatever the order of changes.

/** What changed in the facts, before and after: what depends on it is redone. */
export interface Touched {
  /** Customers whose conversations' starts changed: their first conversation may be another. */
  customers: string[];
  /** Local start days of conversations whose start, type, customer or opener changed (new conversations per day and hour). */
  startDays: string[];
  /** Local days of the customer's first message of conversations whose first replies changed (response totals). */
  firstDays: string[];
}

// Which facts each group of totals reads.
const START = ['conversation_type', 'customer_id', 'started_at', 'started_day', 'started_hour', 'page_initiated', 'opened_from_ad'];
const FIRST = ['first_customer_message_at', 'first_customer_day', 'first_employee_reply_at', 'responder_user_id', 'responder_name', 'employee_response_business_seconds', 'page_initiated', 'first_bot_reply_at', 'conversation_type'];
const differs = (columns: string[]) => sql.raw(`o.conversation_id is null or (${columns.map((c) => `o.${c}`).join(', ')}) is distinct from (${columns.map((c) => `f.${c}`).join(', ')})`);

/**
 * The rows of `alias` (page_id, conversation_id) whose conversation was not deleted in Pancake:
 * a conversation a sweep marked deleted_at is left out of every summary (README, "Running it for months").
 */
export function notDeleted(alias: string) {
  return sql.raw(`not exists (select from pancake.conversations x where x.page_id = ${alias}.page_id and x.id = ${alias}.conversation_id and x.deleted_at is not null)`);
}

const FACTS = [
  'conversation_type', 'customer_id', 'started_at', 'started_day', 'started_hour', 'page_initiated', 'opened_from_ad',
  'first_customer_message_at', 'first_customer_day', 'first_customer_hour', 'first_employee_reply_at', 'responder_user_id',
  'responder_name', 'first_bot_reply_at', 'first_page_notice_at', 'last_message_from_customer', 'employee_response_seconds', 'bot_response_seconds',
  'page_notice_response_seconds', 'employee_response_business_seconds', 'awaiting_reply_since', 'messages_pending_at',
];

// A conversation deleted in Pancake (deleted_at, set by a sweep) has no facts: it leaves every summary.
// Per-conversation lookups by sender kind take the kind as a FILTER, not in WHERE (awaiting_reply_since
// here, the latest reply in waiting.ts): Postgres plans a plain min()/max() under WHERE sender_kind = …
// as the first entry of the page's (page_id, sender_kind, inserted_at) index that names the
// conversation, a walk through the page's messages once per conversation, whenever its statistics
// say the table is small (during a first backfill: 36 s instead of 0.7 s per page at 5,000
// conversations, bench/README.md "Issue 26, round 7"). A FILTER keeps the lookup on the
// conversation's own messages.
function facts(target: SummaryPage, scope: Scope) {
  const { pageId, zone } = target;
  return sql`
    select c.page_id, c.id as conversation_id, coalesce(c.type, a.message_type, 'UNKNOWN') as conversation_type, c.customer_id,
           s.started_at, ${local('s.started_at', zone)}::date as started_day, extract(hour from ${local('s.started_at', zone)})::smallint as started_hour,
           coalesce(a.first_kind in ('employee', 'bot'), false) and not s.from_ad as page_initiated, s.from_ad as opened_from_ad,
           a.first_customer_at as first_customer_message_at, ${local('a.first_customer_at', zone)}::date as first_customer_day,
           extract(hour from ${local('a.first_customer_at', zone)})::smallint as first_customer_hour,
           r.employee_at as first_employee_reply_at, r.employee_user as responder_user_id, r.employee_name as responder_name,
           r.bot_at as first_bot_reply_at, r.notice_at as first_page_notice_at, coalesce(a.last_kind = 'customer', false) as last_message_from_customer,
           ${seconds('r.employee_at', 'a.first_customer_at')} as employee_response_seconds, ${seconds('r.bot_at', 'a.first_customer_at')} as bot_response_seconds,
           ${seconds('r.notice_at', 'a.first_customer_at')} as page_notice_response_seconds,
           ${businessSeconds('a.first_customer_at', 'r.employee_at', target)} as employee_response_business_seconds, w.since as awaiting_reply_since,
           case when ms.conversation_id is null or ms.synced_updated_at < c.updated_at or (ms.synced_updated_at is null and c.updated_at is not null) then coalesce(c.updated_at, c.inserted_at, c.synced_at) end as messages_pending_at
    from pancake.conversations c
    left join pancake.conversation_message_state ms on ms.page_id = c.page_id and ms.conversation_id = c.id
    cross join lateral (
      select min(m.inserted_at) as first_item_at,
             min(m.inserted_at) filter (where m.sender_kind = 'customer') as first_customer_at,
             min(m.inserted_at) filter (where m.sender_kind = 'ad_click') as first_ad_item_at,
             (array_agg(m.sender_kind order by m.inserted_at, m.id) filter (where m.sender_kind <> 'ad_click'))[1] as first_kind,
             (array_agg(m.sender_kind order by m.inserted_at desc, m.id desc) filter (where m.sender_kind <> 'ad_click'))[1] as last_kind,
             max(m.inserted_at) filter (where m.sender_kind = 'employee') as last_employee_at,
             min(m.type) as message_type
      from pancake.messages m
      where m.page_id = c.page_id and m.conversation_id = c.id and m.inserted_at is not null
    ) a
    cross join lateral (select min(k.clicked_at) as clicked_at from pancake.ad_clicks k where k.page_id = c.page_id and k.conversation_id = c.id) k
    cross join lateral (
      select least(c.inserted_at, a.first_item_at) as started_at,
             coalesce(least(k.clicked_at, a.first_ad_item_at) <= least(c.inserted_at, a.first_item_at) + interval '1 minute', false) as from_ad
    ) s
    cross join lateral (
      select (array_agg(m.inserted_at order by m.inserted_at, m.id) filter (where m.sender_kind = 'employee'))[1] as employee_at,
             (array_agg(m.sender_user_id order by m.inserted_at, m.id) filter (where m.sender_kind = 'employee'))[1] as employee_user,
             (array_agg(m.sender_admin_name order by m.inserted_at, m.id) filter (where m.sender_kind = 'employee'))[1] as employee_name,
             min(m.inserted_at) filter (where m.sender_kind = 'bot') as bot_at,
             min(m.inserted_at) filter (where m.sender_kind = 'page_notice') as notice_at
      from pancake.messages m
      where m.page_id = c.page_id and m.conversation_id = c.id and m.inserted_at > a.first_customer_at
    ) r
    cross join lateral (
      select min(m.inserted_at) filter (where m.sender_kind = 'customer') as since from pancake.messages m
      where m.page_id = c.page_id and m.conversation_id = c.id and m.inserted_at > coalesce(a.last_employee_at, '-infinity')
    ) w
    where c.page_id = ${pageId} and ${inScope(scope, 'c.id')} and c.deleted_at is null`;
}

/**
 * Brings the facts of the conversations in scope up to date, writing only those that changed.
 * Returns the customers and local days (start, first customer message; old and new) of the changed
 * ones: the first-conversation marks and the day summaries depend on them.
 */
export async function refreshConversationFacts(trx: Trx, target: SummaryPage, scope: Scope): Promise<Touched> {
  const { pageId } = target;
  const columns = sql.raw(['page_id', 'conversation_id', ...FACTS].join(', '));
  const { rows } = await sql<Touched>`
    with fresh as (${facts(target, scope)}),
    old as (select * from pancake_private.analytics_conversations where page_id = ${pageId} and ${inScope(scope, 'conversation_id')}),
    changed as (
      select f.*, o.customer_id as old_customer_id, o.started_day as old_started_day, o.first_customer_day as old_first_customer_day,
             ${differs(START)} as start_changed, ${differs(FIRST)} as first_changed
      from fresh f left join old o on o.conversation_id = f.conversation_id
      where ${differs(FACTS)}),
    gone as (
      delete from pancake_private.analytics_conversations d
      where d.page_id = ${pageId} and ${inScope(scope, 'd.conversation_id')} and not exists (select from fresh f where f.conversation_id = d.conversation_id)
      returning d.customer_id, d.started_day, d.first_customer_day),
    put as (
      insert into pancake_private.analytics_conversations (${columns}) select ${columns} from changed
      on conflict (page_id, conversation_id) do update set ${sql.raw(FACTS.map((c) => `${c} = excluded.${c}`).join(', '))}
      returning 1),
    touched (customer_id, start_day, first_day) as (
      select customer_id, started_day, null::date from changed where start_changed
      union all select old_customer_id, old_started_day, null from changed where start_changed
      union all select null, null, first_customer_day from changed where first_changed
      union all select null, null, old_first_customer_day from changed where first_changed
      union all select customer_id, started_day, first_customer_day from gone)
    select coalesce(array_agg(distinct customer_id) filter (where customer_id is not null), '{}') as customers,
           coalesce(array_agg(distinct start_day::text) filter (where start_day is not null), '{}') as "startDays",
           coalesce(array_agg(distinct first_day::text) filter (where first_day is not null), '{}') as "firstDays"
    from touched`.execute(trx);
  return rows[0] ?? { customers: [], startDays: [], firstDays: [] };
}

/**
 * Clears the messages-pending mark of conversations whose messages have since been stored for
 * their current version. A conversation becomes pending only through a change of its own (noted,
 * and recomputed by refreshConversationFacts); it leaves that state when the messages stream
 * writes its message state, which notes nothing, hence this check at every refresh. Pending and
 * stored follow the messages stream's rule (message-state.ts): a stored version without updated_at
 * is behind a conversation that has one since; a conversation without updated_at is stored once its
 * state row exists.
 */
export async function clearFetchedMessages(trx: Trx, pageId: string): Promise<void> {
  await sql`
    update pancake_private.analytics_conversations f set messages_pending_at = null
    from pancake.conversation_message_state ms, pancake.conversations c
    where f.page_id = ${pageId} and f.messages_pending_at is not null
      and ms.page_id = f.page_id and ms.conversation_id = f.conversation_id and c.page_id = f.page_id and c.id = f.conversation_id
      and (ms.synced_updated_at >= c.updated_at or c.updated_at is null)`.execute(trx);
}

/**
 * Marks each customer's first conversation with the page (earliest start, then id), returning the
 * local start day of each conversation whose mark changed (as `value`): a statement of its own, or
 * a part of another (replaceRows' `alongside`).
 */
export function firstConversationsUpdate(pageId: string, customers: Scope): RawBuilder<unknown> {
  return sql`
    update pancake_private.analytics_conversations f set customer_first_conversation = x.first
    from (
      select conversation_id, row_number() over (partition by customer_id order by started_at, conversation_id) = 1 as first
      from pancake_private.analytics_conversations
      where page_id = ${pageId} and ${inScope(customers, 'customer_id')} and customer_id is not null and started_at is not null
    ) x
    where f.page_id = ${pageId} and f.conversation_id = x.conversation_id and f.customer_first_conversation <> x.first
    returning f.started_day::text as value`;
}

export async function refreshFirstConversations(trx: Trx, pageId: string, customers: Scope): Promise<string[]> {
  const { rows } = await sql<{ value: string | null }>`${firstConversationsUpdate(pageId, customers)}`.execute(trx);
  return distinct(rows.map((r) => r.value));
}

/**
 * Who each conversation is assigned to now, with its answered state (conversations_per_assignee).
 * Reports the conversations whose assignees changed: the employees' daily totals count those.
 */
export function assignmentPart({ pageId }: SummaryPage, scope: Scope): SummaryPart {
  return {
    table: 'analytics_assignments', key: ['user_id', 'conversation_id'], values: ['user_name', 'answered', 'unanswered', 'awaiting_reply'],
    within: inScope(scope, 't.conversation_id'), report: 'conversation_id', reportMembership: true,
    fresh: sql`
      select s.page_id, s.user_id, s.conversation_id, s.user_name, f.first_employee_reply_at is not null as answered,
             f.first_customer_message_at is not null and f.first_employee_reply_at is null as unanswered, coalesce(f.last_message_from_customer, false) as awaiting_reply
      from pancake.conversation_assignees s
      left join pancake_private.analytics_conversations f on f.page_id = s.page_id and f.conversation_id = s.conversation_id
      where s.page_id = ${pageId} and ${inScope(scope, 's.conversation_id')}
        and ${notDeleted('s')}`,
  };
}

/** The local days on which these conversations had customer messages: an assignment counts on them. */
export async function activeDays(trx: Trx, pageId: string, conversations: readonly string[]): Promise<string[]> {
  if (conversations.length === 0) return [];
  const { rows } = await sql<{ days: string[] }>`
    select coalesce(array_agg(distinct day::text), '{}') as days from pancake_private.analytics_conversation_days
    where page_id = ${pageId} and conversation_id = any(${conversations}::text[]) and customer_messages > 0`.execute(trx);
  return rows[0]?.days ?? [];
}
