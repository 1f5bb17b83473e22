// The page's other records: customers, call logs, posts and employees (users). Generated after the
// conversations, from seeded streams of their own, so adding them changed no conversation or
// message of an existing seed. Customers reuse the conversations' people (same ids and names);
// posts include the ones the comment conversations belong to, so the warehouse joins line up.

import type { PancakeCallLog, PancakePageCustomer, PancakePost, PancakeUser } from '../../pancake/entity-types.js';
import type { PancakeConversation } from '../../pancake/types.js';
import type { SimulatorData } from './data-set.js';
import { customerOfConversation, newCallLog, newPost, pageUsers, standaloneCustomer } from './record-shapes.js';
import { Random } from './random.js';
import { phoneNumber } from './text.js';
import { parseApiTime } from './time.js';

export interface EntityOptions {
  /** Customers without a conversation, as a share of the conversations; default 0.2. */
  extraCustomerShare?: number;
  /** Default: half the conversations of a page. */
  callLogsPerPage?: number;
  /** Posts besides the ones comment conversations belong to; default historyDays / 4. */
  postsPerPage?: number;
}

export interface PageUsers {
  users: PancakeUser[];
  disabled_users: PancakeUser[];
  round_robin_users: { inbox: string[]; comment: string[] };
}

export interface EntityData {
  /** By page id, in creation order (not API order). */
  customers: Map<string, PancakePageCustomer[]>;
  callLogs: Map<string, PancakeCallLog[]>;
  posts: Map<string, PancakePost[]>;
  /** The `users` answer of each page (employees with their status and permissions). */
  users: Map<string, PageUsers>;
  /** The SIP call-center subscription id of each page: the only `id` its call logs accept. */
  callCenters: Map<string, string>;
}

export function emptyEntities(): EntityData {
  return { customers: new Map(), callLogs: new Map(), posts: new Map(), users: new Map(), callCenters: new Map() };
}

const DAY_MS = 86_400_000;

/** Fills `data.entities` for every page of `data`; call once the conversations exist. */
export function generateEntities(data: SimulatorData, historyDays: number, options: EntityOptions = {}): void {
  const nowMs = data.now.getTime();
  const historyStart = nowMs - historyDays * DAY_MS;
  for (const page of data.pages) {
    const employees = data.employees.get(page.id) ?? [];
    const conversations = data.conversations.get(page.id) ?? [];
    const rng = Random.of('entities', data.seed, page.id);
    data.entities.callCenters.set(page.id, rng.uuid());
    data.entities.users.set(page.id, pageUsers(Random.of('users', data.seed, page.id), employees));

    const customers = conversations.map((c) => conversationCustomer(data, c));
    const extra = Math.round(conversations.length * (options.extraCustomerShare ?? 0.2));
    for (let i = 0; i < extra; i++) {
      const r = Random.of('customer', data.seed, page.id, i);
      const inserted = historyStart + Math.floor(r.next() * (nowMs - historyStart));
      customers.push(standaloneCustomer(r, page.id, employees, inserted, inserted + Math.floor(r.next() * (nowMs - inserted))));
    }
    data.entities.customers.set(page.id, customers);

    const phones = customers.flatMap((c) => (c.phone_numbers ?? []).filter((p): p is string => typeof p === 'string'));
    const callRng = Random.of('call-logs', data.seed, page.id);
    const calls: PancakeCallLog[] = [];
    const callCount = options.callLogsPerPage ?? Math.round(conversations.length / 2);
    for (let i = 0; i < callCount; i++) {
      const phone = phones.length > 0 && callRng.chance(0.7) ? callRng.pick(phones) : phoneNumber(callRng);
      calls.push(newCallLog(callRng, phone, historyStart + Math.floor(callRng.next() * (nowMs - historyStart))));
    }
    data.entities.callLogs.set(page.id, calls);

    const postRng = Random.of('posts', data.seed, page.id);
    const posts: PancakePost[] = [];
    const commentsByPost = new Map<string, PancakeConversation[]>();
    // Reviews carry a post_id too, but it names the review, not one of the page's posts.
    for (const c of conversations) if (c.post_id && c.type === 'COMMENT') commentsByPost.set(c.post_id, [...(commentsByPost.get(c.post_id) ?? []), c]);
    for (const [postId, threads] of commentsByPost) {
      const firstComment = Math.min(...threads.map((c) => parseApiTime(c.inserted_at)));
      posts.push(newPost(postRng, page, postId, firstComment - postRng.int(600, 3 * 86_400) * 1000, threads.length));
    }
    const postCount = options.postsPerPage ?? Math.round(historyDays / 4);
    for (let i = 0; i < postCount; i++) {
      const id = `${page.id}_${postRng.digits(15)}`;
      posts.push(newPost(postRng, page, id, historyStart + Math.floor(postRng.next() * (nowMs - historyStart)), 0));
    }
    data.entities.posts.set(page.id, posts);
  }
}

/**
 * The customer record of a conversation's person: first seen when the conversation started, last
 * changed within the history (a customer who came back through an ad months ago was edited since),
 * so a walk of the history by updated_at finds every conversation's customer.
 */
function conversationCustomer(data: SimulatorData, conversation: PancakeConversation): PancakePageCustomer {
  const rng = Random.of('customer', data.seed, conversation.id);
  const inserted = parseApiTime(conversation.inserted_at);
  const last = parseApiTime(conversation.updated_at);
  const from = Math.min(last, Math.max(inserted, data.now.getTime() - data.historyDays * DAY_MS));
  return customerOfConversation(rng, conversation, inserted, from + Math.floor(rng.next() * (last - from)));
}

/** Registers the customer of a conversation created after the data set (a live shop's new chat). */
export function addConversationCustomer(data: SimulatorData, conversation: PancakeConversation): PancakePageCustomer {
  const customer = conversationCustomer(data, conversation);
  const list = data.entities.customers.get(conversation.page_id) ?? [];
  list.push(customer);
  data.entities.customers.set(conversation.page_id, list);
  return customer;
}

/** By page-customer id, or by the global customer_id conversations carry (its first page customer). */
export function findCustomer(data: SimulatorData, customerId: string): PancakePageCustomer {
  for (const list of data.entities.customers.values()) {
    const found = list.find((c) => c.id === customerId) ?? list.find((c) => c.customer_id === customerId);
    if (found) return found;
  }
  throw new Error(`Unknown page customer ${customerId}`);
}
