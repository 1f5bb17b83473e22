// What a conversation's list entry says about its customer and its tags besides the messages: the
// `page_customer` (birthday, global id, notes, orders) and the tag history. Shapes and rates follow
// the real conversation list (test/fixtures/real-samples/README.md): a birthday is an object there
// (`{date: 0, month: 0, year}` when only the year is known), note authors carry their session,
// notes' `order_id` is a string while the order's own id is a number.

import { activityTime } from './channel-shape.js';
import type { ApiTag, PancakeConversation, PancakeMessage } from '../../pancake/types.js';
import type { Random } from './random.js';
import type { Employee } from './model.js';
import type { PageContext } from './pages.js';
import { phoneNumber } from './text.js';
import { formatApiTime, parseApiTime } from './time.js';

export interface Birthday {
  date: number;
  month: number;
  year: number;
}

const NOTES = [
  'Khách hẹn chuyển khoản tối nay',
  'Giao giờ hành chính, gọi trước 15 phút',
  'Khách sỉ, báo giá riêng',
  'Đã gửi mã giảm giá 50k',
  'Khách hay đổi size, tư vấn kỹ',
  'Boom hàng 1 lần, yêu cầu cọc trước ⚠️',
];

/** Mostly unknown; sometimes only the year (month and day 0), sometimes the whole date. */
export function drawBirthday(rng: Random): Birthday | null {
  const draw = rng.next();
  const year = rng.int(1975, 2008);
  if (draw < 0.02) return { date: 0, month: 0, year };
  if (draw < 0.05) return { date: rng.int(1, 28), month: rng.int(1, 12), year };
  return null;
}

/** The page customers list writes a birthday as text: "2007-00-00" when only the year is known. */
export function birthdayText(birthday: Birthday | null): string | null {
  if (!birthday) return null;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${birthday.year}-${two(birthday.month)}-${two(birthday.date)}`;
}

/** Real timestamps with microseconds, such as orders' "2024-07-14T11:35:53.256098". */
function micros(rng: Random, ms: number): string {
  return `${formatApiTime(Math.floor(ms / 1000) * 1000, 0)}.${String(rng.int(0, 999_999)).padStart(6, '0')}`;
}

/** Employees' notes on a customer; `order_id` (a string) names one of their orders now and then. */
export function drawNotes(rng: Random, employees: readonly Employee[], fromMs: number, toMs: number, orderIds: readonly number[] = []): unknown[] | null {
  if (employees.length === 0 || !rng.chance(0.3)) return null;
  return Array.from({ length: rng.int(1, 2) }, () => {
    const author = rng.pick(employees);
    return {
      created_at: fromMs + Math.floor(rng.next() * Math.max(0, toMs - fromMs)),
      created_by: { application: 1, fb_id: author.fb_id, fb_name: author.name, session_id: rng.uuid(), token_for_business: rng.alnum(16), uid: author.id },
      edit_history: [],
      id: rng.uuid(),
      images: [],
      links: [],
      message: rng.pick(NOTES),
      order_id: orderIds.length > 0 && rng.chance(0.5) ? String(rng.pick(orderIds)) : null,
      removed_at: null,
      updated_at: null,
    };
  });
}

function drawOrders(rng: Random, name: string, phones: readonly string[], fromMs: number, toMs: number): Array<Record<string, unknown>> | null {
  if (!rng.chance(0.2)) return null;
  return Array.from({ length: rng.int(1, 3) }, () => {
    const ms = fromMs + Math.floor(rng.next() * Math.max(0, toMs - fromMs));
    return {
      assigning_seller_id: null,
      custom_id: null,
      display_id: rng.int(1_000, 99_999),
      email: null,
      full_name: name,
      id: Number(rng.digits(10)),
      inserted_at: micros(rng, ms),
      is_locked: false,
      last_update_status_at: formatApiTime(Math.floor(ms / 1000) * 1000 + 60_000, 0),
      payment: 0,
      phone_number: phones[0] ?? phoneNumber(rng),
      received_at_shop: false,
      status: rng.int(0, 3),
    };
  });
}

/** Fills the conversation's `page_customer` once its items exist, in the real key order. */
export function describeCustomer(ctx: PageContext, rng: Random, conversation: PancakeConversation, messages: readonly PancakeMessage[]): void {
  const pc = conversation.page_customer;
  if (!pc) return;
  const firstMs = messages[0] ? parseApiTime(messages[0].inserted_at) : parseApiTime(conversation.inserted_at);
  const lastMs = parseApiTime(activityTime(conversation));
  const phones = (conversation.recent_phone_numbers ?? []).map((p) => p.phone_number);
  const orders = conversation.type === 'INBOX' ? drawOrders(rng, String(pc.name ?? ''), phones, firstMs, lastMs) : null;
  conversation.page_customer = {
    birthday: drawBirthday(rng),
    customer_id: pc.customer_id,
    gender: pc.gender ?? null,
    global_id: rng.chance(0.5) ? rng.digits(15) : null,
    id: pc.id,
    inserted_at: formatApiTime(Math.floor(firstMs / 1000) * 1000, 0),
    name: pc.name,
    notes: drawNotes(rng, ctx.employees, firstMs, lastMs, (orders ?? []).map((o) => o.id as number)),
    psid: pc.psid,
    recent_orders: orders,
  };
}

const TAG_REMOVED = { id: null, text: 'Tag removed' };

/** Who put the current tags on and when; now and then a tag put on and taken off, and rarely a deleted tag. */
export function tagHistory(ctx: PageContext, rng: Random, conversation: PancakeConversation, fromMs: number, toMs: number): unknown[] {
  if (ctx.employees.length === 0) return [];
  const at = () => formatApiTime(Math.floor((fromMs + rng.next() * Math.max(0, toMs - fromMs)) / 1000) * 1000, 6);
  const entry = (action: 'add' | 'remove', tag: ApiTag | typeof TAG_REMOVED) => {
    const editor = rng.pick(ctx.employees);
    return { conversation_id: conversation.id, inserted_at: at(), payload: { action, editor_id: editor.id, editor_name: editor.name, tag: { ...tag } } };
  };
  const current = (conversation.tags ?? []).filter((t): t is ApiTag => t !== null);
  const history = current.map((tag) => entry('add', tag));
  const other = ctx.tags.find((t) => !current.some((c) => c.id === t.id));
  if (other && rng.chance(0.3)) history.push(entry('add', other), entry('remove', other));
  if (rng.chance(1 / 60)) history.push(entry('add', TAG_REMOVED));
  return history;
}
