// One page customer, call log, post or employee, shaped as docs/pancake-api.md shows them. Shared by the
// seeded data set (entities.ts) and the live mutations (entity-mutations.ts), so both produce the
// same shapes.

import type { PancakeCallLog, PancakeCustomerNote, PancakePageCustomer, PancakePost, PancakeUser } from '../../pancake/entity-types.js';
import type { PancakeConversation, PancakePage } from '../../pancake/types.js';
import { type Birthday, birthdayText, drawBirthday, drawNotes } from './customer-profile.js';
import type { Random } from './random.js';
import { type Employee, formatField } from './new-conversation.js';
import { fillLine, personName, phoneNumber } from './text.js';

const CITIES = ['Hà Nội', 'TP. Hồ Chí Minh', 'Đà Nẵng', 'Cần Thơ', 'Hải Phòng', 'Biên Hòa', 'Nha Trang', 'Huế', 'Vũng Tàu', 'Buôn Ma Thuột'];

const POST_LINES = [
  'Hàng mới về 🔥 {p} chỉ 189k, inbox shop ngay nha!',
  'Flash sale cuối tuần: giảm 30% toàn bộ {p} ❤️',
  'Feedback khách yêu 🥰 cảm ơn chị đã tin tưởng shop',
  'Livestream tối nay 8h, xả kho {p} đồng giá 99k',
  'Size {s} đã về đủ màu, cả nhà comment SĐT để shop tư vấn',
  'Shop nghỉ Tết từ 28 đến mùng 6,\nđơn đặt trước vẫn giao bình thường nha cả nhà',
];

const POST_TYPES = ['photo', 'photo', 'photo', 'video', 'status', 'livestream'] as const;

function between(rng: Random, fromMs: number, toMs: number): number {
  return toMs <= fromMs ? fromMs : fromMs + Math.floor(rng.next() * (toMs - fromMs));
}

/**
 * The page customer behind a conversation: same ids, name, birthday (as text: "2007-00-00" when only
 * the year is known) and notes as its `page_customer`.
 */
export function customerOfConversation(rng: Random, conversation: PancakeConversation, insertedMs: number, updatedMs: number): PancakePageCustomer {
  const pc = conversation.page_customer;
  const id = pc?.id ?? rng.uuid();
  const psid = pc?.psid ?? null;
  return {
    id,
    customer_id: pc?.customer_id ?? conversation.customer_id ?? null,
    psid,
    thread_id: psid ? `${conversation.page_id}_${psid}` : null,
    name: pc?.name ?? conversation.from?.name ?? null,
    phone_numbers: (conversation.recent_phone_numbers ?? []).map((p) => p.phone_number),
    gender: pc?.gender ?? null,
    birthday: birthdayText((pc?.birthday ?? null) as Birthday | null),
    lives_in: rng.chance(0.4) ? rng.pick(CITIES) : null,
    can_inbox: conversation.type === 'INBOX' ? true : rng.chance(0.3),
    notes: (pc?.notes ?? null) as PancakeCustomerNote[] | null,
    recent_orders: null,
    inserted_at: formatField(id, 'inserted_at', insertedMs),
    updated_at: formatField(id, 'updated_at', updatedMs),
  };
}

/** A customer known to the page without a conversation (a reaction, an order from another channel). */
export function standaloneCustomer(rng: Random, pageId: string, employees: readonly Employee[], insertedMs: number, updatedMs: number): PancakePageCustomer {
  const person = personName(rng);
  const id = rng.uuid();
  const psid = rng.digits(rng.chance(0.5) ? 16 : 17);
  return {
    id,
    customer_id: rng.uuid(),
    psid,
    thread_id: `${pageId}_${psid}`,
    name: person.name,
    phone_numbers: rng.chance(0.35) ? [phoneNumber(rng)] : [],
    gender: person.gender,
    birthday: birthdayText(drawBirthday(rng)),
    lives_in: rng.chance(0.4) ? rng.pick(CITIES) : null,
    can_inbox: rng.chance(0.5),
    notes: drawNotes(rng, employees, insertedMs, updatedMs) as PancakeCustomerNote[] | null,
    recent_orders: null,
    inserted_at: formatField(id, 'inserted_at', insertedMs),
    updated_at: formatField(id, 'updated_at', updatedMs),
  };
}

/**
 * A call between a customer's phone and an employee's SIP extension ("101".."109"). The official
 * shape has no direction field: who called whom is only in caller/callee.
 */
export function newCallLog(rng: Random, customerPhone: string, startMs: number): PancakeCallLog {
  const callId = rng.uuid();
  const extension = `10${rng.int(1, 9)}`;
  const inbound = rng.chance(0.6);
  const status = inbound ? (rng.chance(0.75) ? 'completed' : 'missed') : rng.pick(['completed', 'completed', 'completed', 'no_answer', 'busy']);
  return {
    call_id: callId,
    caller: inbound ? customerPhone : extension,
    callee: inbound ? extension : customerPhone,
    start_time: formatField(callId, 'start_time', startMs),
    duration: status === 'completed' ? rng.int(8, 900) : 0,
    status,
  };
}

export function newPost(rng: Random, page: PancakePage, id: string, insertedMs: number, comments: number): PancakePost {
  const likes = rng.int(0, 400);
  return {
    id,
    page_id: page.id,
    from: { id: page.id, name: page.name },
    message: fillLine(rng.pick(POST_LINES), rng),
    type: rng.pick(POST_TYPES),
    inserted_at: formatField(id, 'inserted_at', insertedMs),
    comment_count: comments + rng.int(0, 25),
    reactions: {
      like_count: likes,
      love_count: Math.floor(likes * rng.next() * 0.3),
      haha_count: rng.chance(0.2) ? rng.int(1, 10) : 0,
      wow_count: rng.chance(0.1) ? rng.int(1, 5) : 0,
      sad_count: 0,
      angry_count: rng.chance(0.05) ? 1 : 0,
      care_count: rng.chance(0.3) ? rng.int(1, 20) : 0,
    },
    phone_number_count: rng.int(0, 3),
  };
}

/** The users answer of a page: its employees, one disabled former employee, the round-robin lists. */
export function pageUsers(rng: Random, employees: readonly Employee[]): { users: PancakeUser[]; disabled_users: PancakeUser[]; round_robin_users: { inbox: string[]; comment: string[] } } {
  const users: PancakeUser[] = employees.map((e, i) => ({
    id: e.id,
    name: e.name,
    fb_id: e.fb_id,
    status: rng.pick(['available', 'available', 'busy', 'away']),
    status_in_page: 'active',
    is_online: rng.chance(0.4),
    // The first employee is the page admin; the others get a subset of the agent permissions.
    page_permissions: { permissions: i === 0 ? [100, 71, 60, 51, 40] : rng.sample([71, 60, 51, 40, 12], rng.int(1, 3)) },
  }));
  const former = personName(rng);
  const disabled: PancakeUser = { id: rng.uuid(), name: former.name, fb_id: rng.digits(15), status: 'offline', status_in_page: 'disabled', is_online: false, page_permissions: { permissions: [] } };
  const inbox = rng.sample(employees, rng.int(1, employees.length)).map((e) => e.id);
  const comment = rng.chance(0.5) ? rng.sample(employees, 1).map((e) => e.id) : [];
  return { users, disabled_users: [disabled], round_robin_users: { inbox, comment } };
}
