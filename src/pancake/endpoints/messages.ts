import { PancakeArgumentError, PancakeError, StuckWalkError } from '../errors.js';
import { checkId, type EndpointContext } from '../endpoint-context.js';
import { walkMessages } from '../message-walk.js';
import type { ListMessagesResponse, PancakeMessage } from '../types.js';

export interface MessageParams {
  customerId?: string | null;
  /** How many of the newest messages you already have; omitted → the 30 newest. */
  currentCount?: number;
}

export interface MessageEndpoints {
  listMessages(pageId: string, conversationId: string, params?: MessageParams): Promise<ListMessagesResponse>;
  /**
   * Walks a conversation's messages newest batch first (each batch oldest → newest inside, as the
   * API sends it) until a batch shorter than 30 says the history is over. Not on `message_count`:
   * the API leaves ad-click entries out of it. Break out of the loop to stop early.
   */
  iterateMessages(pageId: string, conversationId: string, options?: { customerId?: string | null; startCount?: number }): AsyncIterable<PancakeMessage[]>;
}

export function messageEndpoints(ctx: EndpointContext): MessageEndpoints {
  async function listMessages(pageId: string, conversationId: string, params: MessageParams = {}): Promise<ListMessagesResponse> {
    checkId('conversationId', conversationId);
    if (params.currentCount !== undefined && (!Number.isInteger(params.currentCount) || params.currentCount < 0)) {
      throw new PancakeArgumentError('currentCount', `must be a whole number ≥ 0, got ${params.currentCount}`);
    }
    const body = await ctx.pageGet<ListMessagesResponse>(pageId, `/conversations/${encodeURIComponent(conversationId)}/messages`, {
      customer_id: params.customerId ?? undefined,
      current_count: params.currentCount || undefined,
    });
    if (!Array.isArray(body.messages)) {
      throw new PancakeError(`Pancake sent no messages list for conversation ${conversationId} of page ${pageId}`, { kind: 'invalid_response', pageId });
    }
    return body;
  }

  return {
    listMessages,
    async *iterateMessages(pageId, conversationId, options = {}) {
      const fetch = (currentCount: number) => listMessages(pageId, conversationId, { customerId: options.customerId ?? null, currentCount });
      for await (const step of walkMessages(fetch, options.startCount ?? 0)) {
        // A library caller has no warning channel: ending the walk quietly would lose messages.
        if ('stuck' in step) throw new StuckWalkError(`${step.stuck} (conversation ${conversationId})`);
        if (step.messages.length > 0) yield step.messages;
      }
    },
  };
}
