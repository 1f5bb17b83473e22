// Conversation writes (docs/pancake-api.md, "Conversations" and "Send message"). Every parameter is checked
// before a request leaves, so a mistake costs no request and names the parameter at fault.

import { PancakeArgumentError, PancakeError } from '../errors.js';
import { checkId, type EndpointContext } from '../endpoint-context.js';
import type { ApiSuccess, PancakeMessage } from '../types.js';

/** What the tag, assign, read and unread endpoints answer: `{ success: true }` (seed, official). */
export interface WriteResponse extends ApiSuccess {
  [field: string]: unknown;
}

/** The reference gives no body for a sent message; the simulator answers this shape (inferred). */
export interface SendMessageResponse extends ApiSuccess {
  /** Id of the new message. */
  id?: string;
  /** Where the message went: the conversation itself, or the commenter's inbox for a private reply. */
  conversation_id?: string;
  data?: PancakeMessage;
  [field: string]: unknown;
}

/**
 * A reply in an inbox (Messenger) conversation: a text, or attachments (`contentIds`, ids from
 * Pancake's content upload endpoint), never both in one message: the API answers 500 to both.
 */
export interface InboxReply {
  action: 'reply_inbox';
  message?: string;
  contentIds?: string[];
}

/** A public reply under a comment of a COMMENT conversation. */
export interface CommentReply {
  action: 'reply_comment';
  /** The comment answered. */
  messageId: string;
  message: string;
}

/** A Messenger message to the author of a comment: once per comment, only for comments at most 7 days old. */
export interface PrivateReply {
  action: 'private_replies';
  postId: string;
  /** The comment answered privately. */
  messageId: string;
  message: string;
}

export type SendMessageParams = InboxReply | CommentReply | PrivateReply;

export interface WriteEndpoints {
  /** Adds a tag (an id from the page's tag list) to a conversation. */
  addConversationTag(pageId: string, conversationId: string, tagId: string | number): Promise<WriteResponse>;
  removeConversationTag(pageId: string, conversationId: string, tagId: string | number): Promise<WriteResponse>;
  /** Sets the employees (user ids) a conversation is assigned to. */
  assignConversation(pageId: string, conversationId: string, assigneeIds: readonly string[]): Promise<WriteResponse>;
  markConversationRead(pageId: string, conversationId: string): Promise<WriteResponse>;
  markConversationUnread(pageId: string, conversationId: string): Promise<WriteResponse>;
  /**
   * Sends a message. Never retried except after a rate limit: after a timeout or a 5xx the message
   * may have gone out, and the error says so (read the conversation's messages before sending again).
   */
  sendMessage(pageId: string, conversationId: string, params: SendMessageParams): Promise<SendMessageResponse>;
  /** `sendMessage` with `action: 'private_replies'`. */
  sendPrivateReply(pageId: string, conversationId: string, params: Omit<PrivateReply, 'action'>): Promise<SendMessageResponse>;
}

const SEND_ACTIONS: ReadonlySet<string> = new Set(['reply_inbox', 'reply_comment', 'private_replies']);

export function writeEndpoints(ctx: EndpointContext): WriteEndpoints {
  const conversationPath = (conversationId: string, action: string): string => {
    checkId('conversationId', conversationId);
    return `/conversations/${encodeURIComponent(conversationId)}/${action}`;
  };

  async function tag(pageId: string, conversationId: string, action: 'add' | 'remove', tagId: string | number): Promise<WriteResponse> {
    const path = conversationPath(conversationId, 'tags');
    // The seed's example sends the id as a string ("3") although tag lists carry numbers.
    return ctx.pagePost<WriteResponse>(pageId, path, { action, tag_id: checkTagId(tagId) });
  }

  async function sendMessage(pageId: string, conversationId: string, params: SendMessageParams): Promise<SendMessageResponse> {
    const path = conversationPath(conversationId, 'messages');
    const body = sendBody(params);
    try {
      return await ctx.pagePost<SendMessageResponse>(pageId, path, body, {}, { idempotent: false });
    } catch (error) {
      throw maybeSent(error, conversationId);
    }
  }

  return {
    addConversationTag: (pageId, conversationId, tagId) => tag(pageId, conversationId, 'add', tagId),
    removeConversationTag: (pageId, conversationId, tagId) => tag(pageId, conversationId, 'remove', tagId),
    async assignConversation(pageId, conversationId, assigneeIds) {
      const path = conversationPath(conversationId, 'assign');
      if (!Array.isArray(assigneeIds)) throw new PancakeArgumentError('assigneeIds', `must be an array of user ids, got ${describe(assigneeIds)}`);
      assigneeIds.forEach((id, i) => checkId(`assigneeIds[${i}]`, id));
      return ctx.pagePost<WriteResponse>(pageId, path, { assignee_ids: [...assigneeIds] });
    },
    markConversationRead: async (pageId, conversationId) => ctx.pagePost<WriteResponse>(pageId, conversationPath(conversationId, 'read'), undefined),
    markConversationUnread: async (pageId, conversationId) => ctx.pagePost<WriteResponse>(pageId, conversationPath(conversationId, 'unread'), undefined),
    sendMessage,
    sendPrivateReply: (pageId, conversationId, params) => sendMessage(pageId, conversationId, { ...params, action: 'private_replies' }),
  };
}

function checkTagId(tagId: unknown): string {
  const text = typeof tagId === 'number' ? String(tagId) : tagId;
  if (typeof text !== 'string' || !/^\d{1,18}$/.test(text)) throw new PancakeArgumentError('tagId', `must be a tag id from the page's tag list (digits), got ${describe(tagId)}`);
  return text;
}

function checkText(name: string, value: unknown, allowEmpty: boolean): string {
  if (typeof value !== 'string') throw new PancakeArgumentError(name, `must be a string, got ${describe(value)}`);
  if (!allowEmpty && value.trim() === '') throw new PancakeArgumentError(name, 'must not be empty');
  return value;
}

/** The API's body for each action, in its snake_case names. */
function sendBody(params: SendMessageParams): Record<string, unknown> {
  if (typeof params !== 'object' || params === null) throw new PancakeArgumentError('params', `must be an object with an action, got ${describe(params)}`);
  if (!SEND_ACTIONS.has(params.action)) throw new PancakeArgumentError('action', `must be reply_inbox, reply_comment or private_replies, got ${describe(params.action)}`);
  // Checked for every action: a caller without types may pass contentIds to any of them.
  const { message, contentIds } = params as { message?: unknown; contentIds?: unknown };
  if (typeof message === 'string' && message !== '' && Array.isArray(contentIds) && contentIds.length > 0) {
    throw new PancakeArgumentError('contentIds', 'message and contentIds are mutually exclusive (Pancake answers 500 to both): send the text and the attachments as two messages');
  }
  switch (params.action) {
    case 'reply_inbox': {
      const contentIds = params.contentIds;
      if (contentIds !== undefined) {
        if (!Array.isArray(contentIds)) throw new PancakeArgumentError('contentIds', `must be an array of content ids, got ${describe(contentIds)}`);
        contentIds.forEach((id, i) => checkText(`contentIds[${i}]`, id, false));
      }
      if (contentIds !== undefined && contentIds.length > 0) return { action: params.action, content_ids: [...contentIds] };
      return { action: params.action, message: checkText('message', params.message, false) };
    }
    case 'reply_comment':
      checkId('messageId', params.messageId);
      return { action: params.action, message_id: params.messageId, message: checkText('message', params.message, false) };
    case 'private_replies':
      checkId('postId', params.postId);
      checkId('messageId', params.messageId);
      return { action: params.action, post_id: params.postId, message_id: params.messageId, message: checkText('message', params.message, false) };
  }
}

/** A send that failed without a clear refusal may still have reached the customer: say so. */
function maybeSent(error: unknown, conversationId: string): unknown {
  if (!(error instanceof PancakeError) || !['timeout', 'network', 'server', 'invalid_response'].includes(error.kind)) return error;
  return new PancakeError(
    `${error.message}. The message to conversation ${conversationId} may or may not have been sent: read the conversation's messages before sending it again.`,
    { kind: error.kind, status: error.status, url: error.url, pageId: error.pageId, cause: error },
  );
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}
