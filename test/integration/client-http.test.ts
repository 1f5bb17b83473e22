import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createPancakeClient } from '../../src/pancake/client.js';
import { PancakeError } from '../../src/pancake/errors.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';

type Reply = (req: IncomingMessage, res: ServerResponse) => void;

/** A scripted server: each request takes the next reply; the last one repeats. */
function scripted(replies: Reply[]): { baseUrl: string; hits: Array<{ url: string; at: number }>; close(): Promise<void>; ready: Promise<void> } {
  const hits: Array<{ url: string; at: number }> = [];
  const server: Server = createServer((req, res) => {
    hits.push({ url: req.url ?? '', at: Date.now() });
    (replies[Math.min(hits.length - 1, replies.length - 1)] as Reply)(req, res);
  });
  const ready = new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    get baseUrl() {
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    hits,
    ready,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const ok = json(200, { success: true, conversations: [] });

async function callWith(replies: Reply[], retries = 3) {
  const server = scripted(replies);
  await server.ready;
  const client = createPancakeClient({ baseUrl: server.baseUrl, pageTokens: { '111': 'page-token-abcdefgh' }, retries, retryMinDelayMs: 10, rateLimit: 1000, timeoutMs: 1000 });
  try {
    const result = await client.listConversations('111', { since: 1_700_000_000, until: 1_700_086_400, pageNumber: 1 }).then(
      (value) => ({ value, error: null as unknown }),
      (error: unknown) => ({ value: null, error }),
    );
    return { ...result, hits: server.hits, stats: client.stats };
  } finally {
    await server.close();
  }
}

describe('the HTTP layer: retry classification', () => {
  it('retries 5xx, then succeeds', async () => {
    const r = await callWith([json(500, { message: 'boom' }), json(503, {}), ok]);
    expect(r.error).toBeNull();
    expect(r.hits).toHaveLength(3);
  });

  it('retries an HTTP 429 and waits for its Retry-After', async () => {
    const r = await callWith([json(429, { message: 'Too many requests' }, { 'retry-after': '1' }), ok]);
    expect(r.error).toBeNull();
    expect(r.hits[1]!.at - r.hits[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('treats a 200 with success:false and error_code 429 as a rate limit, which does not use up retries', async () => {
    const limited = json(200, { message: 'Too many requests', success: false, error_code: 429 }, { 'retry-after': '0' });
    const r = await callWith([limited, limited, limited, ok], 1);
    expect(r.error).toBeNull();
    expect(r.hits).toHaveLength(4);
    expect(r.stats.rateLimited).toBe(3);
  });

  it('retries truncated and non-JSON bodies', async () => {
    const truncated: Reply = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"success": true, "conversa');
    };
    const html: Reply = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>502 Bad Gateway</html>');
    };
    const r = await callWith([truncated, html, ok]);
    expect(r.error).toBeNull();
    expect(r.hits).toHaveLength(3);
  });

  it('does not retry 401/403 and says what to do, without the token', async () => {
    const r = await callWith([json(401, { success: false, message: 'Invalid page_access_token' })]);
    expect(r.hits).toHaveLength(1);
    expect(r.error).toBeInstanceOf(PancakeError);
    const error = r.error as PancakeError;
    expect(error.kind).toBe('auth');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('page 111');
    expect(error.message).toMatch(/generate a new one/);
    expect(`${error.message} ${error.url}`).not.toContain('page-token-abcdefgh');
  });

  it('does not retry a 400 and passes on its message', async () => {
    const r = await callWith([json(400, { success: false, message: 'page_number is invalid' })]);
    expect(r.hits).toHaveLength(1);
    expect((r.error as PancakeError).kind).toBe('bad_request');
    expect((r.error as PancakeError).message).toContain('page_number is invalid');
  });

  it('gives up after the configured retries', async () => {
    const r = await callWith([json(502, {})], 2);
    expect(r.hits).toHaveLength(3);
    expect((r.error as PancakeError).kind).toBe('server');
  });

  it('a 200 with success:false is an error, never an empty page', async () => {
    const r = await callWith([json(200, { success: false, message: 'Something went wrong' })], 0);
    expect(r.value).toBeNull();
    expect((r.error as PancakeError).kind).toBe('api');
  });

  it('retries timeouts and resets', async () => {
    const hang: Reply = () => undefined;
    const reset: Reply = (req) => req.socket.destroy();
    const r = await callWith([hang, reset, ok]);
    expect(r.error).toBeNull();
    expect(r.hits).toHaveLength(3);
  });
});

describe('the client against the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, pages: 1, conversationsPerPage: 40 });
  });
  afterAll(async () => sim.close());
  afterEach(() => vi.restoreAllMocks());

  it('a request for more than one month never leaves the client', async () => {
    const pageId = sim.data.pages[0]!.id;
    const client = createPancakeClient({ baseUrl: sim.baseUrl, pageTokens: { [pageId]: sim.pageToken(pageId) } });
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const since = new Date('2026-01-01T00:00:00Z');
    const until = new Date(since.getTime() + 30 * 86_400_000 + 1000);
    await expect(client.listConversations(pageId, { since, until, pageNumber: 1 })).rejects.toThrow(/at most 30 days/);
    await expect(client.listConversations(pageId, { since, until, lastConversationId: null })).rejects.toThrow(/at most 30 days/);
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(sim.requests).toHaveLength(0);
  });

  it('the simulator rejects a range over one month as the API does', async () => {
    const pageId = sim.data.pages[0]!.id;
    const url = `${sim.baseUrl}/api/public_api/v1/pages/${pageId}/conversations?page_access_token=${sim.pageToken(pageId)}&since=1700000000&until=${1700000000 + 30 * 86_400 + 1}&page_number=1`;
    const response = await fetch(url);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ success: false });
  });

  it('lists pages from categorized.activated and walks messages in batches of 30', async () => {
    const client = createPancakeClient({ baseUrl: sim.baseUrl, accessToken: sim.userToken, rateLimit: 1000 });
    const pages = await client.listPages();
    expect(pages.map((p) => p.id)).toEqual(sim.data.pages.map((p) => p.id));
    const pageId = pages[0]!.id;
    await client.generatePageAccessToken(pageId);
    const [conversationId, truth] = [...sim.data.messages.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
    expect(truth.length).toBeGreaterThan(60);
    const seen: string[] = [];
    for await (const batch of client.iterateMessages(pageId, conversationId)) seen.unshift(...batch.map((m) => m.id));
    expect(seen).toEqual(truth.map((m) => m.id));
    const calls = sim.requests.filter((r) => r.endpoint === 'list_messages');
    // A full walk ends on the first batch shorter than 30: floor(n / 30) + 1 requests.
    expect(calls).toHaveLength(Math.floor(truth.length / 30) + 1);
  });
});

describe('bounded waits', () => {
  const logged = () => {
    const lines: string[] = [];
    return { lines, logger: createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } }) };
  };

  it('regression: a Retry-After beyond PANCAKE_MAX_RETRY_AFTER fails the request at once, saying so, instead of waiting 100000 s', async () => {
    const server = scripted([json(429, { message: 'Too many requests' }, { 'retry-after': '100000' }), ok]);
    await server.ready;
    const client = createPancakeClient({ baseUrl: server.baseUrl, pageTokens: { '111': 'page-token-abcdefgh' }, retryMinDelayMs: 10, rateLimit: 1000, maxRetryAfterMs: 300_000 });
    try {
      const started = Date.now();
      const error = await client.listConversations('111', { since: 1_700_000_000, until: 1_700_086_400, pageNumber: 1 }).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error).toBeInstanceOf(PancakeError);
      expect((error as PancakeError).kind).toBe('wait_too_long');
      expect((error as PancakeError).message).toMatch(/asked to wait 1\.2d .*Retry-After.*more than PANCAKE_MAX_RETRY_AFTER \(5\.0m\)/);
      expect(server.hits).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('a wait of several seconds is logged with its reason, then honoured', async () => {
    const server = scripted([json(429, { message: 'Too many requests' }, { 'retry-after': '5' }), ok]);
    await server.ready;
    const { lines, logger } = logged();
    const client = createPancakeClient({ baseUrl: server.baseUrl, pageTokens: { '111': 'page-token-abcdefgh' }, retryMinDelayMs: 10, rateLimit: 1000, logger });
    try {
      await client.listConversations('111', { since: 1_700_000_000, until: 1_700_086_400, pageNumber: 1 });
      expect(server.hits[1]!.at - server.hits[0]!.at).toBeGreaterThanOrEqual(4_950);
      expect(lines.join('')).toMatch(/"level":40.*Pancake rate limit for page 111: waiting 5\.0s as it asked \(Retry-After\)/);
    } finally {
      await server.close();
    }
  }, 20_000);

  it('many requests waiting to retry under one stop signal do not warn of a listener leak (regression)', async () => {
    const busy = json(503, { message: 'busy' });
    const server = scripted([...Array.from({ length: 20 }, () => busy), ok]);
    await server.ready;
    const stop = new AbortController();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    const client = createPancakeClient({ baseUrl: server.baseUrl, pageTokens: { '111': 'page-token-abcdefgh' }, retryMinDelayMs: 50, rateLimit: 1000, concurrency: 20, stopSignal: stop.signal });
    try {
      const calls = Array.from({ length: 20 }, () => client.listConversations('111', { since: 1_700_000_000, until: 1_700_086_400, pageNumber: 1 }));
      await Promise.all(calls);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      expect(server.hits.length).toBeGreaterThanOrEqual(40);
      expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await server.close();
    }
  });

  it('a stop signal ends a long wait at once, and no further request is sent', async () => {
    const server = scripted([json(429, { message: 'Too many requests' }, { 'retry-after': '120' }), ok]);
    await server.ready;
    const stop = new AbortController();
    const client = createPancakeClient({ baseUrl: server.baseUrl, pageTokens: { '111': 'page-token-abcdefgh' }, retryMinDelayMs: 10, rateLimit: 1000, stopSignal: stop.signal });
    try {
      const pending = client.listConversations('111', { since: 1_700_000_000, until: 1_700_086_400, pageNumber: 1 }).catch((e: unknown) => e);
      await vi.waitFor(() => expect(server.hits).toHaveLength(1));
      const stoppedAt = Date.now();
      stop.abort(new PancakeError('stopping', { kind: 'interrupted' }));
      const error = await pending;
      expect(Date.now() - stoppedAt).toBeLessThan(1_000);
      expect((error as PancakeError).kind).toBe('interrupted');
      expect(server.hits).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
