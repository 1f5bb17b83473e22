// What a page ever had, deleted records included (live/deletions.ts): the statistics count what
// happened, whatever Pancake lists today.

import type { ApiTag, PancakeConversation, PancakeMessage } from '../../pancake/types.js';
import type { SimulatorData } from './model.js';

/** Every conversation of a page, live ones first. */
export function everyConversation(data: SimulatorData, pageId: string): PancakeConversation[] {
  return [...(data.conversations.get(pageId) ?? []), ...(data.deleted.conversations.get(pageId) ?? [])];
}

/** The messages of a conversation, deleted or not. */
export function messagesEver(data: SimulatorData, conversationId: string): PancakeMessage[] {
  return data.messages.get(conversationId) ?? data.deleted.messages.get(conversationId) ?? [];
}

/** Every tag a page ever had, live ones first. */
export function everyTag(data: SimulatorData, pageId: string): ApiTag[] {
  return [...(data.tags.get(pageId) ?? []), ...(data.deleted.tags.get(pageId) ?? [])];
}
