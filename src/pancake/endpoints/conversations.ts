import { PancakeError } from '../errors.js';
import type { EndpointContext } from '../endpoint-context.js';
import { checkPageNumber } from '../page-walk.js';
import type { Instant } from '../time.js';
import { checkRange, optionalRange } from '../window.js';
import type { ConversationOrder, ListConversationsResponse, PancakeConversation } from '../types.js';

export const CONVERSATIONS_PER_PAGE = 60;

export interface ConversationWindow {
  since: Instant;
  until: Instant;
  orderBy?: ConversationOrder;
  /** Comma-separated tag ids to filter on. */
  tags?: string;
}

/** v1 paging: page numbers from 1, 60 conversations a page. */
export interface ConversationPageParams extends ConversationWindow {
  pageNumber: number;
}

/** v2 paging: the next 60 conversations after `lastConversationId` (null for the first batch). */
export interface ConversationCursorParams extends Partial<ConversationWindow> {
  lastConversationId: string | null;
}

export interface ConversationEndpoints {
  /** One batch of conversations: v1 when `pageNumber` is given, else the v2 cursor. */
  listConversations(pageId: string, params: ConversationPageParams | ConversationCursorParams): Promise<PancakeConversation[]>;
}

export function conversationEndpoints(ctx: EndpointContext): ConversationEndpoints {
  return {
    async listConversations(pageId, params) {
      if ('pageNumber' in params) {
        const pageNumber = checkPageNumber(params.pageNumber);
        const range = checkRange(params.since, params.until);
        const body = await ctx.pageGet<ListConversationsResponse>(pageId, '/conversations', { ...range, page_number: pageNumber, order_by: params.orderBy, tags: params.tags });
        return conversationsOf(body, pageId);
      }
      const range = optionalRange(params.since, params.until);
      const body = await ctx.pageGet<ListConversationsResponse>(
        pageId,
        '/conversations',
        { ...range, last_conversation_id: params.lastConversationId ?? undefined, order_by: params.orderBy, tags: params.tags },
        'page_v2',
      );
      return conversationsOf(body, pageId);
    },
  };
}

function conversationsOf(body: ListConversationsResponse, pageId: string): PancakeConversation[] {
  if (!Array.isArray(body.conversations)) {
    throw new PancakeError(`Pancake sent no conversations list for page ${pageId}`, { kind: 'invalid_response', pageId });
  }
  return body.conversations;
}
