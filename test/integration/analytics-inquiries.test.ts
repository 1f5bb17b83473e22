import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessHoursOf, parseBusinessHours } from '../../src/business-hours.js';
import { refreshAnalytics, type AnalyticsPage } from '../../src/warehouse/analytics/refresh.js';
import { createDb } from '../../src/warehouse/db.js';
import type { Database } from '../../src/warehouse/schema.js';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';
import { P3, P3_HOURS, at, seedInquiries } from '../support/inquiry-seed.js';

/** pg's parser of `date` values as this file found it. */
const DATE_PARSER = pg.types.getTypeParser(1082);

// Inquiries, the queue, business hours, complete days, unattributed replies and ad spend against a
// page whose answers were worked out by hand (test/support/inquiry-seed.ts describes it). Times are
// local (UTC+7); opening hours Mon-Sat 08:00-21:00 (13 h a day, 78 h a week).

const NO_EMPLOYEE = 'no employee (template or automation)';

async function view(db: Kysely<Database>, name: string, where: string, order: string, columns = '*'): Promise<Array<Record<string, unknown>>> {
  const { rows } = await sql.raw<Record<string, unknown>>(`select ${columns} from pancake_analytics.${name} where page_id = '${P3}' and ${where} order by ${order}`).execute(db);
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : typeof v === 'string' && !k.endsWith('id') && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v])),
  );
}

describe('inquiries, the queue, business hours and complete days', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  const page: AnalyticsPage = { id: P3, timezone: 'UTC+7', inquiryGapSeconds: 86_400, businessHours: businessHoursOf(parseBusinessHours(P3_HOURS, (what) => { throw new Error(what); }), P3) };

  beforeAll(async () => {
    database = await createMigratedDatabase('analytics_inquiries');
    db = createDb(database.url, 2);
    await seedInquiries(db);
    await refreshAnalytics(db, page);
    // Process-wide: put back in afterAll, for the test files this process runs next (vitest.config.ts isolate).
    pg.types.setTypeParser(1082, (v) => v);
  });
  afterAll(async () => {
    pg.types.setTypeParser(1082, DATE_PARSER);
    await db?.destroy();
    await database?.drop();
  });

  it('every inquiry, the returning ones included, with its first employee reply in wall-clock and business seconds', async () => {
    const columns = 'conversation_id, inquiry_number, follow_up, day, hour, silence_seconds, answered, employee_response_seconds, employee_response_business_seconds, responder_name';
    expect(await view(db, 'inquiry_first_response', 'true', 'inquiry_at', columns)).toEqual([
      // Mon 09:10 - 09:00; inside opening hours.
      { conversation_id: 'e1', inquiry_number: 1, follow_up: false, day: '2026-03-09', hour: 9, silence_seconds: null, answered: true, employee_response_seconds: 600, employee_response_business_seconds: 600, responder_name: 'Lan' },
      // Mon 10:00 to Wed 10:20: 48 h 20 min = 174 000 s; open Mon 10-21 (39 600) + Tue 08-21 (46 800) + Wed 08:00-10:20 (8 400) = 94 800.
      { conversation_id: 'e6', inquiry_number: 1, follow_up: false, day: '2026-03-09', hour: 10, silence_seconds: null, answered: true, employee_response_seconds: 174000, employee_response_business_seconds: 94800, responder_name: 'Lan' },
      // A reply at night: Tue 22:30 to Wed 08:15 is 9 h 45 min = 35 100 s; open only Wed 08:00-08:15 = 900 s.
      { conversation_id: 'e2', inquiry_number: 1, follow_up: false, day: '2026-03-10', hour: 22, silence_seconds: null, answered: true, employee_response_seconds: 35100, employee_response_business_seconds: 900, responder_name: 'Lan' },
      // e6 again after 48 h of silence (≥ 24 h): a second inquiry, answered by the same reply 20 min later.
      { conversation_id: 'e6', inquiry_number: 2, follow_up: true, day: '2026-03-11', hour: 10, silence_seconds: 172800, answered: true, employee_response_seconds: 1200, employee_response_business_seconds: 1200, responder_name: 'Lan' },
      // The template card answers (no user id).
      { conversation_id: 'e3', inquiry_number: 1, follow_up: false, day: '2026-03-11', hour: 14, silence_seconds: null, answered: true, employee_response_seconds: 300, employee_response_business_seconds: 300, responder_name: 'Lan' },
      // After 3 days of silence: Mon 09:20 to Thu 10:00 = 3 d 40 min = 261 600 s. Minh after 30 min.
      { conversation_id: 'e1', inquiry_number: 2, follow_up: true, day: '2026-03-12', hour: 10, silence_seconds: 261600, answered: true, employee_response_seconds: 1800, employee_response_business_seconds: 1800, responder_name: 'Minh' },
      // Only a bot answered (and the customer's 20:10 message came 10 min later: not an inquiry).
      { conversation_id: 'e4', inquiry_number: 1, follow_up: false, day: '2026-03-12', hour: 20, silence_seconds: null, answered: false, employee_response_seconds: null, employee_response_business_seconds: null, responder_name: null },
      // The 09:30 message came 25 min after the first: not an inquiry.
      { conversation_id: 'e5', inquiry_number: 1, follow_up: false, day: '2026-03-13', hour: 9, silence_seconds: null, answered: true, employee_response_seconds: 300, employee_response_business_seconds: 300, responder_name: 'Lan' },
    ]);
    const [template] = await view(db, 'inquiry_first_response', "conversation_id = 'e3'", 'inquiry_at', 'responder_user_id, first_bot_reply_at');
    expect(template).toEqual({ responder_user_id: null, first_bot_reply_at: null });
    const [bot] = await view(db, 'inquiry_first_response', "conversation_id = 'e4'", 'inquiry_at', 'first_bot_reply_at, bot_response_seconds');
    expect(bot).toEqual({ first_bot_reply_at: at('Thu', '20:00:05'), bot_response_seconds: 5 });
  });

  it('inquiries per day, week and month: true medians and p90, complete only inside the covered days', async () => {
    const columns = 'day, inquiries, follow_ups, answered, unanswered, median_employee_response_seconds, p90_employee_response_seconds, median_employee_response_business_seconds, p90_employee_response_business_seconds, complete';
    expect(await view(db, 'daily_inquiry_response', 'true', 'day', columns)).toEqual([
      // 600 and 174 000: median 87 300; p90 = 600 + 0.9 × 173 400 = 156 660. Business 600 and 94 800: 47 700; 600 + 0.9 × 94 200 = 85 380.
      // Monday lies before the covered range (it starts Tue 17:00): not complete.
      { day: '2026-03-09', inquiries: 2, follow_ups: 0, answered: 2, unanswered: 0, median_employee_response_seconds: 87300, p90_employee_response_seconds: 156660, median_employee_response_business_seconds: 47700, p90_employee_response_business_seconds: 85380, complete: false },
      // Tuesday is covered only from 17:00: partial, not complete.
      { day: '2026-03-10', inquiries: 1, follow_ups: 0, answered: 1, unanswered: 0, median_employee_response_seconds: 35100, p90_employee_response_seconds: 35100, median_employee_response_business_seconds: 900, p90_employee_response_business_seconds: 900, complete: false },
      // 300 and 1200: median 750, p90 = 300 + 0.9 × 900 = 1110.
      { day: '2026-03-11', inquiries: 2, follow_ups: 1, answered: 2, unanswered: 0, median_employee_response_seconds: 750, p90_employee_response_seconds: 1110, median_employee_response_business_seconds: 750, p90_employee_response_business_seconds: 1110, complete: true },
      { day: '2026-03-12', inquiries: 2, follow_ups: 1, answered: 1, unanswered: 1, median_employee_response_seconds: 1800, p90_employee_response_seconds: 1800, median_employee_response_business_seconds: 1800, p90_employee_response_business_seconds: 1800, complete: true },
      { day: '2026-03-13', inquiries: 1, follow_ups: 0, answered: 1, unanswered: 0, median_employee_response_seconds: 300, p90_employee_response_seconds: 300, median_employee_response_business_seconds: 300, p90_employee_response_business_seconds: 300, complete: true },
    ]);
    // The week: 300, 300, 600, 1200, 1800, 35 100, 174 000 → median 1200; p90 at 5.4 → 35 100 + 0.4 × 138 900 = 90 660.
    // Business: 300, 300, 600, 900, 1200, 1800, 94 800 → 900; 1800 + 0.4 × 93 000 = 39 000. Mon, Tue, Sat and Sun are not covered.
    const week = { inquiries: 8, follow_ups: 2, answered: 7, unanswered: 1, median_employee_response_seconds: 1200, p90_employee_response_seconds: 90660, median_employee_response_business_seconds: 900, p90_employee_response_business_seconds: 39000, complete: false };
    expect(await view(db, 'weekly_inquiry_response', 'true', 'week_start', columns.replace('day', 'week_start'))).toEqual([{ week_start: '2026-03-09', ...week }]);
    expect(await view(db, 'monthly_inquiry_response', 'true', 'month_start', columns.replace('day', 'month_start'))).toEqual([{ month_start: '2026-03-01', ...week }]);
  });

  it('inquiries by employee: the template card has its own row, so each day\'s rows add up to answered', async () => {
    const columns = 'day, user_id, user_name, answered, median_response_seconds, p90_response_seconds, median_response_business_seconds, complete';
    const daily = await view(db, 'daily_inquiry_response_by_employee', 'true', 'day, user_name', columns);
    expect(daily).toEqual([
      { day: '2026-03-09', user_id: 'u1', user_name: 'Lan', answered: 2, median_response_seconds: 87300, p90_response_seconds: 156660, median_response_business_seconds: 47700, complete: false },
      { day: '2026-03-10', user_id: 'u1', user_name: 'Lan', answered: 1, median_response_seconds: 35100, p90_response_seconds: 35100, median_response_business_seconds: 900, complete: false },
      { day: '2026-03-11', user_id: 'u1', user_name: 'Lan', answered: 1, median_response_seconds: 1200, p90_response_seconds: 1200, median_response_business_seconds: 1200, complete: true },
      { day: '2026-03-11', user_id: null, user_name: NO_EMPLOYEE, answered: 1, median_response_seconds: 300, p90_response_seconds: 300, median_response_business_seconds: 300, complete: true },
      { day: '2026-03-12', user_id: 'u2', user_name: 'Minh', answered: 1, median_response_seconds: 1800, p90_response_seconds: 1800, median_response_business_seconds: 1800, complete: true },
      { day: '2026-03-13', user_id: 'u1', user_name: 'Lan', answered: 1, median_response_seconds: 300, p90_response_seconds: 300, median_response_business_seconds: 300, complete: true },
    ]);
    const { rows } = await sql<{ day: string; by_employee: number; answered: number }>`
      select r.day::text, (select sum(e.answered)::int from pancake_analytics.daily_inquiry_response_by_employee e where e.page_id = r.page_id and e.day = r.day) as by_employee, sum(r.answered)::int as answered
      from pancake_analytics.daily_inquiry_response r where r.page_id = ${P3} group by r.page_id, r.day order by 1`.execute(db);
    expect(rows.every((r) => r.by_employee === r.answered)).toBe(true);
    // Lan's week: 300, 600, 1200, 35 100, 174 000 → 1200; p90 at 3.6 → 35 100 + 0.6 × 138 900 = 118 440.
    // Business: 300, 600, 900, 1200, 94 800 → 900; 1200 + 0.6 × 93 600 = 57 360.
    const weekly = [
      { user_name: 'Lan', answered: 5, median_response_seconds: 1200, p90_response_seconds: 118440, median_response_business_seconds: 900, p90_response_business_seconds: 57360 },
      { user_name: 'Minh', answered: 1, median_response_seconds: 1800, p90_response_seconds: 1800, median_response_business_seconds: 1800, p90_response_business_seconds: 1800 },
      { user_name: NO_EMPLOYEE, answered: 1, median_response_seconds: 300, p90_response_seconds: 300, median_response_business_seconds: 300, p90_response_business_seconds: 300 },
    ];
    const perEmployee = 'user_name, answered, median_response_seconds, p90_response_seconds, median_response_business_seconds, p90_response_business_seconds';
    expect(await view(db, 'weekly_inquiry_response_by_employee', 'true', 'user_name', perEmployee)).toEqual(weekly);
    // Every inquiry of March is in that week.
    expect(await view(db, 'monthly_inquiry_response_by_employee', 'true', 'user_name', perEmployee)).toEqual(weekly);
  });

  it('conversation-level response views: business seconds, when the wait began, and the template card in every per-employee view', async () => {
    expect(await view(db, 'conversation_first_response', 'true', 'conversation_id', 'conversation_id, employee_response_seconds, employee_response_business_seconds, responder_user_id, awaiting_reply, awaiting_reply_since')).toEqual([
      // Its first inquiry only: the return on Thursday is not timed here.
      { conversation_id: 'e1', employee_response_seconds: 600, employee_response_business_seconds: 600, responder_user_id: 'u1', awaiting_reply: false, awaiting_reply_since: null },
      { conversation_id: 'e2', employee_response_seconds: 35100, employee_response_business_seconds: 900, responder_user_id: 'u1', awaiting_reply: false, awaiting_reply_since: null },
      { conversation_id: 'e3', employee_response_seconds: 300, employee_response_business_seconds: 300, responder_user_id: null, awaiting_reply: false, awaiting_reply_since: null },
      // The bot's message did not end the wait: awaiting since the customer's 20:00 message.
      { conversation_id: 'e4', employee_response_seconds: null, employee_response_business_seconds: null, responder_user_id: null, awaiting_reply: true, awaiting_reply_since: at('Thu', '20:00') },
      // Lan answered 09:00; the customer's 09:30 message waits.
      { conversation_id: 'e5', employee_response_seconds: 300, employee_response_business_seconds: 300, responder_user_id: 'u1', awaiting_reply: true, awaiting_reply_since: at('Fri', '09:30') },
      { conversation_id: 'e6', employee_response_seconds: 174000, employee_response_business_seconds: 94800, responder_user_id: 'u1', awaiting_reply: false, awaiting_reply_since: null },
    ]);
    // Wednesday: e3 (the template card, 300 s). Its first replies add up to daily_first_response.answered.
    expect(await view(db, 'daily_first_response_by_employee', "day = '2026-03-11'", 'user_name', 'user_id, user_name, first_replies, median_response_seconds, median_response_business_seconds, p90_response_business_seconds')).toEqual([
      { user_id: null, user_name: NO_EMPLOYEE, first_replies: 1, median_response_seconds: 300, median_response_business_seconds: 300, p90_response_business_seconds: 300 },
    ]);
    // Monday: e1 (600) and e6 (174 000; 94 800 in business seconds).
    expect(await view(db, 'daily_first_response', "day = '2026-03-09'", 'day', 'answered, median_employee_response_seconds, median_employee_response_business_seconds, complete')).toEqual([
      { answered: 2, median_employee_response_seconds: 87300, median_employee_response_business_seconds: 47700, complete: false },
    ]);
    // Lan's first replies: 300 (e5), 600 (e1), 35 100 (e2), 174 000 (e6) → median 17 850; business 300, 600, 900, 94 800 → 750,
    // p90 at 2.7 → 900 + 0.7 × 93 900 = 66 630.
    const byEmployee = 'user_id, user_name, first_replies, median_response_seconds, median_response_business_seconds, p90_response_business_seconds';
    const lan = { user_id: 'u1', user_name: 'Lan', first_replies: 4, median_response_seconds: 17850, median_response_business_seconds: 750, p90_response_business_seconds: 66630 };
    const template = { user_id: null, user_name: NO_EMPLOYEE, first_replies: 1, median_response_seconds: 300, median_response_business_seconds: 300, p90_response_business_seconds: 300 };
    expect(await view(db, 'weekly_first_response_by_employee', 'true', 'user_name', byEmployee)).toEqual([lan, template]);
    expect(await view(db, 'monthly_first_response_by_employee', 'true', 'user_name', byEmployee)).toEqual([lan, template]);
    expect(await view(db, 'employee_daily_workload', "day = '2026-03-11'", 'user_name', 'user_id, user_name, conversations_replied, messages_sent, first_replies, median_first_response_business_seconds, p90_first_response_business_seconds, complete')).toEqual([
      { user_id: 'u1', user_name: 'Lan', conversations_replied: 2, messages_sent: 2, first_replies: 0, median_first_response_business_seconds: null, p90_first_response_business_seconds: null, complete: true },
      { user_id: null, user_name: NO_EMPLOYEE, conversations_replied: 1, messages_sent: 1, first_replies: 1, median_first_response_business_seconds: 300, p90_first_response_business_seconds: 300, complete: true },
    ]);
  });

  it('who is waiting right now, since when, assigned to whom, and whether a bot answered meanwhile', async () => {
    expect(await view(db, 'waiting_now', 'true', 'waiting_since', 'conversation_id, waiting_since, last_customer_message_at, customer_messages, last_employee_reply_at, bot_replied, assignee_ids, assignee_names, tag_ids, tags')).toEqual([
      { conversation_id: 'e4', waiting_since: at('Thu', '20:00'), last_customer_message_at: at('Thu', '20:10'), customer_messages: 2, last_employee_reply_at: null, bot_replied: true, assignee_ids: ['u2'], assignee_names: ['Minh'], tag_ids: ['2'], tags: ['Hỏi giá'] },
      { conversation_id: 'e5', waiting_since: at('Fri', '09:30'), last_customer_message_at: at('Fri', '09:30'), customer_messages: 1, last_employee_reply_at: at('Fri', '09:05'), bot_replied: false, assignee_ids: [], assignee_names: [], tag_ids: [], tags: [] },
    ]);
    // Measured from the moment the query runs.
    const { rows } = await sql<{ off: number }>`
      select max(abs(waiting_seconds - extract(epoch from (now() - waiting_since))))::float as off from pancake_analytics.waiting_now where page_id = ${P3}`.execute(db);
    expect(rows[0]!.off).toBeLessThanOrEqual(0.5);
  });

  it('ad and campaign spend: 0 on a synced day whose statistics did not list the ad, null on a day not synced; ratings', async () => {
    expect(await view(db, 'daily_ads', 'true', 'day, ad_id', 'day, ad_id, spend, impressions, clicks, conversation_openings, conversations, complete')).toEqual([
      // Monday's ads statistics were not synced.
      { day: '2026-03-09', ad_id: 'X1', spend: null, impressions: null, clicks: null, conversation_openings: 1, conversations: 1, complete: false },
      // Wednesday's were, and did not list X1.
      { day: '2026-03-11', ad_id: 'X1', spend: 0, impressions: 0, clicks: 0, conversation_openings: 1, conversations: 1, complete: true },
      { day: '2026-03-11', ad_id: 'X2', spend: 70000, impressions: 1000, clicks: 30, conversation_openings: 0, conversations: 0, complete: true },
    ]);
    // Campaign C1 (ad X1): Monday not synced; Wednesday synced without C1, so 0, with X1's opening;
    // Thursday its own row. Complete where the campaign statistics (Wed-Thu) and the inbox (Wed-Fri) both cover.
    expect(await view(db, 'daily_campaigns', 'true', 'day', 'day, campaign_key, spend, clicks, conversations, cost_per_conversation, complete')).toEqual([
      { day: '2026-03-09', campaign_key: 'C1', spend: null, clicks: null, conversations: 1, cost_per_conversation: null, complete: false },
      { day: '2026-03-11', campaign_key: 'C1', spend: 0, clicks: 0, conversations: 1, cost_per_conversation: null, complete: true },
      { day: '2026-03-12', campaign_key: 'C1', spend: 40000, clicks: 12, conversations: 0, cost_per_conversation: null, complete: true },
    ]);
    // (2 × 5 + 3) / 3 = 4.33.
    expect(await view(db, 'daily_ratings', 'true', 'day', 'day, ratings, average_rating, five_star, three_star, complete')).toEqual([
      { day: '2026-03-11', ratings: 3, average_rating: 4.33, five_star: 2, three_star: 1, complete: true },
    ]);
  });

  it('complete in every daily, weekly and monthly view: the day inside what each stream it reads has covered', async () => {
    // Covered whole days: conversations and messages Wed-Fri, ads Wed-Fri, campaigns Wed-Thu, ratings
    // Wed-Fri, calls Tue-Thu, customers none.
    const inbox = ['2026-03-11', '2026-03-12', '2026-03-13'];
    const covered: Record<string, string[]> = {
      daily_calls: ['2026-03-10', '2026-03-11', '2026-03-12'],
      daily_calls_by_direction: ['2026-03-10', '2026-03-11', '2026-03-12'],
      daily_new_customers: [],
      daily_campaigns: ['2026-03-11', '2026-03-12'],
    };
    const { rows: views } = await sql<{ name: string; period: string }>`
      select table_name as name, max(column_name) filter (where column_name in ('day', 'week_start', 'month_start')) as period
      from information_schema.columns where table_schema = 'pancake_analytics' group by table_name
      having bool_or(column_name = 'complete') order by 1`.execute(db);
    expect(views.length).toBe(24);
    for (const { name, period } of views) {
      const rows = await view(db, name, 'true', period, `${period} as period, complete`);
      expect(rows.length, name).toBeGreaterThan(0);
      // Weeks and months are never whole here: Monday and the weekend are not covered.
      const want = (day: string) => period === 'day' && (covered[name] ?? inbox).includes(day);
      expect(rows.filter((r) => r.complete !== want(String(r.period))), name).toEqual([]);
    }
  });

  it('a conversation whose messages are still to be fetched makes every day up to its latest change incomplete', async () => {
    const completeDays = async () => (await view(db, 'daily_messages', 'complete', 'day', 'day')).map((r) => r.day);
    expect(await completeDays()).toEqual(['2026-03-11', '2026-03-12', '2026-03-13']);
    // e4 changes at Thu 20:30 (a tag, say): until its messages are fetched again, any day up to
    // Thursday may miss some of them.
    await sql`update pancake.conversations set updated_at = ${at('Thu', '20:30')} where page_id = ${P3} and id = 'e4'`.execute(db);
    await refreshAnalytics(db, page);
    expect(await completeDays()).toEqual(['2026-03-13']);
    // The messages stream finds nothing new and stores only the conversation's message state, which
    // notes no change: the next refresh sees it all the same.
    await sql`update pancake.conversation_message_state set synced_updated_at = ${at('Thu', '20:30')} where page_id = ${P3} and conversation_id = 'e4'`.execute(db);
    await refreshAnalytics(db, page);
    expect(await completeDays()).toEqual(['2026-03-11', '2026-03-12', '2026-03-13']);
  });

  it('business seconds on the local clock: over a closed Sunday, over whole weeks, and equal to wall-clock without hours', async () => {
    const hours = page.businessHours ?? null;
    const seconds = async (from: string, to: string, open: string | null) =>
      Number((await sql<{ s: string }>`select pancake_private.business_seconds(${from}::timestamptz, ${to}::timestamptz, 'UTC+7', ${open}::nummultirange) as s`.execute(db)).rows[0]!.s);
    // Sat 20:00 → Mon 09:00: Sat 20-21 and Mon 08-09.
    expect(await seconds(at('Sat', '20:00'), new Date(Date.parse(at('Mon', '09:00')) + 7 * 86_400_000).toISOString(), hours)).toBe(7200);
    // Two weeks to the minute: 2 × 78 h.
    expect(await seconds(at('Mon', '09:00'), new Date(Date.parse(at('Mon', '09:00')) + 14 * 86_400_000).toISOString(), hours)).toBe(2 * 78 * 3600);
    expect(await seconds(at('Tue', '22:30'), at('Wed', '08:15'), null)).toBe(35100);
    expect(await seconds(at('Tue', '22:30'), at('Wed', '07:59'), hours)).toBe(0);
  });

  it('another inquiry gap or other opening hours summarize the page again', async () => {
    // With 3 days, e6's return after 48 h is no longer an inquiry; e1's after 3 d 40 min still is.
    const result = await refreshAnalytics(db, { ...page, inquiryGapSeconds: 3 * 86_400 });
    expect(result?.rebuilt).toBe(true);
    expect(await view(db, 'inquiry_first_response', 'follow_up', 'inquiry_at', 'conversation_id')).toEqual([{ conversation_id: 'e1' }]);
    // Always open: business seconds are the wall-clock ones.
    expect((await refreshAnalytics(db, { ...page, businessHours: null }))?.rebuilt).toBe(true);
    expect(await view(db, 'inquiry_first_response', "conversation_id = 'e2'", 'inquiry_at', 'employee_response_business_seconds')).toEqual([{ employee_response_business_seconds: 35100 }]);
    expect((await refreshAnalytics(db, page))?.rebuilt).toBe(true);
  });
});
