import { describe, expect, it } from 'vitest';
import { countMessages, countSenderKinds, createSimulatorData, formatApiTime, isAdClickItem, parseApiTime, senderKindOf } from '../../src/simulator/index.js';
import { snippetOf } from '../../src/simulator/shop/conversation-summary.js';
import { messageId } from '../../src/simulator/shop/messages.js';
import { Random } from '../../src/simulator/shop/random.js';
import type { PancakeConversation } from '../../src/pancake/types.js';
import { perTier, TIER } from '../support/tier.js';
import { appendMessages, createConversation, touch } from '../../src/simulator/live/conversation-changes.js';

const NOW = new Date('2026-04-10T00:00:00Z');

describe('simulator data', () => {
  it('is deterministic for a seed and a now, and differs across seeds', () => {
    const options = { now: NOW, conversationsPerPage: 40 };
    const a = createSimulatorData({ ...options, seed: 7 });
    const b = createSimulatorData({ ...options, seed: 7 });
    const c = createSimulatorData({ ...options, seed: 8 });
    const snapshot = (d: typeof a) => JSON.stringify([d.pages, [...d.conversations], [...d.messages]]);
    expect(snapshot(a)).toBe(snapshot(b));
    expect(snapshot(a)).not.toBe(snapshot(c));
    expect(a.pages.map((p) => p.id)).not.toEqual(c.pages.map((p) => p.id));
  });

  it('has the defaults: 3 pages (a web chat and a WhatsApp page with prefixed ids) of 120 conversations, up to 70 counted messages, within historyDays', () => {
    const data = createSimulatorData({ now: NOW });
    expect(data.pages.map((p) => [p.platform, /^[1-9]\d{15}$/.test(p.id), /^web_[1-9]\d{15}$/.test(p.id), /^wa_c\.us@84\d{9}$/.test(p.id)])).toEqual([
      ['facebook', true, false, false],
      ['web', false, true, false],
      ['whatsapp', false, false, true],
    ]);
    for (const page of data.pages) {
      expect(page.timezone).toBe(7);
      expect(data.conversations.get(page.id)).toHaveLength(120);
      expect(data.employees.get(page.id)?.length).toBeGreaterThanOrEqual(3);
      expect(data.tags.get(page.id)).toHaveLength(6);
    }
    const all = [...data.conversations.values()].flat();
    const oldest = NOW.getTime() - 120 * 86_400_000 - 1000;
    // The WhatsApp page's first conversation has no updated_at and message_count, as in Pancake's official example.
    const bare = data.conversations.get(data.pages[2]!.id)![0]!;
    expect([bare.updated_at, bare.message_count, bare.seen, bare.snippet]).toEqual([undefined, undefined, undefined, undefined]);
    for (const c of all.filter((c) => c !== bare)) {
      const updated = parseApiTime(c.updated_at);
      expect(updated).toBeLessThanOrEqual(NOW.getTime());
      expect(updated).toBeGreaterThanOrEqual(oldest);
      // Reviews have no messages; every other thread at least one.
      expect(c.message_count).toBeGreaterThanOrEqual(c.type === 'RATING' ? 0 : 1);
      expect(c.message_count).toBeLessThanOrEqual(70);
    }
    expect(all.some((c) => (data.messages.get(c.id)?.length ?? 0) > 60)).toBe(true);
    expect(new Set(all.map((c) => c.type))).toEqual(new Set(['INBOX', 'COMMENT', 'RATING']));
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    // countMessages counts every item served; message_count leaves the ad clicks out.
    expect(countMessages(data)).toBe(all.reduce((n, c) => n + (c.message_count ?? 0), 0) + countSenderKinds(data).ad_click + (data.messages.get(bare.id)?.length ?? 0));
    expect(countSenderKinds(data).ad_click).toBeGreaterThan(0);
  });

  it('keeps the invariants between a conversation and its items', () => {
    const data = createSimulatorData({ now: NOW, seed: 3 });
    const ids = new Set<string>();
    const broken: string[] = [];
    for (const conversation of data.conversationById.values()) {
      const messages = data.messages.get(conversation.id) ?? [];
      const counted = messages.filter((m) => !isAdClickItem(m));
      const times = messages.map((m) => parseApiTime(m.inserted_at));
      const fail = (what: string) => broken.push(`${conversation.id}: ${what}`);
      const pageId = conversation.page_id;
      if (times.some((t, i) => i > 0 && t <= (times[i - 1] as number))) fail('items not strictly increasing');
      if (conversation.updated_at === undefined) {
        // The WhatsApp page's bare conversation (channel-shape.ts): only its items' own invariants hold.
        if (conversation.page_id !== data.pages[2]?.id || data.conversations.get(pageId)?.[0] !== conversation) fail('only one conversation goes without updated_at');
        continue;
      }
      if (conversation.type === 'RATING') {
        if (messages.length > 0 || conversation.message_count !== 0 || conversation.updated_at !== conversation.inserted_at) fail('a review has no items');
        continue;
      }
      if (parseApiTime(conversation.updated_at) !== times.at(-1)) fail('updated_at != newest item');
      if (parseApiTime(conversation.inserted_at) !== times[0]) fail('inserted_at != first item');
      if (conversation.message_count !== counted.length) fail('message_count != items without ad clicks');
      if (conversation.snippet !== snippetOf(counted.at(-1)!, pageId)) fail('snippet');
      if (!['customer', 'ad_click'].includes(senderKindOf(messages[0]!, pageId))) fail('a customer or an ad opens the thread');
      if (conversation.type === 'COMMENT' && messages[0]!.id !== conversation.id) fail('the first comment is the thread');
      for (const m of messages) {
        const shape = conversation.type === 'COMMENT' ? new RegExp(`^${conversation.id.split('_')[0]}_\\d+$`) : /^(m_|ad-)/;
        if (!shape.test(m.id) || ids.has(m.id)) fail(`message id ${m.id}`);
        ids.add(m.id);
        const card = (m.attachments as Array<{ type?: string }>).some((a) => a.type === 'template');
        if (senderKindOf(m, pageId) === 'employee' && !m.from?.uid && !card) fail('employee text without uid');
        if (m.conversation_id !== conversation.id || m.page_id !== pageId) fail('message parents');
      }
      const clicks = messages.filter(isAdClickItem);
      if (clicks.length !== (conversation.ads ?? []).length) fail('ad clicks != ads[]');
    }
    expect(broken).toEqual([]);
  });

  it('timezones option sets per-page zones', () => {
    const data = createSimulatorData({ now: NOW, pages: 4, conversationsPerPage: 1, timezones: [7, 8] });
    expect(data.pages.map((p) => p.timezone)).toEqual([7, 8, 7, 7]);
  });

  it('formats timestamps losslessly in the three real forms', () => {
    const ms = Date.UTC(2026, 2, 31, 14, 0, 18, 127);
    expect(formatApiTime(ms, 3)).toBe('2026-03-31T14:00:18.127');
    expect(formatApiTime(ms, 6)).toBe('2026-03-31T14:00:18.127000');
    expect(formatApiTime(ms, 0)).toBe('2026-03-31T14:00:18.127');
    expect(formatApiTime(ms - 127, 0)).toBe('2026-03-31T14:00:18');
    expect(formatApiTime(ms - 127, 6)).toBe('2026-03-31T14:00:18.000000');
    expect(parseApiTime('2026-03-31T14:00:18.127647')).toBe(ms);
    expect(parseApiTime('2026-03-31T21:00:18.127+07:00')).toBe(ms);
  });

  it('mutations keep the invariants and never move time backwards', () => {
    const data = createSimulatorData({ now: NOW, conversationsPerPage: 5 });
    const rng = new Random(1);
    const conversation = [...data.conversationById.values()][0];
    if (!conversation) throw new Error('no conversation');
    const before = conversation.message_count ?? 0;
    const at = NOW.getTime() + 5_123;
    const added = appendMessages(data, rng, conversation.id, 3, at);
    expect(added.filter((m) => !isAdClickItem(m))).toHaveLength(3);
    expect(conversation.message_count).toBe(before + 3);
    expect(parseApiTime(conversation.updated_at)).toBe(at);
    expect(data.messages.get(conversation.id)?.at(-1)).toBe(added.at(-1));

    appendMessages(data, rng, conversation.id, 1, at - 86_400_000);
    expect(parseApiTime(conversation.updated_at)).toBe(at);

    const tagsBefore = JSON.stringify([conversation.tags, conversation.assignee_ids]);
    touch(data, rng, conversation.id, at + 60_000);
    expect(parseApiTime(conversation.updated_at)).toBe(at + 60_000);
    expect(JSON.stringify([conversation.tags, conversation.assignee_ids])).not.toBe(tagsBefore);

    const pageId = data.pages[0]?.id ?? '';
    const created = createConversation(data, rng, pageId, at + 120_000);
    expect(parseApiTime(created.updated_at)).toBe(at + 120_000);
    expect(created.message_count).toBeGreaterThanOrEqual(created.type === 'RATING' ? 0 : 1);
    expect(created.message_count).toBeLessThanOrEqual(5);
    expect(data.conversations.get(pageId)).toContain(created);
    expect(data.revision).toBe(4);
  });
});

describe('message ids', () => {
  it('differ between two conversations whose random streams are in the same state (regression: colliding random streams repeated ids across conversations)', () => {
    const conversation = (id: string) => ({ id, type: 'INBOX', page_id: '1' }) as unknown as PancakeConversation;
    const draw = (id: string) => messageId({ conversation: conversation(id), rng: Random.of('same-state', 42), history: [] });
    expect(draw('1_100')).toBe(draw('1_100'));
    expect(draw('1_100')).not.toBe(draw('1_200'));
    expect(draw('1_100')).toMatch(/^m_[A-Za-z0-9]{24}[0-9a-f]{16}$/);
  });

  const SIZE = perTier(300, 5000);
  it(`are unique across a data set of 2 × ${SIZE} conversations (${TIER})`, () => {
    const data = createSimulatorData({ seed: 42, pages: 2, conversationsPerPage: SIZE, messagesPerConversation: { min: 5, max: 25 }, historyDays: 90, now: new Date('2026-11-25T00:00:00Z') });
    const ids = new Set<string>();
    let total = 0;
    for (const list of data.messages.values()) for (const m of list) {
      total += 1;
      ids.add(m.id);
    }
    expect(ids.size).toBe(total);
  }, 300_000);
});
