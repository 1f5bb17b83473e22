// The simulator's answers that real shops' data shapes: the messages answer's 34 keys and the 500
// that a text with attachments gets.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, parseApiTime, startSimulator } from '../../src/simulator/index.js';

const NOW = new Date('2026-04-10T00:00:00Z');

interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- checked field by field
}

async function call(sim: Simulator, path: string, params: Record<string, string | number> = {}): Promise<Reply> {
  const url = new URL(path, sim.baseUrl);
  for (const [key, value] of Object.entries(params)) url.searchParams.append(key, String(value));
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as unknown };
}

const messagesPath = (pageId: string, id: string) => `/api/public_api/v1/pages/${pageId}/conversations/${id}/messages`;

describe('simulator answers in real shapes', () => {
  let sim: Simulator;
  let pageId: string;
  let token: string;

  beforeAll(async () => {
    sim = await startSimulator({ now: NOW });
    pageId = sim.data.pages[0]?.id ?? '';
    token = sim.pageToken(pageId);
  });
  afterAll(() => sim.close());

  it('answers messages with the 34 keys of the real answer, in its order; only messages and app change between batches', async () => {
    const conversation = [...(sim.data.conversations.get(pageId) ?? [])].find((c) => (sim.data.messages.get(c.id)?.length ?? 0) > 30 && (c.ads ?? []).length > 1 && (c.recent_phone_numbers ?? []).length > 0);
    if (!conversation) throw new Error('default data must have a conversation with phone numbers, two ad clicks and > 30 items');
    const [first, second] = [await call(sim, messagesPath(pageId, conversation.id), { page_access_token: token }), await call(sim, messagesPath(pageId, conversation.id), { page_access_token: token, current_count: 30 })];
    expect(Object.keys(first.body)).toEqual([
      'conversation_id', 'comment_count', 'notes', 'suggested_posts', 'recent_orders', 'read_watermarks', 'birthday', 'post', 'reported_count', 'matched_wa_fb_customers', 'can_inbox',
      'customers', 'conv_from', 'allow_use_data_for_training_ai', 'reports_by_phone', 'extra_info', 'activities', 'conv_customers', 'is_banned', 'success', 'messages', 'gender',
      'lives_in', 'banned_by', 'conv_phone_numbers', 'global_id', 'available_for_report_phone_numbers', 'app', 'conv_recent_phone_numbers', 'last_commented_at', 'profile_updated_at',
      'banned_count', 'recent_phone_numbers', 'ad_clicks',
    ]);
    const { messages: _a, app: appA, ...restA } = first.body;
    const { messages: _b, app: appB, ...restB } = second.body;
    expect(restB).toEqual(restA);
    expect([typeof appA, /^\d+$/.test(appA), appA === appB]).toEqual(['string', true, false]);
    const customer = conversation.page_customer!;
    // ad_clicks under the customer's Pancake id, in the same order as the list's ads[]; the thread was opened by the oldest click.
    expect(first.body.ad_clicks).toEqual({ [customer.id]: conversation.ads });
    expect(first.body.customers[0]).toMatchObject({ id: customer.id, fb_id: customer.psid, ad_clicks: conversation.ads });
    expect(first.body.activities).toEqual([expect.objectContaining({ ad_id: (conversation.ads![0] as { ad_id: string }).ad_id, inserted_at: (conversation.ads![0] as { inserted_at: string }).inserted_at, type: 'OPEN_THREAD' })]);
    // Phone numbers: strings at the top level, objects in conv_recent_phone_numbers and the conversation list.
    const phones = conversation.recent_phone_numbers!.map((p) => p.phone_number);
    expect(first.body.recent_phone_numbers).toEqual(phones);
    expect(first.body.conv_recent_phone_numbers).toEqual(conversation.recent_phone_numbers);
    expect(Object.keys(first.body.reports_by_phone)).toEqual(phones.map((p) => `+84${p.slice(1)}`));
    expect([first.body.last_commented_at, first.body.conv_customers, first.body.conv_from]).toEqual([false, [{ fb_id: customer.psid, id: customer.id, name: customer.name }], conversation.from]);
    const lastCustomer = [...sim.data.messages.get(conversation.id)!].reverse().find((m) => m.from?.id !== pageId)!;
    expect(first.body.read_watermarks).toEqual([{ is_group_conv: null, message_id: lastCustomer.id, psid: customer.psid, watermark: Math.floor(parseApiTime(lastCustomer.inserted_at) / 1000) }]);

    const review = [...sim.data.conversationById.values()].find((c) => c.type === 'RATING')!;
    const answer = await call(sim, messagesPath(review.page_id, review.id), { page_access_token: sim.pageToken(review.page_id) });
    expect([answer.status, answer.body.messages, answer.body.ad_clicks]).toEqual([200, [], { [review.page_customer!.id]: null }]);
  });

  it('answers a message with both a text and content_ids with a 500, as the API does', async () => {
    const inbox = [...(sim.data.conversations.get(pageId) ?? [])].find((c) => c.type === 'INBOX')!;
    const post = (body: unknown) =>
      fetch(new URL(`${messagesPath(pageId, inbox.id)}?page_access_token=${token}`, sim.baseUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const before = sim.data.messages.get(inbox.id)!.length;
    expect((await post({ action: 'reply_inbox', message: 'Ảnh đây ạ', content_ids: ['abc'] })).status).toBe(500);
    expect((await post({ action: 'reply_inbox', message: '', content_ids: ['abc'] })).status).toBe(500);
    expect(sim.data.messages.get(inbox.id)!.length).toBe(before);
    const comment = [...(sim.data.conversations.get(pageId) ?? [])].find((c) => c.type === 'COMMENT')!;
    const privateReply = { action: 'private_replies', post_id: comment.post_id, message_id: comment.id, message: 'Shop inbox ạ', content_ids: ['abc'] };
    const url = new URL(`${messagesPath(pageId, comment.id)}?page_access_token=${token}`, sim.baseUrl);
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(privateReply) })).status).toBe(500);
    expect((await post({ action: 'reply_inbox', content_ids: ['abc'] })).status).toBe(200);
    expect(sim.data.messages.get(inbox.id)!.at(-1)).toMatchObject({ original_message: '', message: '<div></div>', attachments: [{ content_id: 'abc' }] });
  });
});
