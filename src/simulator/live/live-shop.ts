// A shop that keeps working while a sync reads it: customers write, employees reply, re-tag and
// re-assign, new customers start conversations, now and then a customer record arrives stamped days
// before it appears and a conversation is deleted. Changes are paced by the requests the simulator
// serves (deterministic for a given seed and request sequence) or by the clock (for
// `pancake-sync simulate`). Every change moves a conversation's updated_at, which is exactly what
// makes a naive page-number walk over updated_at skip rows.

import { Random } from '../shop/random.js';
import { hasCustomer } from '../shop/customers.js';
import type { SimulatorData } from '../shop/model.js';

export type LiveChangeKind = 'new_message' | 'new_conversation' | 'retag' | 'customer_edit' | 'late_customer' | 'deletion';

export interface LiveShopOptions {
  /** Changes per request served, e.g. 0.5 = one change every other request. */
  perRequest?: number;
  /** Changes per second, on a timer (for interactive use; not deterministic in time). */
  perSecond?: number;
  /** Default: the data seed. */
  seed?: number;
  /** Default: all kinds the simulator supports. */
  kinds?: LiveChangeKind[];
}

export interface LiveShopStats {
  changes: number;
  byKind: Record<LiveChangeKind, number>;
  /** Existing conversations whose updated_at moved (they jump to the front of an updated_at walk). */
  moved: Set<string>;
  created: Set<string>;
  /** Conversations deleted (kind `deletion`). */
  deleted: Set<string>;
  /** Customers stamped 1–3 days before they appeared (kind `late_customer`). */
  lateCustomers: Set<string>;
}

/** The simulator's mutations the live shop may call; a kind without a mutator is skipped. */
export interface LiveShopMutators {
  addMessages(conversationId: string, count: number): unknown;
  addConversation(pageId: string): { id: string };
  touchConversation(conversationId: string): void;
  editCustomer?: (customerId: string) => void;
  addCustomer?: (pageId: string, at?: Date, stampedAt?: Date) => { id: string };
  deleteRecord?: (kind: 'conversation', id: string) => boolean;
  /** The shop's clock; default the real one. */
  now?: () => Date;
}

export interface LiveShop {
  readonly stats: LiveShopStats;
  /** Called by the server after each answered request. */
  onRequest(): void;
  stop(): void;
}

const EVERYDAY: LiveChangeKind[] = ['new_message', 'new_message', 'new_message', 'retag', 'new_conversation', 'customer_edit'];
// Weights by repetition: one change in fourteen is a late-stamped customer, one a deletion.
const DEFAULT_KINDS: LiveChangeKind[] = [...EVERYDAY, ...EVERYDAY, 'late_customer', 'deletion'];
const DAY_MS = 86_400_000;

export function startLiveShop(data: SimulatorData, mutators: LiveShopMutators, options: LiveShopOptions): LiveShop {
  const rng = Random.of('live-shop', options.seed ?? data.seed);
  const needs: Partial<Record<LiveChangeKind, unknown>> = { customer_edit: mutators.editCustomer, late_customer: mutators.addCustomer, deletion: mutators.deleteRecord };
  const kinds = (options.kinds ?? DEFAULT_KINDS).filter((k) => !(k in needs) || needs[k] !== undefined);
  const stats: LiveShopStats = {
    changes: 0,
    byKind: { new_message: 0, new_conversation: 0, retag: 0, customer_edit: 0, late_customer: 0, deletion: 0 },
    moved: new Set(),
    created: new Set(),
    deleted: new Set(),
    lateCustomers: new Set(),
  };
  let credit = 0;

  const pickConversation = (): { id: string; pageId: string; customerId: string | null; review: boolean } | null => {
    const page = data.pages[rng.int(0, data.pages.length - 1)];
    const list = page ? data.conversations.get(page.id) : undefined;
    if (!page || !list || list.length === 0) return null;
    const conversation = list[rng.int(0, list.length - 1)]!;
    return { id: conversation.id, pageId: page.id, customerId: typeof conversation.customer_id === 'string' ? conversation.customer_id : null, review: conversation.type === 'RATING' };
  };

  const change = (): void => {
    if (kinds.length === 0) return;
    const kind = kinds[rng.int(0, kinds.length - 1)]!;
    const target = pickConversation();
    if (!target) return;
    switch (kind) {
      case 'new_message':
        // A review takes no messages; its page re-tags it instead.
        if (target.review) mutators.touchConversation(target.id);
        else mutators.addMessages(target.id, rng.int(1, 3));
        stats.moved.add(target.id);
        break;
      case 'retag':
        mutators.touchConversation(target.id);
        stats.moved.add(target.id);
        break;
      case 'new_conversation':
        stats.created.add(mutators.addConversation(target.pageId).id);
        break;
      case 'customer_edit':
        // The conversation's customer may have been deleted meanwhile: nothing to edit then.
        if (target.customerId && hasCustomer(data, target.customerId)) mutators.editCustomer?.(target.customerId);
        break;
      case 'late_customer': {
        const now = mutators.now?.().getTime() ?? Date.now();
        stats.lateCustomers.add(mutators.addCustomer!(target.pageId, undefined, new Date(now - rng.int(DAY_MS / 1000, (3 * DAY_MS) / 1000) * 1000)).id);
        break;
      }
      case 'deletion':
        if (mutators.deleteRecord?.('conversation', target.id)) stats.deleted.add(target.id);
        break;
    }
    stats.changes += 1;
    stats.byKind[kind] += 1;
  };

  const timer = options.perSecond && options.perSecond > 0 ? setInterval(change, 1000 / options.perSecond) : null;
  timer?.unref();

  return {
    stats,
    onRequest() {
      if (!options.perRequest) return;
      credit += options.perRequest;
      while (credit >= 1) {
        credit -= 1;
        change();
      }
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
