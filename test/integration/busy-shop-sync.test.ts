import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapConversation } from '../../src/sync/streams/conversations.js';
import { mapMessage } from '../../src/sync/streams/messages.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

// A busy shop's records (real sizes, decomposed accents, emoji, quotes, ad clicks) through the
// upsert that reads the typed columns copying raw fields from raw in SQL (src/warehouse/raw-copies.ts):
// every typed column of every message and conversation must hold what the mapping says, as if it
// had been sent.

const DAY = 86_400_000;

describe('a busy shop synced', () => {
  let h: SyncHarness;

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 11, pages: 2, conversationsPerPage: 60, historyDays: 30, shape: 'busy' }, 'busy_shop');
  });
  afterAll(async () => h?.close());

  it('stores every typed column of messages and conversations as the mapping makes them', async () => {
    const summary = await h.sync({ since: new Date(h.sim.data.now.getTime() - 31 * DAY), streams: ['conversations', 'messages'] });
    expect(summary.exitCode).toBe(0);

    const messages = await h.db.selectFrom('pancake.messages').selectAll().execute();
    const truth = [...h.sim.data.messages.entries()].flatMap(([conversationId, items]) => {
      const pageId = h.sim.data.conversationById.get(conversationId)!.page_id;
      return items.map((m) => mapMessage(m, pageId, conversationId));
    });
    expect(messages).toHaveLength(truth.length);
    const stored = new Map(messages.map(({ synced_at: _synced, ...row }) => [`${row.page_id}|${row.id}`, row]));
    for (const row of truth) expect(stored.get(`${row.page_id}|${row.id}`), row.id).toEqual(row);
    // Decomposed accents arrive as they were sent (no normalization on the way).
    expect(messages.some((m) => m.text !== null && m.text !== m.text.normalize('NFC'))).toBe(true);

    const conversations = await h.db.selectFrom('pancake.conversations').selectAll().execute();
    const expected = [...h.sim.data.conversationById.values()].map((c) => mapConversation(c, c.page_id));
    expect(new Map(conversations.map(({ synced_at: _synced, ...row }) => [row.id, row]))).toEqual(new Map(expected.map((row) => [row.id, row])));
  });
});
