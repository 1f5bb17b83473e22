import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStatus } from '../../src/commands/status.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

// Streams the API does not serve for a page (an endpoint answering 404) or that a missing setting
// keeps from running (no call-center id) end as `unavailable`, with the reason, and do not fail a
// default run. The 404 comes from a small proxy in front of the simulator.

describe('unavailable streams', () => {
  let h: SyncHarness;
  let proxy: Server;
  let proxyUrl: string;
  let pageId: string;

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 5, pages: 1, conversationsPerPage: 20, historyDays: 10 }, 'unavailable');
    pageId = h.sim.data.pages[0]!.id;
    proxy = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url.startsWith(`/api/public_api/v1/pages/${pageId}/statistics/customer_engagements`)) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ success: false, message: 'Not found' }));
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const answer = await fetch(`${h.sim.baseUrl}${url}`, { method: req.method ?? 'GET', ...(chunks.length > 0 && { body: Buffer.concat(chunks) }), headers: { 'content-type': req.headers['content-type'] ?? 'application/json' } });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await answer.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => proxy?.close(() => resolve()));
    await h?.close();
  });

  it('a default sync exits 0; call logs (no call-center id) and engagement statistics (404) are unavailable, with why, in the summary, sync_runs and status', async () => {
    const summary = await h.sync({}, { PANCAKE_BASE_URL: proxyUrl });
    expect(summary.failures).toEqual([]);
    expect(summary.exitCode).toBe(0);
    expect(summary.status).toBe('succeeded');
    const outcome = (stream: string) => summary.outcomes.find((o) => o.stream === stream);
    expect(outcome('call_logs')).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('PANCAKE_CALL_CENTER_IDS') });
    expect(outcome('stats_engagement')).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('HTTP 404') });
    expect(summary.outcomes.filter((o) => o.status !== 'done' && o.status !== 'unavailable')).toEqual([]);

    // stats_new_customers is opt-in: its request is a guess, so a default run never sends it.
    expect(outcome('stats_new_customers')).toBeUndefined();
    expect(h.sim.requests.filter((r) => r.endpoint === 'get_new_customer_statistics')).toEqual([]);

    const run = await h.db.selectFrom('pancake.sync_runs').select(['status', 'counts', 'errors']).where('id', '=', summary.runId).executeTakeFirstOrThrow();
    expect(run.status).toBe('succeeded');
    expect(run.errors).toEqual([]);
    expect((run.counts as Record<string, Record<string, unknown>>)[pageId]!.stats_engagement).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('404') });

    const status = await buildStatus(h.db, new Date(), 26 * 3_600_000);
    const row = (stream: string) => status.streams.find((s) => s.pageId === pageId && s.stream === stream);
    expect(row('call_logs')).toMatchObject({ lastResult: 'unavailable', reason: expect.stringContaining('PANCAKE_CALL_CENTER_IDS'), late: false });
    expect(row('stats_engagement')).toMatchObject({ lastResult: 'unavailable', reason: expect.stringContaining('404'), late: false });
    expect(status.late).toBe(0);
  });

  it('--streams stats_new_customers still runs the opt-in stream', async () => {
    h.sim.clearRequests();
    const summary = await h.sync({ streams: ['stats_new_customers'] });
    expect(summary.exitCode).toBe(0);
    expect(h.sim.requests.filter((r) => r.endpoint === 'get_new_customer_statistics').length).toBeGreaterThan(0);
  });
});
