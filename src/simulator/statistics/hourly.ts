// The truth behind every simulated statistic: counters per page and UTC hour. Message-based numbers
// come from the shop's own conversations (a customer message in an inbox thread is one "inbox"
// engagement in the hour it was sent), so statistics agree with the synced messages; numbers the
// shop's records cannot give (tags, website referrals) are drawn from a hash of the hour, so they
// are stable for a seed. Any range in any zone is a sum of hours, which keeps the Ho Chi Minh and
// the Berlin buckets exact at once.

import type { PancakeConversation, PancakeMessage } from '../../pancake/types.js';
import type { SimulatorData } from '../shop/model.js';
import { hashSeed } from '../shop/random.js';
import { currentAssignees } from '../shop/assignee-history.js';
import { isFromPage } from '../shop/channel-ids.js';
import { everyConversation, messagesEver } from '../shop/records-ever.js';
import { isAdClickItem, senderKindOf } from '../shop/sender-kinds.js';
import { phonesIn } from '../shop/text.js';
import { parseApiTime } from '../shop/time.js';
import { hourIndex } from './state.js';

export interface UserCounters {
  inbox: number;
  comment: number;
  inboxConversations: Set<string>;
  commentConversations: Set<string>;
  privateReplies: number;
  /** Phone numbers customers left before this employee answered. */
  phones: number;
  responseMs: number;
  responses: number;
  /** New conversations whose first employee reply was this employee's. */
  newReplied: number;
}

export interface HourCounters {
  customerInbox: number;
  customerComment: number;
  pageInbox: number;
  pageComment: number;
  phoneMessages: number;
  phones: Set<string>;
  newCustomers: number;
  newInbox: number;
  /** New conversations (counted in the hour they opened) that an employee replied to. */
  newReplied: number;
  /** Inbox conversations in which a customer wrote this hour. */
  interactiveInbox: Set<string>;
  users: Map<string, UserCounters>;
}

type PageHours = Map<number, HourCounters>;

const cache = new WeakMap<SimulatorData, { revision: number; pages: Map<string, PageHours> }>();

/**
 * Hour counters of a page, rebuilt when the data changed. With `userIds`, only conversations
 * currently assigned to one of those employees count (the engagement endpoint's `user_ids`).
 */
export function hourCounters(data: SimulatorData, pageId: string, userIds: readonly string[] | null = null): PageHours {
  if (userIds) return build(data, pageId, userIds);
  let entry = cache.get(data);
  if (!entry || entry.revision !== data.revision) {
    entry = { revision: data.revision, pages: new Map() };
    cache.set(data, entry);
  }
  let hours = entry.pages.get(pageId);
  if (!hours) {
    hours = build(data, pageId, null);
    entry.pages.set(pageId, hours);
  }
  return hours;
}

function build(data: SimulatorData, pageId: string, userIds: readonly string[] | null): PageHours {
  const hours: PageHours = new Map();
  const at = (ms: number): HourCounters => {
    const h = hourIndex(ms);
    let counters = hours.get(h);
    if (!counters) {
      counters = emptyHour();
      hours.set(h, counters);
    }
    return counters;
  };
  // Deleted conversations too: Pancake's counts are of what happened.
  for (const conversation of everyConversation(data, pageId)) {
    if (userIds && !currentAssignees(conversation).some((id) => userIds.includes(id))) continue;
    countConversation(conversation, messagesEver(data, conversation.id), at);
  }
  return hours;
}

function countConversation(conversation: PancakeConversation, messages: readonly PancakeMessage[], at: (ms: number) => HourCounters): void {
  const first = messages.find((m) => !isAdClickItem(m));
  if (!first) return;
  const inbox = conversation.type !== 'COMMENT';
  const opened = at(parseApiTime(first.inserted_at));
  opened.newCustomers += 1;
  if (inbox) opened.newInbox += 1;
  let waitingSince: number | null = null;
  let pendingPhones = 0;
  let pageReplied = false;
  for (const message of messages) {
    // Ad-click entries are no messages anyone sent: Pancake does not count them (inferred).
    if (isAdClickItem(message)) continue;
    const ms = parseApiTime(message.inserted_at);
    const hour = at(ms);
    const fromPage = isFromPage(message, conversation.page_id);
    if (!fromPage) {
      if (inbox) {
        hour.customerInbox += 1;
        hour.interactiveInbox.add(conversation.id);
      } else {
        hour.customerComment += 1;
      }
      if (message.has_phone) {
        hour.phoneMessages += 1;
        pendingPhones += 1;
        for (const phone of phonesIn(message.original_message ?? '')) hour.phones.add(phone);
      }
      waitingSince ??= ms;
      continue;
    }
    if (inbox) hour.pageInbox += 1;
    else hour.pageComment += 1;
    // An employee's own reply: not a bot's, not an AI or automated one sent under their account.
    const uid = typeof message.from?.uid === 'string' && senderKindOf(message, conversation.page_id) === 'employee' ? message.from.uid : null;
    if (uid) {
      const user = userAt(hour, uid);
      if (!pageReplied) {
        opened.newReplied += 1;
        user.newReplied += 1;
      }
      if (inbox) {
        user.inbox += 1;
        user.inboxConversations.add(conversation.id);
      } else {
        user.comment += 1;
        user.commentConversations.add(conversation.id);
        // The first answer to a commenter goes to their inbox: a private reply.
        if (!pageReplied) user.privateReplies += 1;
      }
      user.phones += pendingPhones;
      if (waitingSince !== null) {
        user.responseMs += ms - waitingSince;
        user.responses += 1;
      }
    }
    // Only an employee's answer ends the customer's wait: a bot or an automatic greeting does not.
    if (!uid) continue;
    pageReplied = true;
    waitingSince = null;
    pendingPhones = 0;
  }
}

function emptyHour(): HourCounters {
  return {
    customerInbox: 0,
    customerComment: 0,
    pageInbox: 0,
    pageComment: 0,
    phoneMessages: 0,
    phones: new Set(),
    newCustomers: 0,
    newInbox: 0,
    newReplied: 0,
    interactiveInbox: new Set(),
    users: new Map(),
  };
}

function userAt(hour: HourCounters, uid: string): UserCounters {
  let user = hour.users.get(uid);
  if (!user) {
    user = { inbox: 0, comment: 0, inboxConversations: new Set(), commentConversations: new Set(), privateReplies: 0, phones: 0, responseMs: 0, responses: 0, newReplied: 0 };
    hour.users.set(uid, user);
  }
  return user;
}

/** A small, stable count for what the records do not hold: 0 most hours, 1–`max` now and then. */
export function drawCount(seed: number, percent: number, max: number, ...parts: Array<string | number>): number {
  const v = hashSeed(seed, ...parts);
  return v % 1000 < percent * 10 ? 1 + ((v >>> 10) % max) : 0;
}
