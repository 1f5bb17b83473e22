import type { EndpointContext } from '../endpoint-context.js';
import { requiredEnds, walkWindows } from '../paging.js';
import type { PancakeConversation } from '../types.js';
import { CONVERSATIONS_PER_PAGE, conversationEndpoints, type ConversationWindow } from './conversations.js';

export interface ConversationIteratorEndpoints {
  /**
   * Every conversation of [since, until] (by `orderBy`, default updated_at), in windows under the
   * one-month limit, oldest window first. Each window is walked with the v2 keyset cursor, which
   * cannot skip a conversation when another one changes during the walk (docs/pancake-api.md, "Paging
   * hazard"); a conversation that changes may show up twice: key by id.
   */
  iterateConversations(pageId: string, range: ConversationWindow & { windowSeconds?: number }): AsyncIterable<PancakeConversation[]>;
}

export function conversationIteratorEndpoints(ctx: EndpointContext): ConversationIteratorEndpoints {
  const { listConversations } = conversationEndpoints(ctx);
  return {
    iterateConversations(pageId, range) {
      requiredEnds(range.since, range.until);
      const orderBy = range.orderBy ?? 'updated_at';
      return walkWindows(
        range.since,
        range.until,
        async function* (window) {
          let after: string | null = null;
          for (;;) {
            const batch = await listConversations(pageId, { ...window, orderBy, tags: range.tags, lastConversationId: after });
            if (batch.length > 0) yield batch;
            const last = batch.at(-1);
            if (batch.length < CONVERSATIONS_PER_PAGE || last === undefined) return;
            after = last.id;
          }
        },
        range.windowSeconds,
      );
    },
  };
}
