// A shop that keeps working while a sync reads it: customers write, employees reply, re-tag and
// re-assign, new customers start conversations. Changes are paced by the requests the simulator
// serves (deterministic for a given seed and request sequence) or by the clock (for
// `pancake-sync simulate`). Every change moves a conversation's updated_at, which is exactly what
// makes a naive page-number walk over updated_at skip rows.

import { Random } from '../shop/random.js';
import type { SimulatorData } from '../shop/model.js';

export type LiveChangeKind = 'new_message' | 'new_conversation' | 'retag' | 'customer_edit';

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
}

/** The simulator's mutations the live shop may call; a kind without a mutator is skipped. */
export interface LiveShopMutators {
  addMessages(conversationId: string, count: number): unknown;
  addConversation(pageId: string): { id: string };
  touchConversation(conversationId: string): void;
  editCustomer?: (customerId: string) => void;
}

export interface LiveShop {
  readonly stats: LiveShopStats;
  /** Called by the server after each answered request. */
  onRequest(): void;
  stop(): void;
}

const DEFAULT_KINDS: LiveChangeKind[] = ['new_message', 'new_message', 'new_message', 'retag', 'new_conversation', 'customer_edit'];

export function startLiveShop(data: SimulatorData, mutators: LiveShopMutators, options: LiveShopOptions): LiveShop {
  const rng = Random.of('live-shop', options.seed ?? data.seed);
  const kinds = (options.kinds ?? DEFAULT_KINDS).filter((k) => k !== 'customer_edit' || mutators.editCustomer);
  const stats: LiveShopStats = {
    changes: 0,
    byKind: { new_message: 0, new_conversation: 0, retag: 0, customer_edit: 0 },
    moved: new Set(),
    created: new Set(),
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
        if (target.customerId) mutators.editCustomer?.(target.customerId);
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
