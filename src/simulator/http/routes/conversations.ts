// Page API: conversations (v1 page numbers, v2 keyset cursor) and their messages.

import type { PancakeConversation } from '../../../pancake/types.js';
import { type OrderField, messageBatch, pageAfter, pageByNumber } from '../conversation-listing.js';
import { messagesAnswer } from '../messages-answer.js';
import { BadParam, fail, intParam, ok, rangeParams } from './params.js';
import type { RouteDefinition } from './route.js';

function orderParam(query: URLSearchParams, fallback: OrderField): OrderField {
  const raw = query.get('order_by');
  if (raw === null || raw === '') return fallback;
  if (raw === 'inserted_at' || raw === 'updated_at') return raw;
  throw new BadParam(`order_by must be inserted_at or updated_at, got ${JSON.stringify(raw)}`);
}

function tagParam(query: URLSearchParams): string[] | null {
  const raw = query.get('tags');
  if (raw === null || raw.trim() === '') return null;
  return raw.split(',').map((t) => t.trim()).filter((t) => t !== '');
}

// Seen in the wild: the type[] filter crashes the real API.
const typeFilterCrash = (query: URLSearchParams) => (query.has('type[]') ? fail(500, 'Internal server error') : null);

export const conversationRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: /^\/api\/public_api\/v1\/pages\/([^/]+)\/conversations$/,
    endpoint: 'list_conversations',
    auth: 'page',
    handle: ({ ctx, pageId, query }) => {
      const crash = typeFilterCrash(query);
      if (crash) return crash;
      const { since, until } = rangeParams(query, true);
      const pageNumber = intParam(query, 'page_number', true, 1) as number;
      const rows = ctx.views.sorted(pageId ?? '', orderParam(query, 'inserted_at'));
      const conversations = pageByNumber(rows, { since, until, tagIds: tagParam(query) }, pageNumber);
      return ok({ success: true, conversations }, conversations.length);
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/public_api\/v2\/pages\/([^/]+)\/conversations$/,
    endpoint: 'list_conversations_v2',
    auth: 'page',
    handle: ({ ctx, pageId, query }) => {
      const crash = typeFilterCrash(query);
      if (crash) return crash;
      const { since, until } = rangeParams(query, false);
      // A stuck cursor (on demand): the cursor is ignored, so every batch is the first one again.
      const lastId = ctx.pagingFaults.stuckCursorPages.includes(pageId ?? '') ? null : query.get('last_conversation_id');
      let after: PancakeConversation | null = null;
      if (lastId !== null && lastId !== '') {
        after = ctx.data.conversationById.get(lastId) ?? ctx.data.deleted.conversations.get(pageId ?? '')?.find((c) => c.id === lastId) ?? null;
        if (!after || after.page_id !== pageId) throw new BadParam(`last_conversation_id ${JSON.stringify(lastId)} not found`);
      }
      const order = orderParam(query, 'updated_at');
      const conversations = pageAfter(ctx.views.sorted(pageId ?? '', order), { since, until, tagIds: tagParam(query) }, after, order);
      return ok({ success: true, conversations }, conversations.length);
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/public_api\/v1\/pages\/([^/]+)\/conversations\/([^/]+)\/messages$/,
    endpoint: 'list_messages',
    auth: 'page',
    conversationParam: 1,
    handle: ({ ctx, pageId, params, query }) => {
      const conversationId = params[1] ?? '';
      const conversation = ctx.data.conversationById.get(conversationId);
      if (!conversation || conversation.page_id !== pageId) return fail(404, 'Conversation not found');
      // A repeating batch (on demand): current_count is ignored, so every batch is the newest one.
      const asked = intParam(query, 'current_count', false, 0) ?? 0;
      const currentCount = ctx.pagingFaults.repeatingMessageConversations.includes(conversationId) ? 0 : asked;
      // A review has no messages: its answer is an empty batch (inferred; its text is only in the snippet).
      const messages = messageBatch(ctx.data.messages.get(conversationId) ?? [], currentCount);
      return ok(messagesAnswer(ctx.data, conversation, messages, currentCount), messages.length);
    },
  },
];
