import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countSenderKinds, createSimulatorData, isAdClickItem, senderKindOf, type SimulatorData } from '../../src/simulator/index.js';
import { drawMessageId } from '../../src/simulator/shop/busy-shop.js';
import { snippetOf } from '../../src/simulator/shop/conversation-summary.js';
import { Random } from '../../src/simulator/shop/random.js';
import { REPO_ROOT } from '../support/harness.js';
import { SOAK, TIER } from '../support/tier.js';

// The busy shop (DataOptions.shape 'busy', shop/busy-shop.ts): the default generator's threads
// dressed as the real answers are, so that the CPU benchmark measures records of the real size.

const NOW = new Date('2026-04-10T00:00:00Z');
const CAPTURE = join(REPO_ROOT, 'test/fixtures/real-samples/20260401T042009Z/messages');

/** Every real message item, and the key order of the one capture that kept the API's own. */
function realItems(): { items: Array<Record<string, unknown>>; apiOrder: string[] } {
  const items: Array<Record<string, unknown>> = [];
  let apiOrder: string[] = [];
  for (const folder of readdirSync(CAPTURE)) {
    for (const file of readdirSync(join(CAPTURE, folder))) {
      const text = readFileSync(join(CAPTURE, folder, file), 'utf8');
      const answer = JSON.parse(text) as { messages: Array<Record<string, unknown>> };
      items.push(...answer.messages);
      // The re-encoded captures sort their keys; the one kept as the API sent it does not.
      const keys = Object.keys(answer.messages[0]!);
      if (keys.join() !== [...keys].sort().join()) apiOrder = keys;
    }
  }
  return { items, apiOrder };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('the busy shop', () => {
  const data = createSimulatorData({ now: NOW, seed: 5, pages: 2, conversationsPerPage: 150, shape: 'busy' });
  const items = [...data.messages.values()].flat();

  it('is deterministic for a seed and a now', () => {
    const again = createSimulatorData({ now: NOW, seed: 5, pages: 2, conversationsPerPage: 150, shape: 'busy' });
    const snapshot = (d: SimulatorData) => JSON.stringify([[...d.conversations], [...d.messages]]);
    expect(snapshot(again)).toBe(snapshot(data));
  });

  it('serves items with the real keys in the API order, of the real size', () => {
    const real = realItems();
    expect(real.apiOrder).toHaveLength(32);
    for (const item of items.filter((m) => !isAdClickItem(m)).slice(0, 500)) expect(Object.keys(item)).toEqual(real.apiOrder);
    const ids = items.filter((m) => m.id.startsWith('m_')).map((m) => m.id.length);
    expect(new Set(ids)).toEqual(new Set([88]));
    // Within a fifth of the real items' mean size (1,227 bytes).
    expect(mean(items.map(bytes))).toBeGreaterThan(mean(real.items.map(bytes)) * 0.8);
    expect(mean(items.map(bytes))).toBeLessThan(mean(real.items.map(bytes)) * 1.2);
  });

  it('has texts of every length, emoji, decomposed accents and links; threads of 1 to 48 counted messages', () => {
    const texts = items.map((m) => m.original_message ?? '');
    const lengths = texts.map((t) => t.length).sort((a, b) => a - b);
    expect(lengths[Math.floor(lengths.length / 2)]).toBeGreaterThan(20);
    expect(lengths.at(-1)).toBeGreaterThan(400);
    expect(texts.some((t) => /\p{Extended_Pictographic}/u.test(t))).toBe(true);
    const decomposed = texts.filter((t) => /\p{M}/u.test(t) && t !== t.normalize('NFC'));
    expect(decomposed.length).toBeGreaterThan(texts.length * 0.05);
    expect(items.some((m) => Array.isArray(m.message_tags) && m.message_tags.length > 0)).toBe(true);
    const counts = [...data.conversationById.values()].filter((c) => c.type === 'INBOX').map((c) => c.message_count ?? 0);
    expect(Math.min(...counts)).toBe(1);
    expect(Math.max(...counts)).toBeLessThanOrEqual(48);
    expect(Math.max(...counts)).toBeGreaterThan(40);
    expect(countSenderKinds(data).ad_click).toBeGreaterThan(0);
  });

  it('keeps the invariants between a conversation and its items', () => {
    for (const conversation of data.conversationById.values()) {
      const messages = data.messages.get(conversation.id) ?? [];
      if (messages.length === 0) continue;
      const ids = new Set(messages.map((m) => m.id));
      const counted = messages.filter((m) => !isAdClickItem(m));
      expect(conversation.message_count).toBe(counted.length);
      expect(conversation.snippet).toBe(snippetOf(counted.at(-1)!, conversation.page_id));
      for (const capture of (conversation.recent_phone_numbers ?? []) as Array<{ m_id: string; phone_number: string }>) {
        expect(ids.has(capture.m_id)).toBe(true);
        expect(messages.find((m) => m.id === capture.m_id)!.original_message).toContain(capture.phone_number);
      }
      for (const m of messages) {
        const kind = senderKindOf(m, conversation.page_id);
        expect(m.has_phone).toBe(kind === 'customer' && /\b0[35789]\d{8}\b/.test(m.original_message ?? ''));
        for (const quote of (m.attachments as Array<Record<string, unknown>>).filter((a) => a.type === 'replied_message')) {
          expect(ids.has(quote.id as string)).toBe(true);
          expect(quote.message).toBe(messages.find((q) => q.id === quote.id)!.original_message);
        }
      }
    }
  });

  it('dresses a WhatsApp page too and leaves its bare conversation bare (regression: the default third page)', () => {
    const three = createSimulatorData({ now: NOW, seed: 5, pages: 3, conversationsPerPage: 40, shape: 'busy' });
    const bare = [...three.conversationById.values()].filter((c) => (c as { updated_at?: string }).updated_at === undefined);
    expect(bare.length).toBeGreaterThan(0);
    for (const conversation of bare) {
      expect(conversation).not.toHaveProperty('message_count');
      expect(conversation).not.toHaveProperty('snippet');
    }
  });

  it('draws a new message id when two conversations\' generators meet (regression: two threads of the benchmark shop drew the same one)', () => {
    // Two generators in the same state, as two conversations' became in the benchmark shop.
    const first = Random.of('busy-shop', 42, 'same-state');
    const second = Random.of('busy-shop', 42, 'same-state');
    expect(drawMessageId(Random.of('busy-shop', 42, 'same-state'), new Set())).toBe(drawMessageId(Random.of('busy-shop', 42, 'same-state'), new Set()));
    const used = new Set<string>();
    const ids = Array.from({ length: 50 }, (_, i) => drawMessageId(i % 2 === 0 ? first : second, used));
    expect(new Set(ids).size).toBe(ids.length);
    expect(used).toEqual(new Set(ids));
    for (const id of ids) expect(id).toMatch(/^m_[A-Za-z0-9_-]{86}$/);
  });

  // The shop where the collision was found: 3 × 3,000 conversations, about a minute to build.
  it.runIf(SOAK)(`${TIER}: gives every message of the benchmark shop (3 × 3,000 conversations) its own id`, () => {
    const big = createSimulatorData({ now: NOW, seed: 42, historyDays: 90, pages: 3, conversationsPerPage: 3000, shape: 'busy' });
    const ids = new Set<string>();
    let count = 0;
    for (const list of big.messages.values()) {
      for (const m of list) {
        count += 1;
        ids.add(`${m.page_id}/${m.id}`);
      }
    }
    expect(ids.size).toBe(count);
  }, 300_000);
});
