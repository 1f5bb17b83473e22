import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { parseApiTimestamp } from '../../src/pancake/time.js';
import type { RequestLogEntry } from '../../src/simulator/index.js';
import { NEWEST_DAYS } from '../../src/sync/recent-first.js';
import { runSync } from '../../src/sync/runner.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

// A backfill reads a page's newest days first with the page's whole request budget (issue 26,
// src/sync/recent-first.ts): the conversations of the newest 7 days and all their messages are
// fetched before any other stream of the page sends a request, and before the conversations walk
// reads an older window. Ordering is what the run guarantees, so the simulator's request log is
// checked, not clocks.

const DAY = 86_400_000;
/** Requests a page needs before any stream runs. */
const SETUP = new Set(['list_pages', 'generate_page_token']);

describe('the newest days first', () => {
  let h: SyncHarness;

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 21, pages: 2, conversationsPerPage: 80, historyDays: 60, messagesPerConversation: { min: 1, max: 40 } }, 'recent_first');
  });
  afterAll(async () => h?.close());

  it('every other request of a page starts after the newest 7 days of its conversations have all their messages', async () => {
    const now = h.sim.data.now;
    const config = h.config();
    const summary = await runSync({ config, db: h.db, client: h.client(config), log: silentLogger, now }, { since: new Date(now.getTime() - 61 * DAY), streams: ['tags', 'conversations', 'messages', 'customers', 'posts', 'call_logs'] });
    expect(summary.exitCode).toBe(0);

    const horizon = now.getTime() - NEWEST_DAYS * DAY;
    let checkedPages = 0;
    for (const page of h.sim.data.pages) {
      const newest = new Set((h.sim.data.conversations.get(page.id) ?? []).filter((c) => parseApiTimestamp(c.updated_at)!.getTime() >= horizon).map((c) => c.id));
      expect(newest.size).toBeGreaterThan(3);
      const log = h.sim.requests.filter((r) => r.pageId === page.id && r.status === 200);
      const isNewest = (r: RequestLogEntry) =>
        (r.endpoint === 'list_messages' && r.conversationId !== null && newest.has(r.conversationId)) ||
        (r.endpoint === 'list_conversations_v2' && (Number(r.query.until) + 1) * 1000 > horizon);
      const newestRequests = log.filter(isNewest);
      // Each newest conversation had its messages read.
      expect(new Set(newestRequests.filter((r) => r.endpoint === 'list_messages').map((r) => r.conversationId))).toEqual(newest);
      const newestDone = Math.max(...newestRequests.map((r) => r.finishedAt));
      const others = log.filter((r) => !isNewest(r) && !SETUP.has(r.endpoint));
      expect(others.length).toBeGreaterThan(10);
      const early = others.filter((r) => r.startedAt < newestDone).map((r) => `${r.endpoint} ${r.conversationId ?? r.query.until ?? ''}`);
      expect(early, `page ${page.id}`).toEqual([]);
      checkedPages += 1;
    }
    expect(checkedPages).toBe(2);
  });
});
