import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ListMessagesResponse, PancakeConversation, PancakeMessage } from '../../src/pancake/types.js';
import { adClicksOfAnswer, adClicksOfConversation, mapConversationDetails } from '../../src/sync/streams/ad-clicks.js';
import { mapMessage } from '../../src/sync/streams/message-rows.js';
import { REPO_ROOT } from '../support/harness.js';

// The 10 real messages answers (226 items) and the real conversation list: who sent what, and the
// ad clicks they carry. Counts are the ones the samples' README states.
const SAMPLES = join(REPO_ROOT, 'test/fixtures/real-samples/20260401T042009Z');
const PAGE = '8604377478606492';

function answers(): Array<{ conversationId: string; answer: ListMessagesResponse }> {
  const dir = join(SAMPLES, 'messages');
  return readdirSync(dir).flatMap((conversationId) =>
    readdirSync(join(dir, conversationId)).map((file) => ({ conversationId, answer: JSON.parse(readFileSync(join(dir, conversationId, file), 'utf8')) as ListMessagesResponse })),
  );
}

describe('sender_kind and ad clicks from real answers', () => {
  const rows = answers().flatMap(({ conversationId, answer }) => answer.messages.map((m) => mapMessage(m, PAGE, conversationId)));

  it('classifies all 226 items: 79 customer, 125 employee, 6 bot, 12 page notices, 4 ad clicks', () => {
    const counts: Record<string, number> = {};
    for (const row of rows) counts[String(row.sender_kind)] = (counts[String(row.sender_kind)] ?? 0) + 1;
    expect(rows).toHaveLength(226);
    expect(counts).toEqual({ customer: 79, employee: 125, bot: 6, page_notice: 12, ad_click: 4 });
  });

  it('keeps the employee and drops the user id from bots, notices and ad clicks', () => {
    const employees = rows.filter((r) => r.sender_kind === 'employee');
    expect(employees.filter((r) => r.sender_user_id !== null)).toHaveLength(121); // 4 template cards carry uid null
    expect(employees.every((r) => r.sender_admin_name)).toBe(true);
    expect(rows.filter((r) => r.sender_kind === 'bot').every((r) => r.sender_admin_name === 'Botcake' && r.sender_user_id === null)).toBe(true);
    expect(rows.filter((r) => r.sender_kind !== 'employee').every((r) => r.sender_user_id === null)).toBe(true);
    expect(rows.filter((r) => r.sender_kind === 'customer').every((r) => r.is_from_page === false)).toBe(true);
  });

  it('gives every ad-click entry its ad id, from the attachment or, where that lacks it, from the id', () => {
    const clicks = rows.filter((r) => r.sender_kind === 'ad_click');
    expect(clicks.map((r) => r.ad_id).sort()).toEqual(['1112350645118', '1831525513669', '707379402172965334', '9957409994871']);
    expect(rows.filter((r) => r.sender_kind !== 'ad_click').every((r) => r.ad_id === null)).toBe(true);
  });

  it('bot templates keep their text although their HTML is empty', () => {
    const templates = rows.filter((r) => r.sender_kind === 'bot' && (r.raw as { message?: string }).message === '<div></div>');
    expect(templates).toHaveLength(4);
    expect(templates.every((r) => (r.text ?? '').length > 0)).toBe(true);
  });

  it('reads ad clicks from the messages answer (keyed by customer) and the conversation list', () => {
    const byConversation = new Map<string, number>();
    for (const { conversationId, answer } of answers()) {
      if (!conversationId.endsWith('93078565203358990') || byConversation.has(conversationId)) continue;
      const clicks = adClicksOfAnswer(answer, PAGE, conversationId);
      byConversation.set(conversationId, clicks.length);
      expect(clicks.every((c) => c.customer_id && c.ad_id && c.clicked_at instanceof Date)).toBe(true);
    }
    expect([...byConversation.values()]).toEqual([8]);

    const list = JSON.parse(readFileSync(join(SAMPLES, 'conversations/list_conversations_page_001.json'), 'utf8')) as { conversations: PancakeConversation[] };
    const fromList = list.conversations.flatMap((c) => adClicksOfConversation(c, PAGE));
    expect(fromList).toHaveLength(93); // 93 entries in 42 conversations, none repeated
    expect(new Set(fromList.map((c) => c.conversation_id)).size).toBe(42);
    expect(new Set(fromList.map((c) => c.ad_id)).size).toBe(75);

    // Both sources give the same rows (regression: the list used the global customer id, the answer
    // the page customer's, and each run rewrote the other's rows).
    const c3 = answers().find((a) => a.conversationId.endsWith('93078565203358990'))!;
    const byKey = (r: { ad_id: string; clicked_at: Date }) => `${r.ad_id}@${r.clicked_at.toISOString()}`;
    const sorted = <T extends { ad_id: string; clicked_at: Date }>(rows: T[]) => [...rows].sort((a, b) => byKey(a).localeCompare(byKey(b)));
    expect(sorted(fromList.filter((r) => r.conversation_id === c3.conversationId))).toEqual(sorted(adClicksOfAnswer(c3.answer, PAGE, c3.conversationId)));
  });

  it('keeps the rest of the answer per conversation, without the messages', () => {
    const { conversationId, answer } = answers().find((a) => a.conversationId.endsWith('3076381532014702'))!;
    const details = mapConversationDetails(answer, PAGE, conversationId);
    const raw = details.raw as Record<string, unknown>;
    expect(raw.messages).toBeUndefined();
    expect(Object.keys(raw)).toHaveLength(32); // 34 keys minus messages and app
    expect(raw.notes).toBeInstanceOf(Array);
    expect(details.customer_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('sender_kind on every channel, and AI or automated replies', () => {
  const message = (from: Record<string, unknown>, id = 'm1') => ({ id, conversation_id: 'c', page_id: 'p', inserted_at: '2026-11-30T02:15:08', from } as unknown as PancakeMessage);
  const kind = (pageId: string, from: Record<string, unknown>) => mapMessage(message(from), pageId, 'c').sender_kind;

  it('tells the page from its customers in every form a channel writes an id in', () => {
    const whatsapp = 'wa_c.us@84901234567';
    expect(kind(whatsapp, { id: '84901234567@c.us', name: 'Shop' })).toBe('page_notice');
    expect(kind(whatsapp, { id: 'wa_84901234567@c.us', name: 'Shop' })).toBe('page_notice');
    expect(kind(whatsapp, { id: whatsapp, name: 'Shop' })).toBe('page_notice');
    expect(kind(whatsapp, { id: 'wa_c.us@62812345678', name: 'Siti' })).toBe('customer');
    expect(kind(whatsapp, { id: '62812345678@c.us', name: 'Siti' })).toBe('customer');
    for (const [page, bare] of [['web_1664524051101747', '1664524051101747'], ['pzl_5550001', '5550001'], ['igo_17841400000000', '17841400000000']]) {
      expect(kind(page!, { id: bare, name: 'Shop' })).toBe('page_notice');
      expect(kind(page!, { id: `${bare}9`, name: 'A customer' })).toBe('customer');
    }
    expect(kind('1234567890123456', { id: '1234567890123456', name: 'Shop' })).toBe('page_notice');
    expect(kind('1234567890123456', { id: '98765432101', name: 'Lan' })).toBe('customer');
  });

  it('an AI or automated reply under an employee account is a bot that keeps the account; ai_generated false changes nothing', () => {
    const employee = { id: 'p', name: 'Shop', admin_name: 'Anh', uid: 'u1' };
    const rows = [{ ...employee, ai_generated: true }, { ...employee, is_automated: true }, { ...employee, ai_generated: false }, employee].map((from) => mapMessage(message(from), 'p', 'c'));
    expect(rows.map((r) => [r.sender_kind, r.sender_user_id, r.sender_admin_name, r.ai_generated, r.is_automated])).toEqual([
      ['bot', 'u1', 'Anh', true, null],
      ['bot', 'u1', 'Anh', null, true],
      ['employee', 'u1', 'Anh', false, null],
      ['employee', 'u1', 'Anh', null, null],
    ]);
    // A Botcake flow keeps no user id.
    expect(mapMessage(message({ id: 'p', name: 'Shop', admin_name: 'Botcake', flow_id: 4 }), 'p', 'c').sender_user_id).toBeNull();
  });
});
