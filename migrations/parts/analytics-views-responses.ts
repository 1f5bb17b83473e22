import {
  ANSWERED, BUSINESS, CONVERSATION_TYPE, DAY, EMPLOYEE_COLUMNS, EMPLOYEE_JOIN, HOUR, MART, MEDIAN_WARNING, MONTH, PAGE_COLUMNS, UNATTRIBUTED, USER_ID, USER_NAME, WEEK, complete, withPage, type ViewSpec,
} from './analytics-view-parts.js';

// How fast and how much employees answer. Response times count employees only: bots and automatic
// notices answer within seconds and would hide how long a person took; they have columns of their own.

const F = `${MART}.analytics_conversations`;

function firstResponseByEmployee(period: 'day' | 'week' | 'month'): ViewSpec {
  const column = period === 'day' ? 'day' : `${period}_start`;
  const done = complete(['inbox'], period);
  const whole = period === 'day' ? `.${MEDIAN_WARNING}` : ` (the true median of the ${period}, not an average of daily medians).`;
  return {
    name: `${period === 'day' ? 'daily' : period === 'week' ? 'weekly' : 'monthly'}_first_response_by_employee`,
    comment: `Per page, local ${period} of the customer's first message and employee: conversations whose first employee reply was theirs, and the median and 90th percentile of those first response times over the whole ${period}.${UNATTRIBUTED}`,
    columns: [
      ...PAGE_COLUMNS,
      [column, period === 'day' ? `${DAY} Of the customer's first message.` : period === 'week' ? WEEK : MONTH],
      ['user_id', `${USER_ID} Null for replies without a user id.`],
      ['user_name', USER_NAME],
      ['first_replies', `Conversations whose customer's first message fell in the ${period} and whose first employee reply after it was this employee's.`],
      ['median_response_seconds', `Median over those conversations of the seconds from the customer's first message to this employee's first reply${whole}`],
      ['p90_response_seconds', '90th percentile of the same.'],
      ['median_response_business_seconds', `The same median.${BUSINESS}`],
      ['p90_response_business_seconds', `90th percentile in business seconds.`],
      done.column,
    ],
    body: withPage(
      `a.${column}, ${EMPLOYEE_COLUMNS}, a.first_replies, a.median_response_seconds, a.p90_response_seconds, a.median_response_business_seconds, a.p90_response_business_seconds, ${done.sql}`,
      `select page_id, period_start as ${column}, user_id, user_name, first_replies, median_response_seconds, p90_response_seconds, median_response_business_seconds, p90_response_business_seconds
       from ${MART}.analytics_period_response where period = '${period}'`,
      EMPLOYEE_JOIN,
    ),
  };
}

const dailyDone = complete(['inbox']);

export const RESPONSE_VIEWS: ViewSpec[] = [
  {
    name: 'conversation_first_response',
    comment: `Per conversation in which the customer wrote: the customer's first message, the first employee reply after it and the seconds between them; the first bot reply and the first automatic notice after it in columns of their own. ${ANSWERED} A customer who writes again after a silence is timed in inquiry_first_response.`,
    columns: [
      ...PAGE_COLUMNS,
      ['conversation_id', 'Conversation (pancake.conversations.id).'],
      ['conversation_type', CONVERSATION_TYPE],
      ['customer_id', 'Pancake customer id (pancake.conversations.customer_id).'],
      ['day', `${DAY} Of the customer's first message.`],
      ['hour', `${HOUR} Of the customer's first message.`],
      ['first_customer_message_at', 'The customer\'s first stored message (UTC).'],
      ['page_initiated', 'True when the page started the conversation (the first stored message came from an employee or a bot, not from an ad click); the clock still starts at the customer\'s first message.'],
      ['opened_from_ad', 'True when an ad click opened the conversation (at most a minute after its start).'],
      ['answered', `True when an employee replied after the customer's first message. ${ANSWERED}`],
      ['first_employee_reply_at', 'First message of an employee (sender_kind employee) after the customer\'s first message (UTC); null while unanswered.'],
      ['employee_response_seconds', 'Seconds from the customer\'s first message to the first employee reply; null while unanswered.'],
      ['employee_response_business_seconds', `The same time.${BUSINESS}`],
      ['responder_user_id', `${USER_ID} The employee who gave the first reply; null for a reply without a user id (a template card).`],
      ['responder_name', 'Name of that employee.'],
      ['first_bot_reply_at', 'First bot message (sender_kind bot, e.g. Botcake) after the customer\'s first message (UTC).'],
      ['bot_response_seconds', 'Seconds from the customer\'s first message to the first bot message.'],
      ['first_page_notice_at', 'First automatic notice (sender_kind page_notice: greeting, away message) after the customer\'s first message (UTC).'],
      ['page_notice_response_seconds', 'Seconds from the customer\'s first message to the first automatic notice.'],
      ['awaiting_reply', 'True when the latest message (ad clicks aside) came from the customer: the conversation waits for the page.'],
      ['awaiting_reply_since', 'When the customer\'s wait for an employee began: their first message after the latest employee reply (or their first message, if no employee replied yet); null when an employee replied after the customer\'s latest message. A bot or automatic message does not end the wait (unlike awaiting_reply); the conversation is then in waiting_now.'],
    ],
    body: withPage(
      'a.conversation_id, a.conversation_type, a.customer_id, a.day, a.hour, a.first_customer_message_at, a.page_initiated, a.opened_from_ad, a.answered, a.first_employee_reply_at, a.employee_response_seconds, a.employee_response_business_seconds, a.responder_user_id, a.responder_name, a.first_bot_reply_at, a.bot_response_seconds, a.first_page_notice_at, a.page_notice_response_seconds, a.awaiting_reply, a.awaiting_reply_since',
      `select page_id, conversation_id, conversation_type, customer_id, first_customer_day as day, first_customer_hour as hour, first_customer_message_at,
              page_initiated, opened_from_ad, first_employee_reply_at is not null as answered, first_employee_reply_at,
              employee_response_seconds, employee_response_business_seconds, responder_user_id, responder_name,
              first_bot_reply_at, bot_response_seconds, first_page_notice_at, page_notice_response_seconds,
              last_message_from_customer as awaiting_reply, awaiting_reply_since
       from ${F} where first_customer_message_at is not null`,
    ),
  },
  {
    name: 'daily_first_response',
    comment: `Per page, local day of the customer's first message and conversation type: conversations, how many an employee answered, and employee first response times; bot replies apart. ${ANSWERED}`,
    columns: [
      ...PAGE_COLUMNS,
      ['day', `${DAY} Of the customer's first message.`],
      ['conversation_type', CONVERSATION_TYPE],
      ['conversations', 'Conversations whose customer\'s first message fell on that day.'],
      ['answered', `Of those, answered by an employee. ${ANSWERED}`],
      ['unanswered', 'Of those, not (yet) answered by an employee: conversations - answered.'],
      ['page_initiated', 'Of those, started by the page (see conversation_first_response.page_initiated).'],
      ['median_employee_response_seconds', `Median seconds from the customer's first message to the first employee reply, over the answered ones.${MEDIAN_WARNING}`],
      ['p90_employee_response_seconds', '90th percentile of the same.'],
      ['median_employee_response_business_seconds', `The same median.${BUSINESS}`],
      ['p90_employee_response_business_seconds', '90th percentile in business seconds.'],
      ['answered_by_bot', 'Conversations in which a bot replied after the customer\'s first message (whether or not an employee did).'],
      ['median_bot_response_seconds', 'Median seconds to the first bot reply, over those.'],
      dailyDone.column,
    ],
    body: withPage(
      `a.day, a.conversation_type, a.conversations, a.answered, a.conversations - a.answered as unanswered, a.page_initiated, a.median_employee_response_seconds, a.p90_employee_response_seconds,
       a.median_employee_response_business_seconds, a.p90_employee_response_business_seconds, a.answered_by_bot, a.median_bot_response_seconds, ${dailyDone.sql}`,
      `select page_id, period_start as day, conversation_type, conversations, answered, page_initiated, median_employee_response_seconds, p90_employee_response_seconds,
              median_employee_response_business_seconds, p90_employee_response_business_seconds, answered_by_bot, median_bot_response_seconds
       from ${MART}.analytics_response_by_type where period = 'day'`,
    ),
  },
  firstResponseByEmployee('day'),
  firstResponseByEmployee('week'),
  firstResponseByEmployee('month'),
];
