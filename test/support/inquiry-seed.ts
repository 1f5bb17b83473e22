import type { Kysely } from 'kysely';
import type { PancakeConversation } from '../../src/pancake/types.js';
import { mapTagEvents } from '../../src/sync/streams/conversation-histories.js';
import type { Database } from '../../src/warehouse/schema.js';
import { insert, type Row } from './analytics-seed.js';

// A page whose inquiries, queue, business hours and covered days were worked out by hand
// (test/integration/analytics-inquiries.test.ts gives each expectation with its arithmetic).
// Page P3 is at UTC+7, open Mon-Sat 08:00-21:00; the inquiry gap is 24 hours. Local times below;
// the week is that of Monday 2026-03-09.
//   e1  Mon 09:00 customer, 09:10 Lan (600 s), 09:20 customer; Thu 10:00 customer after 3 days of
//       silence (a follow-up inquiry), 10:30 Minh (1800 s). An ad click on Monday (ad X1).
//   e2  Tue 22:30 customer, Wed 08:15 Lan: 35 100 s on the clock, 900 s in opening hours.
//   e3  Wed 14:00 customer, 14:05 a template card (an employee message without a user id). Opened
//       from ad X1, which the ads statistics of Wednesday do not list; ad X2 only spends.
//   e4  Thu 20:00 customer, 20:00:05 a bot, 20:10 customer: waits, assigned to Minh, tagged.
//   e5  Fri 09:00 customer, 09:05 Lan, 09:30 customer: waits again.
//   e6  Mon 10:00 customer, no reply; Wed 10:00 customer (48 h later: a second inquiry), 10:20 Lan
//       answers both.
// Covered: conversations from Tue 17:00 (Tuesday is partial) to Sat 00:00, so Wed-Fri are whole;
// ads statistics Wed-Fri, read in UTC+7; campaign statistics Wed-Thu (campaign C1 holds ad X1 and
// spends on Thursday); ratings Wed-Fri (three on Wednesday); call logs Tue-Thu (calls on Mon, Wed,
// Fri); customers not synced at all (one customer record, on Wednesday).

export const P3 = '1000000000000003';
export const P3_HOURS = 'Mon-Sat 08:00-21:00';

/** A local time of the week of 2026-03-09 at UTC+7, as a UTC instant. */
export function at(day: 'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat', clock: string): string {
  const date = 9 + ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(day);
  const [h, m, s = '00'] = clock.split(':');
  return new Date(Date.UTC(2026, 2, date, Number(h) - 7, Number(m), Number(s))).toISOString();
}

let sequence = 0;
const message = (conversation: string, when: string, kind: string, extra: Row = {}): Row => ({
  page_id: P3, id: `p3m${++sequence}`, conversation_id: conversation, inserted_at: when, sender_kind: kind, is_from_page: kind !== 'customer', type: 'INBOX', ...extra,
});
const customer = (c: string, when: string) => message(c, when, 'customer');
const employee = (c: string, when: string, user: string | null, name: string) => message(c, when, 'employee', { sender_user_id: user, sender_admin_name: name });

export async function seedInquiries(db: Kysely<Database>): Promise<void> {
  await insert(db, 'pages', [{ id: P3, name: 'Shop Ba', platform: 'facebook', timezone_offset_hours: 7 }]);
  await insert(db, 'page_users', [
    { page_id: P3, id: 'u1', name: 'Lan' },
    { page_id: P3, id: 'u2', name: 'Minh' },
  ]);
  await insert(db, 'tags', [{ page_id: P3, id: '2', text: 'Hỏi giá' }]);
  const conversations: Array<[id: string, customer: string, start: string, last: string]> = [
    ['e1', 'q1', at('Mon', '09:00'), at('Thu', '10:30')],
    ['e2', 'q2', at('Tue', '22:30'), at('Wed', '08:15')],
    ['e3', 'q3', at('Wed', '14:00'), at('Wed', '14:05')],
    ['e4', 'q4', at('Thu', '20:00'), at('Thu', '20:10')],
    ['e5', 'q5', at('Fri', '09:00'), at('Fri', '09:30')],
    ['e6', 'q6', at('Mon', '10:00'), at('Wed', '10:20')],
  ];
  // Tag 2 applied on e1 on Monday and on e4 on Thursday.
  const tagged = (when: string) => ({ tag_histories: [{ inserted_at: when, payload: { action: 'add', editor_id: 'u2', editor_name: 'Minh', tag: { id: 2, text: 'Hỏi giá' } } }] });
  const raw: Record<string, Row> = { e1: tagged(at('Mon', '09:15')), e4: tagged(at('Thu', '20:05')) };
  await insert(db, 'conversations', conversations.map(([id, q, start, last]) => ({ page_id: P3, id, type: 'INBOX', customer_id: q, inserted_at: start, updated_at: last, raw: raw[id] ?? {} })));
  // The histories as the sync stores them too (the tag views read pancake.conversation_tag_events).
  await insert(db, 'conversation_tag_events', Object.entries(raw).flatMap(([id, r]) => mapTagEvents({ id, ...r } as unknown as PancakeConversation, P3) ?? []));
  await insert(db, 'messages', [
    customer('e1', at('Mon', '09:00')),
    employee('e1', at('Mon', '09:10'), 'u1', 'Lan'),
    customer('e1', at('Mon', '09:20')),
    customer('e1', at('Thu', '10:00')),
    employee('e1', at('Thu', '10:30'), 'u2', 'Minh'),
    customer('e2', at('Tue', '22:30')),
    employee('e2', at('Wed', '08:15'), 'u1', 'Lan'),
    customer('e3', at('Wed', '14:00')),
    employee('e3', at('Wed', '14:05'), null, 'Lan'),
    customer('e4', at('Thu', '20:00')),
    message('e4', at('Thu', '20:00:05'), 'bot', { sender_admin_name: 'Botcake' }),
    customer('e4', at('Thu', '20:10')),
    customer('e5', at('Fri', '09:00')),
    employee('e5', at('Fri', '09:05'), 'u1', 'Lan'),
    customer('e5', at('Fri', '09:30')),
    customer('e6', at('Mon', '10:00')),
    customer('e6', at('Wed', '10:00')),
    employee('e6', at('Wed', '10:20'), 'u1', 'Lan'),
  ]);
  await insert(db, 'conversation_assignees', [{ page_id: P3, conversation_id: 'e4', user_id: 'u2' }]);
  await insert(db, 'conversation_tags', [{ page_id: P3, conversation_id: 'e4', tag_id: '2', tag_text: 'Hỏi giá' }]);
  await insert(db, 'ad_clicks', [
    { page_id: P3, conversation_id: 'e1', ad_id: 'X1', clicked_at: at('Mon', '08:59:50'), customer_id: 'q1' },
    { page_id: P3, conversation_id: 'e3', ad_id: 'X1', clicked_at: at('Wed', '13:59:50'), customer_id: 'q3' },
  ]);
  await insert(db, 'stats_ads', [{ page_id: P3, day: '2026-03-11', ad_id: 'X2', ad_key: 'X2', period_start: at('Wed', '00:00'), ad_name: 'Thu', currency: 'VND', impressions: 1000, clicks: 30, spend: 70000 }]);
  // Campaign C1 holds ad X1 (the campaigns answer says so) and spent on Thursday only.
  await insert(db, 'stats_campaigns', [{ page_id: P3, day: '2026-03-12', campaign_key: 'C1', period_start: at('Thu', '00:00'), campaign_id: 'C1', campaign_name: 'Tết', ad_id: 'X1', currency: 'VND', spend: 40000, impressions: 500, clicks: 12 }]);
  // Ratings on Wednesday: two of five stars, one of three.
  await insert(db, 'stats_customer_feedbacks', [
    { page_id: P3, day: '2026-03-11', rating: 5, period_start: at('Wed', '00:00'), feedbacks: 2 },
    { page_id: P3, day: '2026-03-11', rating: 3, period_start: at('Wed', '00:00'), feedbacks: 1 },
  ]);
  const call = (id: string, when: string) => ({ page_id: P3, call_id: id, start_time: when, caller: '0912345678', callee: '101', direction: 'inbound', duration_seconds: 60, status: 'completed' });
  await insert(db, 'call_logs', [call('k1', at('Mon', '10:00')), call('k2', at('Wed', '10:00')), call('k3', at('Fri', '10:00'))]);
  await insert(db, 'customers', [{ page_id: P3, id: 'cu3', customer_id: 'q3', inserted_at: at('Wed', '13:59:55') }]);
  // Every conversation's messages are stored for its current version.
  await insert(db, 'conversation_message_state', conversations.map(([id, , , last]) => ({ page_id: P3, conversation_id: id, synced_updated_at: last, history_complete: true })), false);
  await insert(db, 'sync_state', [
    { page_id: P3, stream: 'conversations', covered_from: at('Tue', '17:00'), watermark: at('Sat', '00:00'), updated_at: at('Sat', '00:00') },
    { page_id: P3, stream: 'call_logs', covered_from: at('Tue', '00:00'), watermark: at('Fri', '00:00'), updated_at: at('Sat', '00:00') },
    { page_id: P3, stream: 'stats_ads', covered_from: at('Wed', '00:00'), watermark: at('Sat', '00:00'), updated_at: at('Sat', '00:00'), cursor: { zone: 'UTC+7', lastDay: '2026-03-13' } },
    { page_id: P3, stream: 'stats_campaigns', covered_from: at('Wed', '00:00'), watermark: at('Fri', '00:00'), updated_at: at('Sat', '00:00'), cursor: { zone: 'UTC+7', lastDay: '2026-03-12' } },
    { page_id: P3, stream: 'stats_customer_feedbacks', covered_from: at('Wed', '00:00'), watermark: at('Sat', '00:00'), updated_at: at('Sat', '00:00'), cursor: { zone: 'UTC+7', lastDay: '2026-03-13' } },
  ], false);
}
