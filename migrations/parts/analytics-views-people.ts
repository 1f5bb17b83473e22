import {
  ANSWERED, BUSINESS, DAY, EMPLOYEE_COLUMNS, EMPLOYEE_JOIN, MART, MEDIAN_WARNING, PAGE_COLUMNS, UNATTRIBUTED, USER_ID, USER_NAME, complete, withPage, type ViewSpec,
} from './analytics-view-parts.js';

// Employees' workload and customers: per employee and day, per assignee now, new customers per day.

const workloadDone = complete(['inbox']);
const customersDone = complete(['customers', 'inbox']);

export const PEOPLE_VIEWS: ViewSpec[] = [
  {
    name: 'employee_daily_workload',
    comment: `Per page, local day and employee: conversations assigned to them that were active, conversations they wrote in, messages they sent, and the first replies they gave with their median and 90th percentile response time. ${ANSWERED}${UNATTRIBUTED}`,
    columns: [
      ...PAGE_COLUMNS,
      ['day', DAY],
      ['user_id', `${USER_ID} Null for messages without a user id.`],
      ['user_name', USER_NAME],
      ['assigned_active_conversations', 'Conversations assigned to the employee now (pancake.conversation_assignees) in which the customer wrote that day. Assignment history is not kept, so a reassigned conversation counts for its current assignee on past days too. Distinct within the day; do not sum over days.'],
      ['conversations_replied', 'Conversations in which the employee sent at least one message that day. Distinct within the day; do not sum over days.'],
      ['messages_sent', 'Messages the employee sent that day (adds up over days).'],
      ['first_replies', 'Conversations whose customer\'s first message fell on that day and whose first employee reply was this employee\'s (adds up over days).'],
      ['median_first_response_seconds', `Median seconds from the customer's first message to this employee's first reply, over those first replies.${MEDIAN_WARNING}`],
      ['p90_first_response_seconds', '90th percentile of the same.'],
      ['median_first_response_business_seconds', `The same median.${BUSINESS}`],
      ['p90_first_response_business_seconds', '90th percentile in business seconds.'],
      workloadDone.column,
    ],
    body: withPage(
      `a.day, ${EMPLOYEE_COLUMNS}, a.assigned_active_conversations, a.conversations_replied, a.messages_sent, a.first_replies, a.median_first_response_seconds, a.p90_first_response_seconds,
       a.median_first_response_business_seconds, a.p90_first_response_business_seconds, ${workloadDone.sql}`,
      `select page_id, day, user_id, user_name, assigned_active_conversations, conversations_replied, messages_sent, first_replies, median_first_response_seconds, p90_first_response_seconds,
              median_first_response_business_seconds, p90_first_response_business_seconds
       from ${MART}.analytics_employee_day_totals`,
      EMPLOYEE_JOIN,
    ),
  },
  {
    name: 'conversations_per_assignee',
    comment: `Per page and employee, now: the conversations assigned to them, how many an employee answered, how many are unanswered, and how many wait for a reply. ${ANSWERED}`,
    columns: [
      ...PAGE_COLUMNS,
      ['user_id', USER_ID],
      ['user_name', USER_NAME],
      ['conversations', 'Conversations assigned to the employee now (pancake.conversation_assignees).'],
      ['answered', `Of those, answered by an employee (any employee) after the customer's first message. ${ANSWERED}`],
      ['unanswered', 'Of those, with a customer message but no employee reply after the first one.'],
      ['awaiting_reply', 'Of those, whose latest message (ad clicks aside) came from the customer, answered before or not.'],
    ],
    body: withPage(
      'a.user_id, coalesce(u.name, a.user_name) as user_name, a.conversations, a.answered, a.unanswered, a.awaiting_reply',
      `select page_id, user_id, max(user_name) as user_name, count(*)::int as conversations,
              (count(*) filter (where answered))::int as answered, (count(*) filter (where unanswered))::int as unanswered,
              (count(*) filter (where awaiting_reply))::int as awaiting_reply
       from ${MART}.analytics_assignments group by page_id, user_id`,
      EMPLOYEE_JOIN,
    ),
  },
  {
    name: 'daily_new_customers',
    comment: 'Per page and local day, two ways to count new customers, each named for its definition. They disagree on purpose: many customer records never start a conversation (a reaction, an order from another channel), and a returning customer keeps the record of their first visit.',
    columns: [
      ...PAGE_COLUMNS,
      ['day', DAY],
      ['new_customer_records', 'Customer records the page got that day (pancake.customers.inserted_at): everyone Pancake first saw, with or without a conversation.'],
      ['new_customers_by_first_conversation', 'Customers whose first conversation with the page started that day (no earlier stored conversation of the same customer_id). Close to what the API\'s own statistics count as new customers (pancake.stats_pages.new_customer_count).'],
      customersDone.column,
    ],
    body: withPage(
      `a.day, a.new_customer_records, a.new_customers_by_first_conversation, ${customersDone.sql}`,
      `select page_id, day, new_customer_records, new_customers_by_first_conversation from ${MART}.analytics_customer_days`,
    ),
  },
];
