import type { EndpointContext } from '../endpoint-context.js';
import { walkKeyset } from '../keyset-walk.js';
import type { PancakeConversation } from '../types.js';
import { iterateWindows, requiredEnds } from '../window.js';
import { CONVERSATIONS_PER_PAGE, conversationEndpoints, type ConversationWindow } from './conversations.js';

export interface ConversationIteratorEndpoints {
  /**
   * Every conversation of [since, until] (by `orderBy`, default updated_at), in windows under the
   * one-month limit, oldest window first. Each window is walked with the v2 keyset cursor, the walk
   * the sync uses (keyset-walk.ts), which cannot skip a conversation when another one changes
   * during the walk; a conversation that changes may show up twice: key by id.
   */
  iterateConversations(pageId: string, range: ConversationWindow & { windowSeconds?: number }): AsyncIterable<PancakeConversation[]>;
}

export function conversationIteratorEndpoints(ctx: EndpointContext): ConversationIteratorEndpoints {
  const { listConversations } = conversationEndpoints(ctx);
  return {
    iterateConversations(pageId, range) {
      requiredEnds(range.since, range.until);
      const orderBy = range.orderBy ?? 'updated_at';
      const fetchAfter = (window: { since: number; until: number }, after: string | null) => listConversations(pageId, { ...window, orderBy, tags: range.tags, lastConversationId: after });
      return iterateWindows(range.since, range.until, (window) => walkKeyset(fetchAfter, CONVERSATIONS_PER_PAGE, window, null), range.windowSeconds);
    },
  };
}
