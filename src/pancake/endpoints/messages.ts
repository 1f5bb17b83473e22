import { PancakeArgumentError, PancakeError, StuckWalkError } from '../errors.js';
import { checkId, type EndpointContext } from '../endpoint-context.js';
import type { ListMessagesResponse, PancakeMessage } from '../types.js';

export const MESSAGES_PER_BATCH = 30;

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
      // A message arriving mid-walk shifts later batches by one: the overlap is read twice, never
      // skipped. A full batch of nothing but messages already yielded means the API ignores
      // current_count: the walk ends with an error instead of asking forever.
      let position = options.startCount ?? 0;
      const seen = new Set<string>();
      for (;;) {
        const batch = (await listMessages(pageId, conversationId, { customerId: options.customerId ?? null, currentCount: position })).messages;
        const ids = batch.map((m) => String(m.id));
        if (position > (options.startCount ?? 0) && batch.length >= MESSAGES_PER_BATCH && ids.every((id) => seen.has(id))) {
          throw new StuckWalkError(`current_count=${position} of conversation ${conversationId} answered messages this walk had all read already`);
        }
        for (const id of ids) seen.add(id);
        if (batch.length > 0) yield batch;
        position += batch.length;
        if (batch.length < MESSAGES_PER_BATCH) return;
      }
    },
  };
}
