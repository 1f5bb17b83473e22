import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/warehouse/schema.js';

// A small shop whose analytics were worked out by hand (test/integration/analytics.test.ts gives
// each expectation with its arithmetic). Page P1 is at UTC+7, page P2 at UTC. Local days are in
// the week of Monday 2026-03-02. Each scenario has days of its own:
//   Mon 03-02  c1: customer, bot 5 s, notice 10 s, employee Lan 600 s; calls k1-k3; also Tue 03-03
//   Wed 03-04  c3 answered by Minh then the customer wrote last; c4 only a bot; c6 only a notice
//   Thu 03-05  c7 started by the page (Lan), the customer answers, Lan replies 600 s later
//   Fri 03-06  c8 opened from ad A1 (a new customer); c1's customer clicks A1 too; ad A2 only spends
//   Sat 03-07  customers: k9 (first conversation c9), k10 (no conversation), k11 (record at 01:00
//              local, 18:00 UTC the day before); c10 is k1's second conversation
//   P2 (UTC)   Hoa's first replies: 6000 s on Mon; 60, 120, 180 s on Tue

export const P1 = '1000000000000001';
export const P2 = '1000000000000002';

export type Row = Record<string, unknown>;

/** Inserts rows into pancake.<table>; synced tables get an empty `raw` unless a row brings one (bookkeeping has none). */
export async function insert(db: Kysely<Database>, table: string, rows: Row[], withRaw = true): Promise<void> {
  const full = rows.map((row) => (withRaw ? { raw: {}, ...row } : row));
  // Only the columns given: the others keep their defaults.
  const columns = sql.join([...new Set(full.flatMap((row) => Object.keys(row)))].map((c) => sql.ref(c)));
  await sql`insert into ${sql.table(`pancake.${table}`)} (${columns}) select ${columns} from json_populate_recordset(null::${sql.table(`pancake.${table}`)}, ${JSON.stringify(full)})`.execute(db);
}

const kinds = {
  customer: (id: string, conversation: string, at: string, page = P1): Row => ({ page_id: page, id, conversation_id: conversation, inserted_at: at, sender_kind: 'customer', is_from_page: false, type: 'INBOX' }),
  employee: (id: string, conversation: string, at: string, user: string, name: string, page = P1): Row => ({ page_id: page, id, conversation_id: conversation, inserted_at: at, sender_kind: 'employee', is_from_page: true, sender_user_id: user, sender_admin_name: name, type: 'INBOX' }),
  bot: (id: string, conversation: string, at: string): Row => ({ page_id: P1, id, conversation_id: conversation, inserted_at: at, sender_kind: 'bot', is_from_page: true, sender_admin_name: 'Botcake', type: 'INBOX' }),
  notice: (id: string, conversation: string, at: string): Row => ({ page_id: P1, id, conversation_id: conversation, inserted_at: at, sender_kind: 'page_notice', is_from_page: true, type: 'INBOX' }),
  adClick: (id: string, conversation: string, at: string, ad: string): Row => ({ page_id: P1, id, conversation_id: conversation, inserted_at: at, sender_kind: 'ad_click', is_from_page: true, ad_id: ad, type: 'INBOX' }),
};

type HistoryEntry = [at: string, action: string, id: number | null, text: string];
const history = (entries: HistoryEntry[]) => entries.map(([at, action, id, text]) => ({ inserted_at: at, payload: { action, editor_id: 'e1', editor_name: 'Lan', tag: { id, text } } }));
/** The tag histories as the sync stores them too: one row per entry in pancake.conversation_tag_events. */
const tagEvents = (conversation: string, entries: HistoryEntry[]): Row[] =>
  entries.map(([at, action, id, text], i) => ({ page_id: P1, conversation_id: conversation, position: i + 1, at: `${at}Z`, action, tag_id: id === null ? null : String(id), tag_text: text, editor_id: 'e1', editor_name: 'Lan', raw: history([[at, action, id, text]])[0] }));
const HISTORIES: Record<string, HistoryEntry[]> = {
  c1: [
    ['2026-02-20T03:00:00.000000', 'add', 1, 'Chốt đơn'],
    ['2026-03-02T02:15:00.000000', 'add', 2, 'Hỏi giá'],
    ['2026-03-02T02:20:00', 'remove', 1, 'Chốt đơn'],
    ['2026-03-03T03:06:00.123456', 'add', 1, 'Chốt đơn'],
  ],
  c3: [['2026-03-04T01:25:00', 'add', 1, 'Chốt đơn'], ['2026-03-04T01:26:00', 'remove', null, 'Tag removed']],
  c4: [['2026-03-04T02:05:00', 'add', 3, 'Cũ']],
};

function conversation(id: string, customer: string, insertedAt: string, updatedAt: string, lastSentBy: string, raw: Row = {}, page = P1): Row {
  return { page_id: page, id, type: 'INBOX', customer_id: customer, inserted_at: insertedAt, updated_at: updatedAt, last_sent_by_id: lastSentBy, raw };
}

export async function seedShop(db: Kysely<Database>): Promise<void> {
  await insert(db, 'pages', [
    { id: P1, name: 'Shop Một', platform: 'facebook', timezone_offset_hours: 7 },
    { id: P2, name: 'Shop Hai', platform: 'instagram', timezone_offset_hours: 0 },
  ]);
  await insert(db, 'page_users', [
    { page_id: P1, id: 'e1', name: 'Lan' },
    { page_id: P1, id: 'e2', name: 'Minh' },
    { page_id: P2, id: 'e3', name: 'Hoa' },
  ]);
  await insert(db, 'tags', [
    { page_id: P1, id: '1', text: 'Chốt đơn' },
    { page_id: P1, id: '2', text: 'Hỏi giá', deleted_at: '2026-03-05T00:00:00Z' },
    { page_id: P1, id: '3', text: 'Cũ', raw: { id: 3, text: 'Cũ', is_deactive: true } },
  ]);
  await insert(db, 'conversations', [
    conversation('c1', 'k1', '2026-03-02T02:00:00Z', '2026-03-06T06:00:00Z', P1, { tag_histories: history(HISTORIES.c1!) }),
    conversation('c3', 'k3', '2026-03-04T01:00:00Z', '2026-03-04T01:30:00Z', 'psid3', { tag_histories: history(HISTORIES.c3!) }),
    conversation('c4', 'k4', '2026-03-04T02:00:00Z', '2026-03-04T02:00:03Z', P1, { tag_histories: history(HISTORIES.c4!) }),
    conversation('c6', 'k6', '2026-03-04T03:00:00Z', '2026-03-04T03:00:02Z', P1),
    conversation('c7', 'k7', '2026-03-05T02:00:00Z', '2026-03-05T02:40:00Z', P1),
    conversation('c8', 'k8', '2026-03-06T05:00:13Z', '2026-03-06T05:05:10Z', P1),
    conversation('c9', 'k9', '2026-03-07T01:00:00Z', '2026-03-07T01:00:00Z', 'psid9'),
    conversation('c10', 'k1', '2026-03-07T03:00:00Z', '2026-03-07T03:01:00Z', P1),
    conversation('d1', 'm1', '2026-03-02T10:00:00Z', '2026-03-02T11:40:00Z', P2, {}, P2),
    conversation('d2', 'm2', '2026-03-03T10:00:00Z', '2026-03-03T10:01:00Z', P2, {}, P2),
    conversation('d3', 'm3', '2026-03-03T11:00:00Z', '2026-03-03T11:02:00Z', P2, {}, P2),
    conversation('d4', 'm4', '2026-03-03T12:00:00Z', '2026-03-03T12:03:00Z', P2, {}, P2),
  ]);
  const { customer, employee, bot, notice, adClick } = kinds;
  await insert(db, 'messages', [
    customer('m1', 'c1', '2026-03-02T02:00:00Z'),
    bot('m2', 'c1', '2026-03-02T02:00:05Z'),
    notice('m3', 'c1', '2026-03-02T02:00:10Z'),
    employee('m4', 'c1', '2026-03-02T02:10:00Z', 'e1', 'Lan'),
    customer('m5', 'c1', '2026-03-03T03:00:00Z'),
    employee('m6', 'c1', '2026-03-03T03:05:00Z', 'e1', 'Lan'),
    customer('m7', 'c3', '2026-03-04T01:00:00Z'),
    employee('m8', 'c3', '2026-03-04T01:20:00Z', 'e2', 'Minh'),
    customer('m9', 'c3', '2026-03-04T01:30:00Z'),
    customer('m10', 'c4', '2026-03-04T02:00:00Z'),
    bot('m11', 'c4', '2026-03-04T02:00:03Z'),
    customer('m12', 'c6', '2026-03-04T03:00:00Z'),
    notice('m13', 'c6', '2026-03-04T03:00:02Z'),
    employee('m14', 'c7', '2026-03-05T02:00:00Z', 'e1', 'Lan'),
    customer('m15', 'c7', '2026-03-05T02:30:00Z'),
    employee('m16', 'c7', '2026-03-05T02:40:00Z', 'e1', 'Lan'),
    adClick('ad-psid8A1', 'c8', '2026-03-06T05:00:00Z', 'A1'),
    notice('m17', 'c8', '2026-03-06T05:00:04Z'),
    customer('m18', 'c8', '2026-03-06T05:00:10Z'),
    employee('m19', 'c8', '2026-03-06T05:05:10Z', 'e2', 'Minh'),
    customer('m20', 'c9', '2026-03-07T01:00:00Z'),
    customer('m21', 'c10', '2026-03-07T03:00:00Z'),
    employee('m22', 'c10', '2026-03-07T03:01:00Z', 'e1', 'Lan'),
    customer('n1', 'd1', '2026-03-02T10:00:00Z', P2),
    employee('n2', 'd1', '2026-03-02T11:40:00Z', 'e3', 'Hoa', P2),
    customer('n3', 'd2', '2026-03-03T10:00:00Z', P2),
    employee('n4', 'd2', '2026-03-03T10:01:00Z', 'e3', 'Hoa', P2),
    customer('n5', 'd3', '2026-03-03T11:00:00Z', P2),
    employee('n6', 'd3', '2026-03-03T11:02:00Z', 'e3', 'Hoa', P2),
    customer('n7', 'd4', '2026-03-03T12:00:00Z', P2),
    employee('n8', 'd4', '2026-03-03T12:03:00Z', 'e3', 'Hoa', P2),
  ]);
  await insert(db, 'conversation_tag_events', Object.entries(HISTORIES).flatMap(([c, entries]) => tagEvents(c, entries)));
  await insert(db, 'conversation_assignees', [
    { page_id: P1, conversation_id: 'c1', user_id: 'e1' },
    ...['c3', 'c4', 'c6'].map((c) => ({ page_id: P1, conversation_id: c, user_id: 'e2' })),
  ]);
  await insert(db, 'conversation_tags', [
    { page_id: P1, conversation_id: 'c1', tag_id: '1', tag_text: 'Chốt đơn' },
    { page_id: P1, conversation_id: 'c1', tag_id: '2', tag_text: 'Hỏi giá' },
    { page_id: P1, conversation_id: 'c3', tag_id: '1', tag_text: 'Chốt đơn' },
    { page_id: P1, conversation_id: 'c4', tag_id: '3', tag_text: 'Cũ' },
  ]);
  await insert(db, 'ad_clicks', [
    { page_id: P1, conversation_id: 'c8', ad_id: 'A1', clicked_at: '2026-03-06T05:00:00Z', customer_id: 'k8' },
    { page_id: P1, conversation_id: 'c1', ad_id: 'A1', clicked_at: '2026-03-06T06:00:00Z', customer_id: 'k1' },
  ]);
  const ad = (id: string, name: string, spend: number) => ({ page_id: P1, day: '2026-03-06', ad_key: id, ad_id: id, period_start: '2026-03-05T17:00:00Z', ad_name: name, currency: 'VND', impressions: 1000, clicks: 30, spend });
  await insert(db, 'stats_ads', [ad('A1', 'Xuân', 150000), ad('A2', 'Hè', 50000)]);
  await insert(db, 'customers', [
    { page_id: P1, id: 'cu1', customer_id: 'k1', inserted_at: '2026-01-10T00:00:00Z' },
    { page_id: P1, id: 'cu8', customer_id: 'k8', inserted_at: '2026-03-06T05:00:20Z' },
    { page_id: P1, id: 'cu9', customer_id: 'k9', inserted_at: '2026-03-07T01:00:00Z' },
    { page_id: P1, id: 'cu10', customer_id: 'k10', inserted_at: '2026-03-07T02:00:00Z' },
    { page_id: P1, id: 'cu11', customer_id: 'k11', inserted_at: '2026-03-06T18:00:00Z' },
  ]);
  const call = (id: string, at: string, caller: string, callee: string, direction: string, duration: number, status: string) => ({ page_id: P1, call_id: id, start_time: at, caller, callee, direction, duration_seconds: duration, status });
  await insert(db, 'call_logs', [
    call('k1', '2026-03-02T02:00:00Z', '0912345678', '101', 'inbound', 60, 'completed'),
    call('k2', '2026-03-02T03:00:00Z', '0912345679', '101', 'inbound', 0, 'missed'),
    call('k3', '2026-03-02T04:00:00Z', '102', '0987654321', 'outbound', 120, 'completed'),
    call('k4', '2026-03-02T17:30:00Z', '0912345670', '103', 'inbound', 30, 'completed'),
  ]);
}
