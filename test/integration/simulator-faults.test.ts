// Transport behaviour of the simulator: rate limit, every fault kind, latency, and a clean close().

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FaultKind, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { waitUntil } from '../support/wait.js';

const NOW = new Date('2026-04-10T00:00:00Z');

describe('simulator faults and limits', () => {
  let sim: Simulator;
  let pageId: string;
  let url: string;

  beforeAll(async () => {
    sim = await startSimulator({ now: NOW, conversationsPerPage: 40 });
    pageId = sim.data.pages[0]?.id ?? '';
    url = `${sim.baseUrl}/api/public_api/v2/pages/${pageId}/conversations?page_access_token=${sim.pageToken(pageId)}`;
  });
  afterEach(() => {
    sim.setFaults(null);
    sim.setRateLimit(null);
    sim.setLatency(0);
    sim.clearRequests();
  });
  afterAll(() => sim.close());

  const withFault = (kind: FaultKind, extra: { timeoutMs?: number } = {}) => sim.setFaults({ rate: 1, kinds: [kind], ...extra });

  it('rate-limits per token with 429 and Retry-After: 1', async () => {
    sim.setRateLimit(3);
    const replies = await Promise.all(Array.from({ length: 5 }, () => fetch(url)));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = replies.find((r) => r.status === 429);
    expect(limited?.headers.get('retry-after')).toBe('1');
    expect(await limited?.json()).toEqual({ success: false, message: 'Too many requests', error_code: 429 });
    // Another token has its own budget.
    const other = sim.data.pages[1]?.id ?? '';
    const otherReply = await fetch(`${sim.baseUrl}/api/public_api/v2/pages/${other}/conversations?page_access_token=${sim.pageToken(other)}`);
    expect(otherReply.status).toBe(200);
    expect(sim.requests.filter((e) => e.status === 429)).toHaveLength(2);
  });

  it('rate_limit: HTTP 429 with Retry-After', async () => {
    withFault('rate_limit');
    const r = await fetch(url);
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('1');
    expect(sim.requests[0]).toMatchObject({ status: 429, fault: 'rate_limit', resultCount: null });
  });

  it('rate_limit_body: HTTP 200 with error_code 429', async () => {
    withFault('rate_limit_body');
    const r = await fetch(url);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ message: 'Too many requests', success: false, error_code: 429 });
  });

  it('server_error: 500, 502, 503 in turn', async () => {
    withFault('server_error');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(url)).status);
    expect(statuses).toEqual([500, 502, 503]);
    expect(sim.requests.map((e) => e.fault)).toEqual(['server_error', 'server_error', 'server_error']);
  });

  it('success_false and non_json: HTTP 200 that is not a success', async () => {
    withFault('success_false');
    expect(await (await fetch(url)).json()).toEqual({ success: false, message: 'Internal error, please try again' });
    withFault('non_json');
    const html = await fetch(url);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    await expect(html.json()).rejects.toThrow(SyntaxError);
  });

  it('truncated: first half of the real body under status 200', async () => {
    const full = await (await fetch(url)).text();
    withFault('truncated');
    const r = await fetch(url);
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text.length).toBeGreaterThan(0);
    expect(full.startsWith(text)).toBe(true);
    expect(text.length).toBeLessThan(full.length);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('reset: the connection drops without an answer', async () => {
    withFault('reset');
    await expect(fetch(url)).rejects.toThrow();
    expect(sim.requests[0]).toMatchObject({ fault: 'reset', status: 0 });
  });

  it('timeout: hangs for timeoutMs, then answers normally; latency delays every answer', async () => {
    withFault('timeout', { timeoutMs: 150 });
    let started = Date.now();
    const r = await fetch(url);
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(((await r.json()) as { success: boolean }).success).toBe(true);
    sim.setFaults(null);
    sim.setLatency(80);
    started = Date.now();
    expect((await fetch(url)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
  });

  it('draws faults deterministically from the fault seed', async () => {
    const run = async () => {
      sim.setFaults({ rate: 0.5, kinds: ['success_false', 'rate_limit_body'], seed: 42 });
      sim.clearRequests();
      for (let i = 0; i < 12; i++) await fetch(url).then((r) => r.text());
      return sim.requests.map((e) => e.fault);
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(null);
    expect(first.some((f) => f !== null)).toBe(true);
  });
});

describe('simulator close()', () => {
  it('does not hang on a request that hangs or on keep-alive sockets', async () => {
    const sim = await startSimulator({ now: NOW, conversationsPerPage: 5, faults: { rate: 1, kinds: ['timeout'], timeoutMs: 60_000 } });
    const pageId = sim.data.pages[0]?.id ?? '';
    const hanging = fetch(`${sim.baseUrl}/api/public_api/v2/pages/${pageId}/conversations?page_access_token=${sim.pageToken(pageId)}`);
    hanging.catch(() => undefined);
    await waitUntil(() => sim.requests.length > 0, 'the request to arrive');
    const started = Date.now();
    await sim.close();
    // Far below the hanging answer's 60 s, however busy the machine.
    expect(Date.now() - started).toBeLessThan(30_000);
    await expect(hanging).rejects.toThrow();
    expect(sim.requests[0]?.finishedAt).toBeGreaterThan(0);
  });
});

describe('held answers (holdRequests)', () => {
  it('holds the requests picked from the n-th on until release, sees every request in order, and lets all go on close', async () => {
    const sim = await startSimulator({ now: NOW, conversationsPerPage: 5 });
    try {
      const pageId = sim.data.pages[0]?.id ?? '';
      const url = `${sim.baseUrl}/api/public_api/v2/pages/${pageId}/conversations?page_access_token=${sim.pageToken(pageId)}`;
      const seen: number[] = [];
      const hold = sim.holdRequests((entry) => (seen.push(entry.seq), seen.length >= 2));
      expect((await fetch(url)).status).toBe(200); // the first is not picked: answered at once
      let answered = 0;
      const held = [fetch(url), fetch(url)].map((answer) => answer.then((r) => (answered++, r.status)));
      await hold.reached;
      await waitUntil(() => hold.waiting === 2, () => `2 held requests (${hold.waiting})`);
      expect(answered).toBe(0);
      hold.release();
      expect(await Promise.all(held)).toEqual([200, 200]);
      expect(seen).toEqual(sim.requests.map((entry) => entry.seq));
      expect((await fetch(url)).status).toBe(200); // released: holds no more

      const stuck = sim.holdRequests(() => true);
      const pending = fetch(url).then(
        (r) => r.status,
        () => 'closed',
      );
      await stuck.reached;
      await sim.close();
      expect(['closed', 200]).toContain(await pending);
    } finally {
      await sim.close();
    }
  });
});
