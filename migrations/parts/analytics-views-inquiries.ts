import {
  ANSWERED, BUSINESS, CONVERSATION_TYPE, DAY, EMPLOYEE_COLUMNS, EMPLOYEE_JOIN, HOUR, MART, MEDIAN_WARNING, MONTH, PAGE_COLUMNS, UNATTRIBUTED, USER_ID, USER_NAME, WEEK, complete, withPage, type ViewSpec,
} from './analytics-view-parts.js';

// Inquiries rather than conversations: a conversation lives for years, and a customer who writes
// again after a silence asks something new. Each inquiry is timed to the first employee reply after
// it. And the queue as it stands: who waits for an employee now, since when.

const INQUIRY = 'An inquiry is a customer message that opens the conversation (the customer\'s first message) or comes after at least PANCAKE_INQUIRY_GAP (24 hours unless set) without a customer message.';

type Period = 'day' | 'week' | 'month';
const viewPrefix = (period: Period) => (period === 'day' ? 'daily' : period === 'week' ? 'weekly' : 'monthly');
const periodColumn = (period: Period): [string, string] =>
  period === 'day' ? ['day', `${DAY} Of the inquiry.`] : [`${period}_start`, period === 'week' ? WEEK : MONTH];
const median = (period: Period) => (period === 'day' ? MEDIAN_WARNING : ` The true median of the ${period}, not an average of daily medians.`);

function inquiryResponse(period: Period): ViewSpec {
  const [column] = periodColumn(period);
  const done = complete(['inbox'], period);
  return {
    name: `${viewPrefix(period)}_inquiry_response`,
    comment: `Per page, local ${period} of the inquiry and conversation type: inquiries, follow-ups among them, how many an employee answered, and the employee response times. ${INQUIRY} ${ANSWERED.replace('the customer\'s first message', 'the inquiry')}`,
    columns: [
      ...PAGE_COLUMNS,
      periodColumn(period),
      ['conversation_type', CONVERSATION_TYPE],
      ['inquiries', `Inquiries made in the ${period}.`],
      ['follow_ups', 'Of those, inquiries after a silence in a conversation that had begun before (inquiry_number > 1): returning customers.'],
      ['answered', 'Of those, answered: an employee replied after the inquiry.'],
      ['unanswered', 'Of those, not (yet) answered by an employee: inquiries - answered.'],
      ['median_employee_response_seconds', `Median seconds from the inquiry to the first employee reply after it, over the answered ones.${median(period)}`],
      ['p90_employee_response_seconds', '90th percentile of the same.'],
      ['median_employee_response_business_seconds', `The same median.${BUSINESS}`],
      ['p90_employee_response_business_seconds', '90th percentile in business seconds.'],
      done.column,
    ],
    body: withPage(
      `a.${column}, a.conversation_type, a.inquiries, a.follow_ups, a.answered, a.inquiries - a.answered as unanswered, a.median_employee_response_seconds, a.p90_employee_response_seconds,
       a.median_employee_response_business_seconds, a.p90_employee_response_business_seconds, ${done.sql}`,
      `select page_id, period_start as ${column}, conversation_type, inquiries, follow_ups, answered, median_employee_response_seconds, p90_employee_response_seconds,
              median_employee_response_business_seconds, p90_employee_response_business_seconds
       from ${MART}.analytics_inquiry_response where period = '${period}'`,
    ),
  };
}

function inquiryResponseByEmployee(period: Period): ViewSpec {
  const [column] = periodColumn(period);
  const done = complete(['inbox'], period);
  return {
    name: `${viewPrefix(period)}_inquiry_response_by_employee`,
    comment: `Per page, local ${period} of the inquiry and employee: inquiries whose first employee reply was theirs, with the median and 90th percentile of those response times. ${INQUIRY}${UNATTRIBUTED}`,
    columns: [
      ...PAGE_COLUMNS,
      periodColumn(period),
      ['user_id', `${USER_ID} Null for replies without a user id.`],
      ['user_name', USER_NAME],
      ['answered', `Inquiries made in the ${period} whose first employee reply after them was this employee's. Summed over the employees of a ${period} (the row without an employee included), it is ${viewPrefix(period)}_inquiry_response.answered summed over conversation types.`],
      ['median_response_seconds', `Median seconds from the inquiry to this employee's reply.${median(period)}`],
      ['p90_response_seconds', '90th percentile of the same.'],
      ['median_response_business_seconds', `The same median.${BUSINESS}`],
      ['p90_response_business_seconds', '90th percentile in business seconds.'],
      done.column,
    ],
    body: withPage(
      `a.${column}, ${EMPLOYEE_COLUMNS}, a.answered, a.median_response_seconds, a.p90_response_seconds, a.median_response_business_seconds, a.p90_response_business_seconds, ${done.sql}`,
      `select page_id, period_start as ${column}, user_id, user_name, answered, median_response_seconds, p90_response_seconds, median_response_business_seconds, p90_response_business_seconds
       from ${MART}.analytics_inquiry_response_by_employee where period = '${period}'`,
      EMPLOYEE_JOIN,
    ),
  };
}

export const INQUIRY_VIEWS: ViewSpec[] = [
  {
    name: 'inquiry_first_response',
    comment: `Per inquiry: when the customer asked, after how long a silence, and the first employee reply after it. ${INQUIRY} The first inquiry of a conversation is the one conversation_first_response times; the later ones are returning customers it does not see.`,
    columns: [
      ...PAGE_COLUMNS,
      ['conversation_id', 'Conversation (pancake.conversations.id).'],
      ['conversation_type', CONVERSATION_TYPE],
      ['customer_id', 'Pancake customer id (pancake.conversations.customer_id).'],
      ['inquiry_number', 'Which inquiry of the conversation this is: 1 for the customer\'s first message, 2 for the first after a silence, ...'],
      ['follow_up', 'True for every inquiry but the first of its conversation: the customer came back after a silence.'],
      ['inquiry_at', 'The customer\'s message that made the inquiry (UTC).'],
      ['day', `${DAY} Of the inquiry.`],
      ['hour', `${HOUR} Of the inquiry.`],
      ['previous_customer_message_at', 'The customer\'s message before it (UTC); null for the first inquiry.'],
      ['silence_seconds', 'Seconds since the customer\'s previous message; null for the first inquiry.'],
      ['answered', 'True when an employee replied after the inquiry (sender_kind employee; bots and automatic notices are not answers).'],
      ['first_employee_reply_at', 'First employee message after the inquiry (UTC); null while unanswered. When the customer wrote again after another silence before anyone replied, that reply answers both inquiries.'],
      ['employee_response_seconds', 'Seconds from the inquiry to the first employee reply; null while unanswered.'],
      ['employee_response_business_seconds', `The same time.${BUSINESS}`],
      ['responder_user_id', `${USER_ID} The employee who replied first; null for a reply without a user id (a template card).`],
      ['responder_name', 'Name of that employee.'],
      ['first_bot_reply_at', 'First bot message after the inquiry (UTC).'],
      ['bot_response_seconds', 'Seconds from the inquiry to the first bot message.'],
    ],
    body: withPage(
      `a.conversation_id, a.conversation_type, a.customer_id, a.inquiry_number, a.inquiry_number > 1 as follow_up, a.inquiry_at, a.day, a.hour, a.previous_customer_message_at,
       a.silence_seconds, a.first_employee_reply_at is not null as answered, a.first_employee_reply_at, a.employee_response_seconds, a.employee_response_business_seconds,
       a.responder_user_id, a.responder_name, a.first_bot_reply_at, a.bot_response_seconds`,
      `select page_id, conversation_id, conversation_type, customer_id, inquiry_number, inquiry_at, day, hour, previous_customer_message_at, silence_seconds, first_employee_reply_at,
              employee_response_seconds, employee_response_business_seconds, responder_user_id, responder_name, first_bot_reply_at, bot_response_seconds
       from ${MART}.analytics_inquiries`,
    ),
  },
  inquiryResponse('day'),
  inquiryResponse('week'),
  inquiryResponse('month'),
  inquiryResponseByEmployee('day'),
  inquiryResponseByEmployee('week'),
  inquiryResponseByEmployee('month'),
  {
    name: 'waiting_now',
    comment: 'Every conversation waiting for an employee now: the customer wrote after the latest employee reply (or no employee replied yet). A bot or automatic message does not end the wait; bot_replied says whether one came. As of the latest sync.',
    columns: [
      ...PAGE_COLUMNS,
      ['conversation_id', 'Conversation (pancake.conversations.id).'],
      ['conversation_type', CONVERSATION_TYPE],
      ['customer_id', 'Pancake customer id (pancake.conversations.customer_id).'],
      ['waiting_since', 'The customer\'s first message after the latest employee reply (UTC): when the wait began (conversation_first_response.awaiting_reply_since).'],
      ['waiting_seconds', 'Seconds from waiting_since to now (the moment the query runs).'],
      ['last_customer_message_at', 'The customer\'s latest message (UTC).'],
      ['customer_messages', 'Messages the customer sent since waiting_since.'],
      ['last_employee_reply_at', 'The latest employee message (UTC); null when no employee ever replied.'],
      ['bot_replied', 'True when a bot (sender_kind bot) wrote since waiting_since: the customer got an automatic answer, not a person\'s.'],
      ['assignee_ids', 'Employees the conversation is assigned to (pancake.conversation_assignees.user_id); empty when nobody is.'],
      ['assignee_names', 'Their names, in the same order (pancake.page_users.name, else the name on the assignment).'],
      ['tag_ids', 'Tags the conversation carries (pancake.conversation_tags.tag_id).'],
      ['tags', 'Their labels, in the same order.'],
    ],
    body: withPage(
      `a.conversation_id, a.conversation_type, a.customer_id, a.waiting_since, round(extract(epoch from (now() - a.waiting_since))::numeric, 0) as waiting_seconds,
       a.last_customer_message_at, a.customer_messages, a.last_employee_reply_at, a.bot_replied, a.assignee_ids, a.assignee_names, a.tag_ids, a.tag_texts as tags`,
      `select page_id, conversation_id, conversation_type, customer_id, waiting_since, last_customer_message_at, customer_messages, last_employee_reply_at, bot_replied,
              assignee_ids, assignee_names, tag_ids, tag_texts
       from ${MART}.analytics_waiting`,
    ),
  },
];
