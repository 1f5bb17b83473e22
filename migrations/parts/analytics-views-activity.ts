import { CONVERSATION_TYPE, DAY, DISTINCT_PER_DAY, HOUR, MART, MONTH, PAGE_COLUMNS, WEEK, complete, withPage, type ViewSpec } from './analytics-view-parts.js';

// Conversations and messages over time: per local day, per week or month, per local hour.

const MESSAGE_COUNTS: Array<[string, string]> = [
  ['messages', 'Messages sent that day by anyone (customers, employees, bots, automatic notices); ad-click entries are not messages and are left out.'],
  ['customer_messages', 'Messages customers sent (sender_kind customer).'],
  ['employee_messages', 'Messages employees sent (sender_kind employee).'],
  ['bot_messages', 'Messages bot flows such as Botcake sent (sender_kind bot).'],
  ['page_notice_messages', 'Automatic messages of the page: greetings, away messages, platform notices (sender_kind page_notice).'],
];

const dailyDone = complete(['inbox']);
const WEEKDAYS = `(array['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'])`;

function activePerPeriod(period: 'week' | 'month'): ViewSpec {
  const column = `${period}_start`;
  const done = complete(['inbox'], period);
  return {
    name: `${period === 'week' ? 'weekly' : 'monthly'}_active_conversations`,
    comment: `Per page, local ${period} and conversation type: distinct conversations with messages in the ${period}, and the messages. Unlike summing daily_messages.active_conversations, a conversation active on several days counts once.`,
    columns: [
      ...PAGE_COLUMNS,
      [column, period === 'week' ? WEEK : MONTH],
      ['conversation_type', CONVERSATION_TYPE],
      ['active_conversations', `Distinct conversations with at least one message (any sender) in the ${period}.`],
      ['conversations_with_customer_messages', `Distinct conversations in which the customer wrote in the ${period}.`],
      ...MESSAGE_COUNTS.map(([name, text]): [string, string] => [name, text.replace('that day', `in the ${period}`)]),
      done.column,
    ],
    body: withPage(
      `a.${column}, a.conversation_type, a.active_conversations, a.conversations_with_customer_messages, a.messages, a.customer_messages, a.employee_messages, a.bot_messages, a.page_notice_messages, ${done.sql}`,
      `select page_id, period_start as ${column}, conversation_type, active_conversations, conversations_with_customer_messages, messages, customer_messages, employee_messages, bot_messages, page_notice_messages
       from ${MART}.analytics_period_activity where period = '${period}'`,
    ),
  };
}

export const ACTIVITY_VIEWS: ViewSpec[] = [
  {
    name: 'daily_conversations',
    comment: 'Per page, local day and conversation type: conversations that started that day (the earlier of the conversation\'s inserted_at and its first stored message), and who started them.',
    columns: [
      ...PAGE_COLUMNS,
      ['day', DAY],
      ['conversation_type', CONVERSATION_TYPE],
      ['new_conversations', 'Conversations that started that day.'],
      ['customer_initiated', 'Of those, started by the customer: new_conversations - page_initiated.'],
      ['page_initiated', 'Of those, started by the page: the first stored message came from an employee or a bot, and no ad click opened it (automatic greetings answer a customer who opened the chat, so they do not count as the page starting it).'],
      ['opened_from_ad', 'Of those, opened from an ad: an ad click (pancake.ad_clicks or an ad-click entry) at most a minute after the start.'],
      ['first_conversations_of_customers', 'Of those, the customer\'s first conversation with the page (no earlier stored conversation of the same customer_id): new customers by their first conversation, as in daily_new_customers.'],
      dailyDone.column,
    ],
    body: withPage(
      `a.day, a.conversation_type, a.new_conversations, a.new_conversations - a.page_initiated as customer_initiated, a.page_initiated, a.opened_from_ad, a.first_conversations_of_customers, ${dailyDone.sql}`,
      `select page_id, day, conversation_type, new_conversations, page_initiated, opened_from_ad, first_conversations_of_customers from ${MART}.analytics_start_days`,
    ),
  },
  {
    name: 'daily_messages',
    comment: 'Per page, local day and conversation type: messages by who sent them (customer, employee, bot, automatic notice), ad clicks, and the conversations that were active.',
    columns: [
      ...PAGE_COLUMNS,
      ['day', DAY],
      ['conversation_type', CONVERSATION_TYPE],
      ...MESSAGE_COUNTS,
      ['ad_clicks', 'Ad-click entries: customers opening the conversation from an ad (sender_kind ad_click).'],
      ['active_conversations', `Conversations with at least one message that day.${DISTINCT_PER_DAY}`],
      ['conversations_with_customer_messages', `Conversations in which the customer wrote that day.${DISTINCT_PER_DAY}`],
      dailyDone.column,
    ],
    body: withPage(
      `a.day, a.conversation_type, a.messages, a.customer_messages, a.employee_messages, a.bot_messages, a.page_notice_messages, a.ad_clicks, a.active_conversations, a.conversations_with_customer_messages, ${dailyDone.sql}`,
      `select page_id, period_start as day, conversation_type, messages, customer_messages, employee_messages, bot_messages, page_notice_messages, ad_clicks, active_conversations, conversations_with_customer_messages
       from ${MART}.analytics_period_activity where period = 'day'`,
    ),
  },
  activePerPeriod('week'),
  activePerPeriod('month'),
  {
    name: 'hourly_activity',
    comment: 'Per page, local day, local hour and conversation type: messages by sender and new conversations, with the weekday, for "busiest hours" (group by weekday and hour). Every count adds up over days and hours.',
    columns: [
      ...PAGE_COLUMNS,
      ['day', DAY],
      ['weekday', 'ISO weekday of the local day: 1 = Monday ... 7 = Sunday.'],
      ['weekday_name', 'Weekday name in English (Monday ... Sunday).'],
      ['hour', HOUR],
      ['conversation_type', CONVERSATION_TYPE],
      ...MESSAGE_COUNTS.map(([name, text]): [string, string] => [name, text.replace('that day', 'in that hour')]),
      ['new_conversations', 'Conversations that started in that hour (as daily_conversations.new_conversations).'],
      dailyDone.column,
    ],
    body: withPage(
      `a.day, a.weekday, ${WEEKDAYS}[a.weekday] as weekday_name, a.hour, a.conversation_type,
       a.messages, a.customer_messages, a.employee_messages, a.bot_messages, a.page_notice_messages, a.new_conversations, ${dailyDone.sql}`,
      `select page_id, day, weekday, hour, conversation_type, messages, customer_messages, employee_messages, bot_messages, page_notice_messages, new_conversations
       from ${MART}.analytics_hour_totals`,
    ),
  },
];
