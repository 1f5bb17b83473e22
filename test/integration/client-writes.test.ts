// The write endpoints, client against simulator over HTTP: what goes on the wire (method, path, query,
// body in the simulator's request log), the typed answer, and the effect as a client sees it on the
// next read. Plus the refusals: bad arguments never leave the process, API rules come back as errors.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPancakeClient, type PancakeClient } from '../../src/pancake/client.js';
import { PancakeArgumentError, PancakeError } from '../../src/pancake/errors.js';
import type { PancakeConversation, PancakeMessage } from '../../src/pancake/types.js';
import { type RequestLogEntry, type Simulator, startSimulator } from '../../src/simulator/index.js';

const DAY_MS = 86_400_000;

let sim: Simulator;
let client: PancakeClient;
let pageId: string;
let staff: string[];

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, pages: 1, conversationsPerPage: 80 });
  client = createPancakeClient({ baseUrl: sim.baseUrl, accessToken: sim.userToken, rateLimit: 1000, retryMinDelayMs: 10, timeoutMs: 2000 });
  const [page] = await client.listPages();
  pageId = page?.id ?? '';
  staff = page?.active_user_ids ?? [];
  await client.generatePageAccessToken(pageId);
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.setFaults(null);
  sim.setRateLimit(null);
  sim.clearRequests();
});

/** The conversation as the v2 list shows it now (walks the cursor until found). */
async function reread(conversationId: string): Promise<PancakeConversation> {
  let last: string | null = null;
  for (;;) {
    const batch = await client.listConversations(pageId, { lastConversationId: last });
    const found = batch.find((c) => c.id === conversationId);
    if (found) return found;
    if (batch.length === 0) throw new Error(`conversation ${conversationId} is not listed`);
    last = batch[batch.length - 1]?.id ?? null;
  }
}

async function allMessages(conversationId: string): Promise<PancakeMessage[]> {
  const out: PancakeMessage[] = [];
  for await (const batch of client.iterateMessages(pageId, conversationId)) out.unshift(...batch);
  return out;
}

function only(endpoint: string): RequestLogEntry {
  const entries = sim.requests.filter((e) => e.endpoint === endpoint);
  expect(entries).toHaveLength(1);
  return entries[0] as RequestLogEntry;
}

const pathOf = (conversationId: string, action: string) => `/api/public_api/v1/pages/${pageId}/conversations/${conversationId}/${action}`;

function conversationWhere(test: (c: PancakeConversation) => boolean): PancakeConversation {
  const found = sim.data.conversations.get(pageId)?.find(test);
  if (!found) throw new Error('the seeded data has no such conversation');
  return structuredClone(found);
}

const tagIds = (c: PancakeConversation) => (c.tags ?? []).flatMap((t) => (t ? [String(t.id)] : []));

describe('conversation tags', () => {
  it('addConversationTag posts {action: add, tag_id} and the tag shows on the next read', async () => {
    const tag = sim.data.tags.get(pageId)?.[2];
    if (!tag) throw new Error('no tags');
    const before = conversationWhere((c) => c.type === 'INBOX' && !tagIds(c).includes(String(tag.id)));

    const result = await client.addConversationTag(pageId, before.id, Number(tag.id));

    expect(result).toEqual({ success: true });
    expect(only('tag_conversation')).toMatchObject({
      method: 'POST',
      path: pathOf(before.id, 'tags'),
      query: { page_access_token: '***' },
      body: { action: 'add', tag_id: String(tag.id) },
      status: 200,
    });
    const after = await reread(before.id);
    expect(tagIds(after)).toEqual([...tagIds(before), String(tag.id)]);
    expect(after.tags?.at(-1)).toMatchObject({ id: tag.id, text: tag.text });
    expect(after.tag_histories?.at(-1)).toMatchObject({ payload: { action: 'add', tag: { id: tag.id } } });
    // A re-tag is a change: updated_at moves, so incremental syncs see it.
    expect(Date.parse(`${after.updated_at}Z`)).toBeGreaterThan(Date.parse(`${before.updated_at}Z`));
  });

  it('removeConversationTag posts {action: remove, tag_id} and the tag is gone on the next read', async () => {
    const before = conversationWhere((c) => tagIds(c).length > 0);
    const tagId = tagIds(before)[0] as string;

    expect(await client.removeConversationTag(pageId, before.id, tagId)).toEqual({ success: true });

    expect(only('tag_conversation')).toMatchObject({ method: 'POST', path: pathOf(before.id, 'tags'), body: { action: 'remove', tag_id: tagId } });
    const after = await reread(before.id);
    expect(tagIds(after)).toEqual(tagIds(before).filter((id) => id !== tagId));
  });

  it('a tag the page does not have is refused by the API with a message naming tag_id', async () => {
    const conversation = conversationWhere(() => true);
    const error = await client.addConversationTag(pageId, conversation.id, 999_999).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PancakeError);
    expect(error).toMatchObject({ kind: 'bad_request', status: 400 });
    expect((error as Error).message).toContain('tag_id 999999 is not a tag of this page');
    expect(sim.requests).toHaveLength(1);
  });
});

describe('assign, read, unread', () => {
  it('assignConversation posts {assignee_ids} and the next read has them', async () => {
    const before = conversationWhere((c) => (c.assignee_ids ?? []).length === 0);
    const assignees = staff.slice(0, 2);

    expect(await client.assignConversation(pageId, before.id, assignees)).toEqual({ success: true });

    expect(only('assign_conversation')).toMatchObject({ method: 'POST', path: pathOf(before.id, 'assign'), query: { page_access_token: '***' }, body: { assignee_ids: assignees } });
    const after = await reread(before.id);
    expect(after.assignee_ids).toEqual(assignees);
    expect((after.current_assign_users as Array<{ id: string }>).map((u) => u.id)).toEqual(assignees);
  });

  it('a user who is not on the page is refused', async () => {
    const conversation = conversationWhere(() => true);
    await expect(client.assignConversation(pageId, conversation.id, ['not-a-user'])).rejects.toThrow(/assignee_ids: "not-a-user" is not a user of this page/);
  });

  it('markConversationUnread / markConversationRead post no body and flip seen', async () => {
    const before = conversationWhere((c) => c.seen === true);

    expect(await client.markConversationUnread(pageId, before.id)).toEqual({ success: true });
    expect(only('unread_conversation')).toMatchObject({ method: 'POST', path: pathOf(before.id, 'unread'), query: { page_access_token: '***' }, body: null });
    expect((await reread(before.id)).seen).toBe(false);
    // A re-tag is no reading: the conversation stays unread.
    const newTag = sim.data.tags.get(pageId)?.find((t) => !tagIds(before).includes(String(t.id)));
    await client.addConversationTag(pageId, before.id, String(newTag?.id));
    const retagged = await reread(before.id);
    expect(retagged.seen).toBe(false);

    expect(await client.markConversationRead(pageId, before.id)).toEqual({ success: true });
    expect(only('read_conversation')).toMatchObject({ method: 'POST', path: pathOf(before.id, 'read'), body: null });
    const after = await reread(before.id);
    expect(after.seen).toBe(true);
    // Reading is not activity: the conversation does not move in an updated_at walk.
    expect(after.updated_at).toBe(retagged.updated_at);
    expect((await allMessages(before.id)).every((m) => m.seen)).toBe(true);
  });
});

describe('sendMessage', () => {
  it('reply_inbox: the message is the newest one on the next read, and the conversation follows', async () => {
    const before = conversationWhere((c) => c.type === 'INBOX' && c.seen === false);
    const text = 'Dạ chị ơi, áo size M còn hàng ạ 😊 <3';

    const result = await client.sendMessage(pageId, before.id, { action: 'reply_inbox', message: text });

    expect(only('send_message')).toMatchObject({
      method: 'POST',
      path: pathOf(before.id, 'messages'),
      query: { page_access_token: '***' },
      body: { action: 'reply_inbox', message: text },
    });
    expect(result).toMatchObject({ success: true, conversation_id: before.id, data: { id: result.id, original_message: text, from: { id: pageId } } });
    expect(result.id).toMatch(/^m_/);

    const messages = await allMessages(before.id);
    expect(messages).toHaveLength((before.message_count ?? 0) + 1);
    expect(messages.at(-1)).toMatchObject({ id: result.id, original_message: text, type: 'INBOX', from: { id: pageId } });
    expect(messages.at(-1)?.message).toContain('&lt;3');
    const after = await reread(before.id);
    expect(after).toMatchObject({ message_count: (before.message_count ?? 0) + 1, snippet: text, seen: true, last_sent_by: { id: pageId } });
    expect(Date.parse(`${after.updated_at}Z`)).toBeGreaterThan(Date.parse(`${before.updated_at}Z`));
    // Most recently updated first: the answered conversation leads the v2 list.
    expect((await client.listConversations(pageId, { lastConversationId: null }))[0]?.id).toBe(before.id);
  });

  it('reply_inbox with content_ids only: an attachment message with an empty text, sent without `message`', async () => {
    const before = conversationWhere((c) => c.type === 'INBOX');
    const result = await client.sendMessage(pageId, before.id, { action: 'reply_inbox', contentIds: ['HXrxioWFIc5DFwff'] });
    expect(only('send_message').body).toEqual({ action: 'reply_inbox', content_ids: ['HXrxioWFIc5DFwff'] });
    expect((await allMessages(before.id)).at(-1)).toMatchObject({ id: result.id, original_message: '', attachments: [{ content_id: 'HXrxioWFIc5DFwff' }] });
  });

  it('the simulator answers 500 to message and content_ids together, as the API does', async () => {
    const conversation = conversationWhere((c) => c.type === 'INBOX');
    const url = `${sim.baseUrl}/api/public_api/v1/pages/${pageId}/conversations/${encodeURIComponent(conversation.id)}/messages?page_access_token=${sim.pageToken(pageId)}`;
    const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'reply_inbox', message: 'hi', content_ids: ['HX'] }) });
    expect(answer.status).toBe(500);
  });

  it('reply_comment answers a comment in a COMMENT conversation', async () => {
    const before = conversationWhere((c) => c.type === 'COMMENT');
    const comment = sim.data.messages.get(before.id)?.find((m) => m.from?.id !== pageId);
    if (!comment) throw new Error('no customer comment');

    const result = await client.sendMessage(pageId, before.id, { action: 'reply_comment', messageId: comment.id, message: 'Shop inbox chị rồi nha' });

    expect(only('send_message')).toMatchObject({ path: pathOf(before.id, 'messages'), body: { action: 'reply_comment', message_id: comment.id, message: 'Shop inbox chị rồi nha' } });
    expect((await allMessages(before.id)).at(-1)).toMatchObject({ id: result.id, type: 'COMMENT', original_message: 'Shop inbox chị rồi nha' });
  });

  it('reply_inbox on a comment thread is refused, naming the action', async () => {
    const conversation = conversationWhere((c) => c.type === 'COMMENT');
    await expect(client.sendMessage(pageId, conversation.id, { action: 'reply_inbox', message: 'x' })).rejects.toThrow(/reply_inbox is for INBOX conversations; this one is COMMENT/);
  });
});

describe('sendPrivateReply: once per comment, within 7 days', () => {
  it('answers a fresh comment in the customer\'s inbox, then refuses a second reply to it', async () => {
    const thread = conversationWhere((c) => c.type === 'COMMENT');
    const fresh = sim.addMessages(thread.id, 4).filter((m) => m.from?.id !== pageId);
    const comment = fresh[fresh.length - 1];
    if (!comment) throw new Error('4 new messages hold at least one customer comment');
    const params = { postId: thread.post_id ?? '', messageId: comment.id, message: 'Chào chị, shop gửi chị bảng giá ạ' };

    const result = await client.sendPrivateReply(pageId, thread.id, params);

    expect(only('send_message')).toMatchObject({
      method: 'POST',
      path: pathOf(thread.id, 'messages'),
      body: { action: 'private_replies', post_id: thread.post_id, message_id: comment.id, message: params.message },
    });
    // The reply goes to Messenger: the inbox conversation with the commenter, not the comment thread.
    const inboxId = result.conversation_id ?? '';
    expect(inboxId).toBe(`${pageId}_${thread.page_customer?.psid}`);
    const inbox = await reread(inboxId);
    expect(inbox).toMatchObject({ type: 'INBOX', customer_id: thread.customer_id, snippet: params.message, last_sent_by: { id: pageId } });
    expect((await allMessages(inboxId)).map((m) => m.id)).toContain(result.id);

    sim.clearRequests();
    const again = await client.sendPrivateReply(pageId, thread.id, params).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(PancakeError);
    expect(again).toMatchObject({ kind: 'bad_request', status: 400 });
    expect((again as Error).message).toContain('This comment already has a private reply: only one is allowed per comment');
    expect(sim.requests).toHaveLength(1);
  });

  it('refuses a comment older than 7 days with a message the caller can show', async () => {
    const old = [...sim.data.messages.values()].flat().find((m) => m.type === 'COMMENT' && m.from?.id !== pageId && Date.now() - Date.parse(`${m.inserted_at}Z`) > 8 * DAY_MS);
    const thread = old && sim.data.conversationById.get(old.conversation_id);
    if (!old || !thread) throw new Error('the seeded data has no old comment');
    const count = sim.data.messages.get(thread.id)?.length;

    const error = await client.sendPrivateReply(pageId, thread.id, { postId: thread.post_id ?? '', messageId: old.id, message: 'Chào chị' }).catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: 'bad_request', status: 400 });
    expect((error as Error).message).toContain('This comment is more than 7 days old: a private reply is only possible within 7 days of the comment');
    expect(sim.data.messages.get(thread.id)?.length).toBe(count);
  });

  it('refuses the page\'s own comment and a post that is not the thread\'s', async () => {
    const thread = conversationWhere((c) => c.type === 'COMMENT' && (sim.data.messages.get(c.id) ?? []).some((m) => m.from?.id === c.page_id));
    const own = sim.data.messages.get(thread.id)?.find((m) => m.from?.id === pageId);
    await expect(client.sendPrivateReply(pageId, thread.id, { postId: thread.post_id ?? '', messageId: own?.id ?? '', message: 'x' })).rejects.toThrow(/is the page's own comment/);
    await expect(client.sendPrivateReply(pageId, thread.id, { postId: `${pageId}_1`, messageId: own?.id ?? '', message: 'x' })).rejects.toThrow(/post_id .* is not the post of this conversation/);
  });
});

describe('validation before a request leaves', () => {
  const bad: Array<[string, (c: PancakeClient, conversationId: string) => Promise<unknown>, RegExp]> = [
    ['empty conversation id', (c) => c.markConversationRead(pageId, ''), /^conversationId: "" is not a valid id/],
    ['conversation id with a slash', (c) => c.addConversationTag(pageId, 'a/../b', 1), /^conversationId: /],
    ['page id with a space', (c, id) => c.markConversationUnread('12 34', id), /^pageId: /],
    ['page without a token', (c, id) => c.markConversationRead('1234', id), /^pageId: no page access token for page 1234/],
    ['tag id that is not a number', (c, id) => c.addConversationTag(pageId, id, 'vip'), /^tagId: must be a tag id .* got "vip"/],
    ['negative tag id', (c, id) => c.removeConversationTag(pageId, id, -3), /^tagId: /],
    ['assignees not an array', (c, id) => c.assignConversation(pageId, id, 'uuid' as never), /^assigneeIds: must be an array of user ids, got "uuid"/],
    ['an empty assignee', (c, id) => c.assignConversation(pageId, id, ['ok', '']), /^assigneeIds\[1\]: /],
    ['blank message', (c, id) => c.sendMessage(pageId, id, { action: 'reply_inbox', message: '   ' }), /^message: must not be empty/],
    ['message not a string', (c, id) => c.sendMessage(pageId, id, { action: 'reply_inbox', message: 42 as never }), /^message: must be a string, got 42/],
    ['unknown action', (c, id) => c.sendMessage(pageId, id, { action: 'broadcast', message: 'x' } as never), /^action: must be reply_inbox, reply_comment or private_replies, got "broadcast"/],
    ['empty content id', (c, id) => c.sendMessage(pageId, id, { action: 'reply_inbox', contentIds: [''] }), /^contentIds\[0\]: must not be empty/],
    // Pancake answers 500 to both (regression: they used to be sent together).
    ['message and contentIds together', (c, id) => c.sendMessage(pageId, id, { action: 'reply_inbox', message: 'x', contentIds: ['HXrxioWFIc5DFwff'] }), /^contentIds: message and contentIds are mutually exclusive/],
    ['private reply with contentIds', (c, id) => c.sendPrivateReply(pageId, id, { postId: 'p_1', messageId: 'm_1', message: 'x', contentIds: ['HX'] } as never), /^contentIds: message and contentIds are mutually exclusive/],
    ['reply_comment without messageId', (c, id) => c.sendMessage(pageId, id, { action: 'reply_comment', message: 'x' } as never), /^messageId: /],
    ['private reply without postId', (c, id) => c.sendPrivateReply(pageId, id, { postId: '', messageId: 'm_1', message: 'x' }), /^postId: /],
    ['private reply without message', (c, id) => c.sendPrivateReply(pageId, id, { postId: 'p_1', messageId: 'm_1', message: '' }), /^message: must not be empty/],
  ];

  it.each(bad)('%s: a PancakeArgumentError naming the parameter, and no request', async (_name, call, message) => {
    const conversation = conversationWhere(() => true);
    const error = await call(client, conversation.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PancakeArgumentError);
    expect((error as PancakeArgumentError).kind).toBe('invalid_argument');
    expect((error as Error).message).toMatch(message);
    expect(sim.requests).toHaveLength(0);
  });
});

describe('retries and writes', () => {
  it('an idempotent write rides out a truncated answer; the simulator applied it once', async () => {
    const before = conversationWhere((c) => (c.assignee_ids ?? []).length === 0);
    sim.setFaults({ rate: 0.5, kinds: ['truncated'], seed: 5 }); // seed 5: the first three answers are cut
    const histories = () => sim.data.conversationById.get(before.id)?.assignee_histories?.length ?? 0;
    const start = histories();
    await client.assignConversation(pageId, before.id, staff.slice(0, 1));
    const calls = sim.requests.filter((e) => e.endpoint === 'assign_conversation');
    expect(calls.map((e) => e.fault)).toEqual([...Array<string>(calls.length - 1).fill('truncated'), null]);
    expect(calls.length).toBeGreaterThan(1);
    // Truncated answers are thrown away, so the simulator skipped their effects: one history entry.
    expect(histories()).toBe(start + 1);
  });

  it('a send cut short is not retried: the error says it may have gone out', async () => {
    const before = conversationWhere((c) => c.type === 'INBOX');
    sim.setFaults({ rate: 1, kinds: ['truncated'] });
    const error = await client.sendMessage(pageId, before.id, { action: 'reply_inbox', message: 'Một lần thôi' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid_response' });
    expect((error as Error).message).toMatch(/may or may not have been sent: read the conversation's messages before sending it again/);
    expect(sim.requests).toHaveLength(1);
  });

  it('a rate-limited send is retried after Retry-After and delivered exactly once', async () => {
    const before = conversationWhere((c) => c.type === 'INBOX');
    sim.setRateLimit(1);
    const texts = ['Tin thứ nhất', 'Tin thứ hai'];
    await Promise.all(texts.map((message) => client.sendMessage(pageId, before.id, { action: 'reply_inbox', message })));
    const sends = sim.requests.filter((e) => e.endpoint === 'send_message');
    expect(sends.map((e) => e.status).sort()).toEqual([200, 200, 429]);
    sim.setRateLimit(null);
    const messages = await allMessages(before.id);
    for (const text of texts) expect(messages.filter((m) => m.original_message === text)).toHaveLength(1);
  });

  it('the request log keeps POST bodies, with tokens masked', async () => {
    const token = sim.pageToken(pageId);
    const conversation = conversationWhere(() => true);
    await fetch(`${sim.baseUrl}${pathOf(conversation.id, 'tags')}?page_access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'add', tag_id: 'x', page_access_token: token, note: `pasted ${token} by mistake` }),
    });
    expect(only('tag_conversation')).toMatchObject({ status: 400, body: { action: 'add', tag_id: 'x', page_access_token: '***', note: 'pasted *** by mistake' } });
    expect(JSON.stringify(sim.requests)).not.toContain(token);
  });
});
