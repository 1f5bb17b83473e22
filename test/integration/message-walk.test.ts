import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PancakeClient } from '../../src/pancake/client.js';
import type { PancakeMessage } from '../../src/pancake/types.js';
import { formatApiTime, parseApiTime } from '../../src/simulator/index.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

// Real answers leave ad-click entries out of `message_count` (a conversation with 40 items reports
// 39). A walk that ends once it has seen `message_count` ids stops short of the oldest items and
// calls the history complete. These tests build such a conversation and tell the two walks apart.

/** An ad-click entry as the API sends it: `ad-` + psid + ad id + click day, empty text, one attachment. */
function adClick(pageId: string, conversationId: string, at: number, adId: string): PancakeMessage {
  const psid = conversationId.slice(pageId.length + 1);
  const day = Math.floor(at / 86_400_000) * 86_400;
  return {
    id: `ad-${psid}${adId}${(day / 100).toFixed(1)}`,
    conversation_id: conversationId,
    page_id: pageId,
    from: { id: pageId, name: 'Shop' },
    message: '<div></div>',
    original_message: '',
    type: 'INBOX',
    inserted_at: formatApiTime(at, 6),
    attachments: [{ type: 'ad_click', ad_id: adId, url: 'https://example.com/post' }],
    seen: false,
  };
}

/** The walk this project used to do: stop on a short batch or once `expected` distinct ids were seen. */
async function walkUntilCount(client: PancakeClient, pageId: string, conversationId: string, expected: number): Promise<string[]> {
  const seen = new Set<string>();
  for (let position = 0; ; ) {
    const batch = (await client.listMessages(pageId, conversationId, { currentCount: position })).messages;
    position += batch.length;
    for (const m of batch) seen.add(String(m.id));
    if (batch.length < 30 || seen.size >= expected) return [...seen];
  }
}

describe('message walk with ad-click entries outside message_count', () => {
  let h: SyncHarness;
  let pageId: string;
  let conversationId: string;
  let truth: PancakeMessage[];

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 11, pages: 1, conversationsPerPage: 30, historyDays: 20, clock: 'manual' }, 'message_walk');
    h.nextSecond(); // the history ends at `now`: a run a second later reads all of it
    pageId = h.sim.data.pages[0]!.id;
    // An INBOX conversation cut to exactly 30 messages, then an older ad click: 31 items, count 30.
    const [id, messages] = [...h.sim.data.messages.entries()].find(([cid, list]) => list.length >= 30 && cid.startsWith(`${pageId}_`))!;
    conversationId = id;
    const kept = messages.slice(-30);
    const firstAt = parseApiTime(kept[0]!.inserted_at);
    truth = [adClick(pageId, conversationId, firstAt - 5_000, '120210000000001'), ...kept];
    h.sim.data.messages.set(conversationId, truth);
    h.sim.data.conversationById.get(conversationId)!.message_count = 30;
    h.sim.data.revision += 1;
  });
  afterAll(async () => h?.close());

  it('a walk that stops at message_count loses the oldest item (the double this suite guards against)', async () => {
    const client = h.client();
    await client.generatePageAccessToken(pageId);
    const ids = await walkUntilCount(client, pageId, conversationId, 30);
    expect(ids).toHaveLength(30);
    expect(ids).not.toContain(truth[0]!.id);
  });

  it('the sync stores every item, the ad click classified with its ad id, and a later run keeps them', async () => {
    const since = new Date(h.sim.data.now.getTime() - 30 * 86_400_000);
    h.sim.clearRequests();
    const first = await h.sync({ since, streams: ['conversations', 'messages'] });
    expect(first.failures).toEqual([]);
    const rows = await h.db.selectFrom('pancake.messages').select(['id', 'sender_kind', 'ad_id']).where('conversation_id', '=', conversationId).execute();
    expect(rows.map((r) => r.id).sort()).toEqual(truth.map((m) => m.id).sort());
    expect(rows.find((r) => r.id === truth[0]!.id)).toEqual({ id: truth[0]!.id, sender_kind: 'ad_click', ad_id: '120210000000001' });
    const walk = h.sim.requests.filter((r) => r.endpoint === 'list_messages' && r.conversationId === conversationId);
    expect(walk.map((r) => r.query.current_count ?? '0')).toEqual(['0', '30']); // 30 + 1: the short batch ends it

    h.sim.addMessages(conversationId, 2);
    // Runs read whole seconds up to the one they start in: a change in that second is the next run's.
    h.nextSecond();
    h.sim.clearRequests();
    const second = await h.sync({ streams: ['conversations', 'messages'] });
    expect(second.failures).toEqual([]);
    const count = await h.db.selectFrom('pancake.messages').select((eb) => eb.fn.countAll<string>().as('n')).where('conversation_id', '=', conversationId).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(h.sim.data.messages.get(conversationId)!.length);
    // Incremental: the newest batch reaches stored messages, so one request is enough.
    expect(h.sim.requests.filter((r) => r.endpoint === 'list_messages' && r.conversationId === conversationId)).toHaveLength(1);
  });
});
