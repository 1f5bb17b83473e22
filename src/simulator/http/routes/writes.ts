// Page API writes: conversation tags, assignees, read/unread and sent messages (docs/pancake-api.md,
// "Conversations" and "Send message"). A request is checked in full before anything changes, and
// nothing changes when `applyEffects` is false. Refusals are HTTP 400 with `success:false` and a
// message naming the field (the API's statuses for these are not documented: inferred).

import type { PancakeConversation, PancakeMessage } from '../../../pancake/types.js';
import { parseApiTime } from '../../shop/time.js';
import { addTag, assign, deliver, hasPrivateReply, inboxOf, markRead, markUnread, notePrivateReply, openConversation, pageMessage, removeTag } from '../../live/write-effects.js';
import { type ApiResponse, BadParam, fail, ok } from './params.js';
import type { RouteDefinition, RouteRequest } from './route.js';

/** Seed: private replies only answer comments at most 7 days old. */
const PRIVATE_REPLY_WINDOW_MS = 7 * 86_400_000;

const conversationAction = (action: string): RegExp => new RegExp(`^/api/public_api/v1/pages/([^/]+)/conversations/([^/]+)/${action}$`);

type Fields = Record<string, unknown>;

function fieldsOf(body: unknown): Fields {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadParam('the body must be a JSON object');
  return body as Fields;
}

function textField(fields: Fields, name: string, allowEmpty = false): string {
  const value = fields[name];
  if (value === undefined || value === null) throw new BadParam(`${name} is required`);
  if (typeof value !== 'string') throw new BadParam(`${name} must be a string`);
  if (!allowEmpty && value.trim() === '') throw new BadParam(`${name} must not be empty`);
  return value;
}

/** Ids arrive as strings ("3" in the seed) or as the numbers tag lists carry. */
function idField(fields: Fields, name: string): string {
  const value = fields[name];
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  return textField(fields, name);
}

function onConversation(fn: (request: RouteRequest, conversation: PancakeConversation) => ApiResponse): (request: RouteRequest) => ApiResponse {
  return (request) => {
    const conversation = request.ctx.data.conversationById.get(request.params[1] ?? '');
    if (!conversation || conversation.page_id !== request.pageId) return fail(404, 'Conversation not found');
    return fn(request, conversation);
  };
}

const sent = (conversation: PancakeConversation, message: PancakeMessage): ApiResponse => ok({ success: true, id: message.id, conversation_id: conversation.id, data: message });

function needType(conversation: PancakeConversation, type: 'INBOX' | 'COMMENT', action: string): void {
  if (conversation.type !== type) throw new BadParam(`${action} is for ${type} conversations; this one is ${String(conversation.type)}`);
}

function commentOf(request: RouteRequest, conversation: PancakeConversation, fields: Fields): PancakeMessage {
  const id = textField(fields, 'message_id');
  const comment = (request.ctx.data.messages.get(conversation.id) ?? []).find((m) => m.id === id);
  if (!comment) throw new BadParam(`message_id ${JSON.stringify(id)} is not a comment of this conversation`);
  return comment;
}

/**
 * `message` and `content_ids` are mutually exclusive: the API answers a request with both (even an
 * empty `message`) with a bare 500, as its description says.
 */
function bothTextAndAttachments(fields: Fields): ApiResponse | null {
  const contentIds = fields.content_ids;
  return fields.message !== undefined && Array.isArray(contentIds) && contentIds.length > 0 ? fail(500, 'Internal server error') : null;
}

function replyInbox(request: RouteRequest, conversation: PancakeConversation, fields: Fields): ApiResponse {
  needType(conversation, 'INBOX', 'reply_inbox');
  const contentIds = fields.content_ids ?? [];
  if (!Array.isArray(contentIds) || contentIds.some((id) => typeof id !== 'string' || id === '')) throw new BadParam('content_ids must be an array of content ids');
  const both = bothTextAndAttachments(fields);
  if (both) return both;
  // An attachment-only message has no text, as real ones do.
  const text = contentIds.length > 0 ? '' : textField(fields, 'message');
  const message = pageMessage(request.ctx.data, conversation, { text, type: 'INBOX', attachments: contentIds.map((id) => ({ content_id: id })) }, request.ctx.now());
  if (request.applyEffects) deliver(request.ctx.data, conversation, message);
  return sent(conversation, message);
}

function replyComment(request: RouteRequest, conversation: PancakeConversation, fields: Fields): ApiResponse {
  needType(conversation, 'COMMENT', 'reply_comment');
  commentOf(request, conversation, fields);
  const message = pageMessage(request.ctx.data, conversation, { text: textField(fields, 'message'), type: 'COMMENT', attachments: [] }, request.ctx.now());
  if (request.applyEffects) deliver(request.ctx.data, conversation, message);
  return sent(conversation, message);
}

function privateReply(request: RouteRequest, conversation: PancakeConversation, fields: Fields): ApiResponse {
  const { data } = request.ctx;
  needType(conversation, 'COMMENT', 'private_replies');
  const both = bothTextAndAttachments(fields);
  if (both) return both;
  const postId = textField(fields, 'post_id');
  if (postId !== conversation.post_id) throw new BadParam(`post_id ${JSON.stringify(postId)} is not the post of this conversation`);
  const comment = commentOf(request, conversation, fields);
  if (comment.from?.id === conversation.page_id) throw new BadParam(`message_id ${JSON.stringify(comment.id)} is the page's own comment: a private reply answers a customer's comment`);
  const text = textField(fields, 'message');
  if (request.ctx.now() - parseApiTime(comment.inserted_at) > PRIVATE_REPLY_WINDOW_MS) {
    return fail(400, 'This comment is more than 7 days old: a private reply is only possible within 7 days of the comment');
  }
  if (hasPrivateReply(data, comment.id)) return fail(400, 'This comment already has a private reply: only one is allowed per comment');
  const inbox = inboxOf(data, conversation, request.ctx.now());
  const message = pageMessage(data, inbox, { text, type: 'INBOX', attachments: [] }, request.ctx.now());
  if (request.applyEffects) {
    openConversation(data, inbox);
    deliver(data, inbox, message);
    notePrivateReply(data, comment.id);
  }
  return sent(inbox, message);
}

export const writeRoutes: RouteDefinition[] = [
  {
    method: 'POST',
    pattern: conversationAction('tags'),
    endpoint: 'tag_conversation',
    auth: 'page',
    conversationParam: 1,
    handle: onConversation((request, conversation) => {
      const fields = fieldsOf(request.body);
      const action = fields.action;
      if (action !== 'add' && action !== 'remove') throw new BadParam(`action must be add or remove, got ${JSON.stringify(action ?? null)}`);
      const tagId = idField(fields, 'tag_id');
      const tag = (request.ctx.data.tags.get(conversation.page_id) ?? []).find((t) => String(t.id) === tagId);
      if (!tag) throw new BadParam(`tag_id ${tagId} is not a tag of this page`);
      if (request.applyEffects) (action === 'add' ? addTag : removeTag)(request.ctx.data, conversation, tag, request.ctx.now());
      return ok({ success: true });
    }),
  },
  {
    method: 'POST',
    pattern: conversationAction('assign'),
    endpoint: 'assign_conversation',
    auth: 'page',
    conversationParam: 1,
    handle: onConversation((request, conversation) => {
      const ids = fieldsOf(request.body).assignee_ids;
      if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) throw new BadParam('assignee_ids must be an array of user ids');
      const staff = new Set((request.ctx.data.employees.get(conversation.page_id) ?? []).map((e) => e.id));
      const stranger = (ids as string[]).find((id) => !staff.has(id));
      if (stranger !== undefined) throw new BadParam(`assignee_ids: ${JSON.stringify(stranger)} is not a user of this page`);
      if (request.applyEffects) assign(request.ctx.data, conversation, ids as string[], request.ctx.now());
      return ok({ success: true });
    }),
  },
  {
    method: 'POST',
    pattern: conversationAction('read'),
    endpoint: 'read_conversation',
    auth: 'page',
    conversationParam: 1,
    handle: onConversation((request, conversation) => {
      if (request.applyEffects) markRead(request.ctx.data, conversation);
      return ok({ success: true });
    }),
  },
  {
    method: 'POST',
    pattern: conversationAction('unread'),
    endpoint: 'unread_conversation',
    auth: 'page',
    conversationParam: 1,
    handle: onConversation((request, conversation) => {
      if (request.applyEffects) markUnread(request.ctx.data, conversation);
      return ok({ success: true });
    }),
  },
  {
    method: 'POST',
    pattern: conversationAction('messages'),
    endpoint: 'send_message',
    auth: 'page',
    conversationParam: 1,
    handle: onConversation((request, conversation) => {
      const fields = fieldsOf(request.body);
      switch (fields.action) {
        case 'reply_inbox':
          return replyInbox(request, conversation, fields);
        case 'reply_comment':
          return replyComment(request, conversation, fields);
        case 'private_replies':
          return privateReply(request, conversation, fields);
        default:
          throw new BadParam(`action must be reply_inbox, reply_comment or private_replies, got ${JSON.stringify(fields.action ?? null)}`);
      }
    }),
  },
];
