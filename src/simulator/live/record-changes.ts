// What employees do to a page's other records while a sync runs: re-tag a conversation, remove a
// colleague, edit a customer, take a call, publish a post. Every change bumps data.revision (the
// server caches sorted views by it) and, where the API would, moves the record's updated_at.

import { activityTime } from '../shop/channel-shape.js';
import type { PancakeCallLog, PancakePageCustomer, PancakePost } from '../../pancake/types.js';
import type { ApiTag } from '../../pancake/types.js';
import type { DeletableKind, SimulatorData } from '../shop/model.js';
import { newCallLog } from '../shop/call-logs.js';
import { addStandaloneCustomer, findCustomer } from '../shop/customers.js';
import { deleteRecord, restoreRecord } from './deletions.js';
import { newPost } from '../shop/posts.js';
import type { Random } from '../shop/random.js';
import { summarize } from '../shop/conversation-summary.js';
import { phoneNumber } from '../shop/text.js';
import { formatApiTime, formatField, parseApiTime } from '../shop/time.js';

/** The Simulator's methods for these records (see contract.ts). `at` defaults to now. */
export interface EntitySimulator {
  /** The SIP call-center subscription id the page's call logs accept (PANCAKE_CALL_CENTER_IDS). */
  callCenterId(pageId: string): string;
  /** Puts one of the page's tags on a conversation; moves its updated_at. No-op when it has it already. */
  addTag(conversationId: string, tagId: string | number, at?: Date): void;
  /** Takes a tag off a conversation; moves its updated_at. No-op when it does not have it. */
  removeTag(conversationId: string, tagId: string | number, at?: Date): void;
  /** Removes an employee from the page: gone from users, disabled_users and the round-robin lists. */
  removeUser(pageId: string, userId: string): void;
  /**
   * Changes a customer (adds a note) and sets its updated_at to `at` exactly, even into the past.
   * `customerId` is the page-customer id or the customer_id a conversation carries.
   */
  editCustomer(customerId: string, at?: Date): PancakePageCustomer;
  /** A new call starting at `at`. */
  addCallLog(pageId: string, at?: Date): PancakeCallLog;
  /** A new post published at `at`. */
  addPost(pageId: string, at?: Date): PancakePost;
  /**
   * A new customer without a conversation, listed from now on. `stampedAt` (default `at`) is its
   * inserted_at and updated_at: earlier than now makes a record stamped before it appeared.
   */
  addCustomer(pageId: string, at?: Date, stampedAt?: Date): PancakePageCustomer;
  /**
   * Deletes a conversation, customer, post or tag (`id` as the API sends it): it leaves every
   * listing, a deleted conversation's messages answer 404; the statistics keep counting it. False
   * when it was deleted already. A tag's id is its page's own: name the page when several have it.
   */
  deleteRecord(kind: DeletableKind, id: string, at?: Date, pageId?: string): boolean;
  /** Brings a deleted record back as it was. False when it was not deleted. */
  restoreRecord(kind: DeletableKind, id: string, pageId?: string): boolean;
}

/** `now` is the shop's clock (the server's: real time unless advanced, see contract.ts). */
export function entitySimulator(data: SimulatorData, rng: Random, now: () => number = Date.now): EntitySimulator {
  const at = (date: Date | undefined): number => date?.getTime() ?? now();
  return {
    callCenterId: (pageId) => required(data.entities.callCenters.get(pageId), `No page ${pageId} in this simulator`),
    addTag: (conversationId, tagId, date) => setTag(data, conversationId, tagId, 'add', at(date)),
    removeTag: (conversationId, tagId, date) => setTag(data, conversationId, tagId, 'remove', at(date)),
    removeUser(pageId, userId) {
      const users = required(data.entities.users.get(pageId), `No page ${pageId} in this simulator`);
      const before = users.users.length + users.disabled_users.length;
      users.users = users.users.filter((u) => u.id !== userId);
      users.disabled_users = users.disabled_users.filter((u) => u.id !== userId);
      if (users.users.length + users.disabled_users.length === before) throw new Error(`Page ${pageId} has no user ${userId}`);
      users.round_robin_users = { inbox: users.round_robin_users.inbox.filter((id) => id !== userId), comment: users.round_robin_users.comment.filter((id) => id !== userId) };
      data.revision++;
    },
    editCustomer(customerId, date) {
      const customer = findCustomer(data, customerId);
      const ms = at(date);
      const author = rng.pick(data.employees.get(pageOfCustomer(data, customer)) ?? [{ id: rng.uuid(), name: 'Admin', fb_id: '' }]);
      customer.notes = [...(customer.notes ?? []), { id: rng.uuid(), message: 'Khách cập nhật địa chỉ giao hàng', created_at: ms, created_by: { uid: author.id, fb_name: author.name } }];
      customer.updated_at = formatField(customer.id, 'updated_at', ms);
      data.revision++;
      return customer;
    },
    addCallLog(pageId, date) {
      const calls = required(data.entities.callLogs.get(pageId), `No page ${pageId} in this simulator`);
      const call = newCallLog(rng, phoneNumber(rng), at(date));
      calls.push(call);
      data.revision++;
      return call;
    },
    addPost(pageId, date) {
      const page = required(data.pages.find((p) => p.id === pageId), `No page ${pageId} in this simulator`);
      const post = newPost(rng, page, `${pageId}_${rng.digits(15)}`, at(date), 0);
      data.entities.posts.get(pageId)?.push(post);
      data.revision++;
      return post;
    },
    addCustomer(pageId, date, stampedAt) {
      required(data.pages.find((p) => p.id === pageId), `No page ${pageId} in this simulator`);
      const appeared = at(date);
      const stamped = stampedAt?.getTime() ?? appeared;
      const customer = addStandaloneCustomer(data, rng, pageId, stamped);
      if (stamped < appeared) data.lateStamped.push({ kind: 'customer', pageId, id: customer.id, stampedAt: stamped, appearedAt: appeared });
      return customer;
    },
    deleteRecord: (kind, id, date, pageId) => deleteRecord(data, kind, String(id), at(date), pageId),
    restoreRecord: (kind, id, pageId) => restoreRecord(data, kind, String(id), pageId),
  };
}

/**
 * Adds or removes one tag, with a tag_histories entry as the API records it. `null` entries the
 * real API leaves in `tags` stay where they are.
 */
export function setTag(data: SimulatorData, conversationId: string, tagId: string | number, action: 'add' | 'remove', atMs: number): boolean {
  const conversation = required(data.conversationById.get(conversationId), `Unknown conversation ${conversationId}`);
  const tag = (data.tags.get(conversation.page_id) ?? []).find((t) => String(t.id) === String(tagId));
  if (!tag) throw new Error(`Page ${conversation.page_id} has no tag ${tagId}`);
  const tags = conversation.tags ?? [];
  const has = tags.some((t) => t !== null && String(t.id) === String(tagId));
  if (has === (action === 'add')) return false;
  conversation.tags = action === 'add' ? [...tags, { ...tag }] : tags.filter((t) => t === null || String(t.id) !== String(tagId));
  const ms = Math.max(atMs, parseApiTime(activityTime(conversation)));
  conversation.tag_histories = [...(conversation.tag_histories ?? []), { inserted_at: formatApiTime(ms, 6), payload: { action, editor_id: null, tag: { ...tag } as ApiTag } }];
  summarize(conversation, data.messages.get(conversation.id) ?? [], ms);
  data.revision++;
  return true;
}

function pageOfCustomer(data: SimulatorData, customer: PancakePageCustomer): string {
  for (const [pageId, list] of data.entities.customers) if (list.includes(customer)) return pageId;
  return '';
}

function required<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new Error(message);
  return value;
}
