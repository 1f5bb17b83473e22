// The page's customers. Every conversation's person is one (same ids, name, birthday and notes as the
// conversation's `page_customer`), and a share more are known to the page without a conversation (a
// reaction, an order from another channel). Generated after the conversations, from seeded streams
// of their own, so adding them changed no conversation or message of an existing seed.

import { activityTime } from './channel-shape.js';
import type { PancakeCustomerNote, PancakePageCustomer } from '../../pancake/types.js';
import type { PancakeConversation } from '../../pancake/types.js';
import { type Birthday, birthdayText, drawBirthday, drawNotes } from './customer-profile.js';
import type { Employee, SimulatorData } from './model.js';
import { Random } from './random.js';
import { personName, phoneNumber } from './text.js';
import { formatField, parseApiTime } from './time.js';

const DAY_MS = 86_400_000;

const CITIES = ['Hà Nội', 'TP. Hồ Chí Minh', 'Đà Nẵng', 'Cần Thơ', 'Hải Phòng', 'Biên Hòa', 'Nha Trang', 'Huế', 'Vũng Tàu', 'Buôn Ma Thuột'];

/** The customers of one page: one per conversation, then `extraShare` × conversations without one. */
export function pageCustomers(data: SimulatorData, pageId: string, employees: readonly Employee[], extraShare: number): PancakePageCustomer[] {
  const conversations = data.conversations.get(pageId) ?? [];
  const nowMs = data.now.getTime();
  const historyStart = nowMs - data.historyDays * DAY_MS;
  const customers = conversations.map((c) => conversationCustomer(data, c));
  const extra = Math.round(conversations.length * extraShare);
  for (let i = 0; i < extra; i++) {
    const r = Random.of('customer', data.seed, pageId, i);
    const inserted = historyStart + Math.floor(r.next() * (nowMs - historyStart));
    customers.push(standaloneCustomer(r, pageId, employees, inserted, inserted + Math.floor(r.next() * (nowMs - inserted))));
  }
  return customers;
}

/**
 * The customer record of a conversation's person: first seen when the conversation started, last
 * changed within the history (a customer who came back through an ad months ago was edited since),
 * so a walk of the history by updated_at finds every conversation's customer.
 */
function conversationCustomer(data: SimulatorData, conversation: PancakeConversation): PancakePageCustomer {
  const rng = Random.of('customer', data.seed, conversation.id);
  const inserted = parseApiTime(conversation.inserted_at);
  const last = parseApiTime(activityTime(conversation));
  const from = Math.min(last, Math.max(inserted, data.now.getTime() - data.historyDays * DAY_MS));
  return customerOfConversation(rng, conversation, inserted, from + Math.floor(rng.next() * (last - from)));
}

/**
 * Registers the customer of a conversation created after the data set (a live shop's new chat), last
 * changed when the conversation appears: a run after it finds it by updated_at as it finds the
 * conversation. (Drawn within the conversation's history, which may begin days earlier, it was a
 * late-stamped record that `data.lateStamped` did not list: a nightly run missed it unannounced.)
 */
export function addConversationCustomer(data: SimulatorData, conversation: PancakeConversation): PancakePageCustomer {
  const customer = conversationCustomer(data, conversation);
  customer.updated_at = formatField(customer.id, 'updated_at', parseApiTime(activityTime(conversation)));
  const list = data.entities.customers.get(conversation.page_id) ?? [];
  list.push(customer);
  data.entities.customers.set(conversation.page_id, list);
  return customer;
}

/**
 * A new customer without a conversation (a reaction, an order from another channel), first seen and
 * last changed at `stampedMs`; listed from whenever the caller adds it (live/shop-changes.ts stamps
 * some days before they appear, as records imported late are).
 */
export function addStandaloneCustomer(data: SimulatorData, rng: Random, pageId: string, stampedMs: number): PancakePageCustomer {
  const customer = standaloneCustomer(rng, pageId, data.employees.get(pageId) ?? [], stampedMs, stampedMs);
  const list = data.entities.customers.get(pageId) ?? [];
  list.push(customer);
  data.entities.customers.set(pageId, list);
  data.revision++;
  return customer;
}

/** Whether a page customer (by id or customer_id) is listed now. */
export function hasCustomer(data: SimulatorData, customerId: string): boolean {
  for (const list of data.entities.customers.values()) if (list.some((c) => c.id === customerId || c.customer_id === customerId)) return true;
  return false;
}

/** By page-customer id, or by the global customer_id conversations carry (its first page customer). */
export function findCustomer(data: SimulatorData, customerId: string): PancakePageCustomer {
  for (const list of data.entities.customers.values()) {
    const found = list.find((c) => c.id === customerId) ?? list.find((c) => c.customer_id === customerId);
    if (found) return found;
  }
  throw new Error(`Unknown page customer ${customerId}`);
}

/**
 * The page customer behind a conversation: same ids, name, birthday (as text: "2007-00-00" when only
 * the year is known) and notes as its `page_customer`.
 */
function customerOfConversation(rng: Random, conversation: PancakeConversation, insertedMs: number, updatedMs: number): PancakePageCustomer {
  const pc = conversation.page_customer;
  const id = pc?.id ?? rng.uuid();
  const psid = pc?.psid ?? null;
  return {
    id,
    customer_id: pc?.customer_id ?? conversation.customer_id ?? null,
    psid,
    // An inbox thread only: a commenter has none (real answers leave it null for about one customer in ten).
    thread_id: psid && conversation.type === 'INBOX' ? `${conversation.page_id}_${psid}` : null,
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
function standaloneCustomer(rng: Random, pageId: string, employees: readonly Employee[], insertedMs: number, updatedMs: number): PancakePageCustomer {
  const person = personName(rng);
  const id = rng.uuid();
  const psid = rng.digits(rng.chance(0.5) ? 16 : 17);
  return {
    id,
    customer_id: rng.uuid(),
    psid,
    thread_id: null,
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
