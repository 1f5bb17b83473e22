// The shop over days and nights: what happens between two instants of the shop's clock, generated
// from the seed and the two instants (the same seed and the same steps give the same shop), so a
// test can run a season of nights without waiting. Besides new conversations, messages, re-tags,
// customer edits, posts and calls, two things a nightly sync cannot see by itself happen by default:
//
// - records stamped earlier than the moment they appear: customers whose updated_at (and
//   inserted_at) is 1–3 days older than when they become listable, so they lie behind the next
//   run's lookback (posts too, when asked for: Pancake's documents say nothing either way);
// - deletions: conversations, customers, posts and tags vanish from the listings, and now and
//   then a deleted record comes back.

import type { DeletableKind, LateStampedRecord, SimulatorData } from '../shop/model.js';
import { Random } from '../shop/random.js';
import { parseDeletedKey } from './deletions.js';

const DAY_MS = 86_400_000;

/** Changes per page and day; fractions are drawn (0.5 → one change every other day on average). */
export interface ShopChangeRates {
  newConversations?: number;
  /** Existing conversations that get 1–3 new messages. */
  messages?: number;
  retags?: number;
  customerEdits?: number;
  /** Customers without a conversation, stamped when they appear. */
  newCustomers?: number;
  /** Customers without a conversation stamped 1–3 days before they appear. */
  lateCustomers?: number;
  newPosts?: number;
  /** Posts whose inserted_at is 1–3 days before they appear (default 0). */
  latePosts?: number;
  newCalls?: number;
  deletedConversations?: number;
  deletedCustomers?: number;
  deletedPosts?: number;
  deletedTags?: number;
  /** Deleted records (of any kind) that come back. */
  restored?: number;
}

/** What changed between two instants: ids by kind. */
export interface ShopChanges {
  from: Date;
  to: Date;
  created: { conversations: string[]; customers: string[]; posts: string[]; callLogs: string[] };
  /** Existing records that changed (new messages, re-tags, edits): their updated_at moved. */
  changed: { conversations: string[]; customers: string[] };
  /** The records of `created` stamped earlier than they appeared. */
  lateStamped: LateStampedRecord[];
  deleted: Array<{ kind: DeletableKind; pageId: string; id: string }>;
  restored: Array<{ kind: DeletableKind; pageId: string; id: string }>;
}

/** The Simulator's changes this module drives (contract.ts); `at` is the change's instant. */
export interface ShopMutators {
  addMessages(conversationId: string, count: number, at: Date): unknown;
  addConversation(pageId: string, at: Date): { id: string };
  touchConversation(conversationId: string, at: Date): void;
  editCustomer(customerId: string, at: Date): unknown;
  addCustomer(pageId: string, at: Date, stampedAt: Date): { id: string };
  addPost(pageId: string, at: Date): { id: string };
  addCallLog(pageId: string, at: Date): { call_id: string };
  deleteRecord(kind: DeletableKind, id: string, at: Date, pageId: string): boolean;
  restoreRecord(kind: DeletableKind, id: string, pageId: string): boolean;
}

/**
 * The default rates, from the shop's own pace: as many new conversations a day as the history
 * holds per day (`conversationsPerPage / historyDays`, at least 1), the rest in proportion.
 */
export function defaultChangeRates(data: SimulatorData): Required<ShopChangeRates> {
  const perPage = Math.max(...data.pages.map((p) => data.conversations.get(p.id)?.length ?? 0), 0);
  const pace = Math.max(1, perPage / data.historyDays);
  return {
    newConversations: pace,
    messages: 2 * pace,
    retags: pace,
    customerEdits: pace,
    newCustomers: 0.2 * pace,
    lateCustomers: 0.5 * pace,
    newPosts: 0.25,
    latePosts: 0,
    newCalls: 0.5 * pace,
    deletedConversations: 0.1 * pace,
    deletedCustomers: 0.1 * pace,
    deletedPosts: 0.05,
    deletedTags: 0.02,
    restored: 0.05 * pace,
  };
}

type Event = { atMs: number; pageId: string; kind: keyof ShopChangeRates; rng: Random };

/** Applies the changes of (fromMs, toMs], in time order, and says what they were; `rates` null: none. */
export function changeShop(data: SimulatorData, mutators: ShopMutators, fromMs: number, toMs: number, rates: ShopChangeRates | null): ShopChanges {
  const all: ShopChangeRates = rates === null ? {} : { ...defaultChangeRates(data), ...rates };
  const days = Math.max(0, toMs - fromMs) / DAY_MS;
  const events: Event[] = [];
  for (const page of data.pages) {
    for (const kind of Object.keys(all) as Array<keyof ShopChangeRates>) {
      const rng = Random.of('shop-changes', data.seed, page.id, kind, fromMs, toMs);
      const expected = (all[kind] ?? 0) * days;
      const count = Math.floor(expected) + (rng.next() < expected - Math.floor(expected) ? 1 : 0);
      for (let i = 0; i < count; i++) events.push({ atMs: fromMs + 1 + Math.floor(rng.next() * (toMs - fromMs - 1)), pageId: page.id, kind, rng });
    }
  }
  events.sort((a, b) => a.atMs - b.atMs);
  const changes: ShopChanges = {
    from: new Date(fromMs),
    to: new Date(toMs),
    created: { conversations: [], customers: [], posts: [], callLogs: [] },
    changed: { conversations: [], customers: [] },
    lateStamped: [],
    deleted: [],
    restored: [],
  };
  for (const event of events) apply(data, mutators, event, changes);
  return changes;
}

function apply(data: SimulatorData, mutators: ShopMutators, { atMs, pageId, kind, rng }: Event, changes: ShopChanges): void {
  const at = new Date(atMs);
  const pick = <T>(list: readonly T[] | undefined): T | undefined => (list && list.length > 0 ? list[rng.int(0, list.length - 1)] : undefined);
  const lateBy = () => rng.int(DAY_MS / 1000, (3 * DAY_MS) / 1000) * 1000;
  switch (kind) {
    case 'newConversations':
      changes.created.conversations.push(mutators.addConversation(pageId, at).id);
      return;
    case 'messages': {
      const conversation = pick(data.conversations.get(pageId));
      if (!conversation) return;
      // A review takes no messages; its page re-tags it instead.
      if (conversation.type === 'RATING') mutators.touchConversation(conversation.id, at);
      else mutators.addMessages(conversation.id, rng.int(1, 3), at);
      changes.changed.conversations.push(conversation.id);
      return;
    }
    case 'retags': {
      const conversation = pick(data.conversations.get(pageId));
      if (!conversation) return;
      mutators.touchConversation(conversation.id, at);
      changes.changed.conversations.push(conversation.id);
      return;
    }
    case 'customerEdits': {
      const customer = pick(data.entities.customers.get(pageId));
      if (!customer) return;
      mutators.editCustomer(customer.id, at);
      changes.changed.customers.push(customer.id);
      return;
    }
    case 'newCustomers':
    case 'lateCustomers': {
      const stamped = kind === 'lateCustomers' ? new Date(atMs - lateBy()) : at;
      const customer = mutators.addCustomer(pageId, at, stamped);
      changes.created.customers.push(customer.id);
      if (stamped < at) changes.lateStamped.push({ kind: 'customer', pageId, id: customer.id, stampedAt: stamped.getTime(), appearedAt: atMs });
      return;
    }
    case 'newPosts':
    case 'latePosts': {
      const stampedMs = kind === 'latePosts' ? atMs - lateBy() : atMs;
      const post = mutators.addPost(pageId, new Date(stampedMs));
      changes.created.posts.push(post.id);
      if (stampedMs < atMs) {
        const record: LateStampedRecord = { kind: 'post', pageId, id: post.id, stampedAt: stampedMs, appearedAt: atMs };
        data.lateStamped.push(record);
        changes.lateStamped.push(record);
      }
      return;
    }
    case 'newCalls':
      changes.created.callLogs.push(mutators.addCallLog(pageId, at).call_id);
      return;
    case 'deletedConversations':
    case 'deletedCustomers':
    case 'deletedPosts':
    case 'deletedTags': {
      const target = deletable(data, kind, pageId);
      const record = pick(target.list);
      if (record && mutators.deleteRecord(target.kind, String(record.id), at, pageId)) changes.deleted.push({ kind: target.kind, pageId, id: String(record.id) });
      return;
    }
    case 'restored': {
      const gone = [...data.deleted.at.keys()].filter((key) => parseDeletedKey(key).pageId === pageId);
      const key = pick(gone.sort());
      if (!key) return;
      const { kind: deletedKind, id } = parseDeletedKey(key);
      if (mutators.restoreRecord(deletedKind, id, pageId)) changes.restored.push({ kind: deletedKind, pageId, id });
      return;
    }
  }
}

function deletable(data: SimulatorData, kind: 'deletedConversations' | 'deletedCustomers' | 'deletedPosts' | 'deletedTags', pageId: string): { kind: DeletableKind; list: ReadonlyArray<{ id: string | number }> | undefined } {
  switch (kind) {
    case 'deletedConversations':
      return { kind: 'conversation', list: data.conversations.get(pageId) };
    case 'deletedCustomers':
      return { kind: 'customer', list: data.entities.customers.get(pageId) };
    case 'deletedPosts':
      return { kind: 'post', list: data.entities.posts.get(pageId) };
    case 'deletedTags':
      // A page keeps at least one tag to put on conversations.
      return { kind: 'tag', list: (data.tags.get(pageId)?.length ?? 0) > 1 ? data.tags.get(pageId) : [] };
  }
}
