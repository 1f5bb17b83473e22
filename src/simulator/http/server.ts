// The HTTP side: one node:http server on 127.0.0.1 that logs every request, then applies the
// per-token rate limit, the fault plan and the latency before letting api.ts answer. Clients talk to
// it exactly as to pages.fm, so the same code paths run in tests, the demo and the benchmark.

import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ResponseOverride, Simulator, SimulatorOptions } from '../contract.js';
import { appendMessages, createConversation, touch } from '../live/conversation-changes.js';
import { type LiveShop, type LiveShopOptions, startLiveShop } from '../live/live-shop.js';
import { entitySimulator } from '../live/record-changes.js';
import { changeShop } from '../live/shop-changes.js';
import { createSimulatorData } from '../shop/data-set.js';
import { Random } from '../shop/random.js';
import { bumpStatistics } from '../statistics/state.js';
import { type ApiContext, type Route, handle, matchRoute, tokenOf } from './api.js';
import { ConversationViews } from './conversation-listing.js';
import { RequestHolds } from './holds.js';
import { type FaultOptions, FaultPlan, TOKEN_EXPIRED, TOO_MANY_REQUESTS, sendJson, sendNonJson, sendServerError, sendTruncated } from './faults.js';
import { type OtherClientLoad, SlidingWindow, otherClientHits } from './rate-limit.js';
import type { PageListStatus } from './routes/route.js';
import { type RequestLogEntry, logEntry, readBody, redactBody } from './request-log.js';
import { USER_TOKEN_LIFETIME_MS, renewUserToken, replacePageToken, tokenBook } from './token-book.js';

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const data = createSimulatorData(options);
  const tokens = tokenBook(data.seed, data.pages.map((p) => p.id), options.userTokenExpiresAt ?? null);
  tokens.rotateOnGenerate = options.rotatePageTokens ?? false;
  let override: ResponseOverride | null = null;
  const pagingFaults = { stuckCursorPages: [] as string[], repeatingMessageConversations: [] as string[] };
  // The shop's clock: real time until advanceTo moves it, then where it was moved to.
  let clock: number | null = options.clock === 'manual' ? data.now.getTime() : null;
  const nowMs = (): number => clock ?? Date.now();
  const ctx: ApiContext = { data, tokens, views: new ConversationViews(data), pageLists: new Map(), pagingFaults, now: nowMs };
  const requests: RequestLogEntry[] = [];
  const window = new SlidingWindow();
  const mutationRng = Random.of('mutations', data.seed);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const holds = new RequestHolds();
  let latencyMs = options.latencyMs ?? 0;
  let rateLimit = options.rateLimitPerSecond ?? null;
  let otherClient: OtherClientLoad | null = options.otherClientLoad ?? null;
  const rateLimitAnswer = options.rateLimitAnswer ?? 'http';
  let faults = options.faults ? new FaultPlan(options.faults, data.seed) : null;
  let seq = 0;
  let liveShop: LiveShop | null = null;
  let closing: Promise<void> | null = null;

  // Timers are tracked so close() can drop hanging requests instead of keeping the process alive.
  const wait = (ms: number): Promise<void> =>
    ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, ms);
          timers.add(timer);
        });

  const answer = (entry: RequestLogEntry, res: ServerResponse, url: URL, route: Route, body: unknown): void => {
    const handled = handle(route, url.searchParams, body, ctx);
    const result = override ? { ...handled, ...override({ endpoint: route.endpoint, pageId: route.pageId, query: url.searchParams }, handled) } : handled;
    entry.status = result.status;
    entry.resultCount = result.resultCount;
    sendJson(res, result.status, result.body);
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const route = matchRoute(req.method ?? 'GET', url.pathname, url.searchParams);
    const token = tokenOf(route, url.searchParams, tokens);
    const entry = logEntry(++seq, req, url, route, token.id, startedAt);
    requests.push(entry);
    const held = holds.check(entry);
    res.on('close', () => {
      if (entry.finishedAt === 0) entry.finishedAt = Date.now();
    });

    try {
      const body = await readBody(req);
      entry.body = redactBody(body, tokens);
      await respond(req, res, entry, url, route, token.raw, body, held);
      liveShop?.onRequest();
    } catch (error) {
      // A bug in the simulator must show up as a 500 in the test, not as a hung request.
      entry.status = 500;
      if (!res.headersSent) sendJson(res, 500, { success: false, message: `Simulator error: ${String(error)}` });
      else res.destroy();
    }
  }

  async function respond(
    req: IncomingMessage,
    res: ServerResponse,
    entry: RequestLogEntry,
    url: URL,
    route: Route,
    rawToken: string | null,
    body: unknown,
    held: Promise<void> | null,
  ): Promise<void> {
    const startedAt = entry.startedAt;
    // Decided on arrival, so a request is limited by what came before it, not by how long it waited.
    // Pancake's limit is per page: requests about a page share one window, whatever their token;
    // the user API's requests are counted per token.
    const pageKey = route.definition?.auth === 'page' ? route.pageId : null;
    const limited = rateLimit !== null && !window.admit(pageKey === null ? `token:${rawToken ?? ''}` : `page:${pageKey}`, rateLimit, startedAt, otherClientHits(otherClient, pageKey, startedAt));
    const fault = limited ? null : (faults?.draw(route.pageId) ?? null);
    entry.fault = fault;
    await wait(latencyMs);
    if (held) await held;
    if (closing) return;

    if (limited) {
      entry.status = rateLimitAnswer === 'body' ? 200 : 429;
      entry.rateLimited = true;
      if (rateLimitAnswer === 'body') sendJson(res, 200, TOO_MANY_REQUESTS);
      else sendJson(res, 429, TOO_MANY_REQUESTS, { 'retry-after': '1' });
      return;
    }
    // Faults replace the answer; only 'timeout' (late) and 'truncated' (cut) consult api.ts. A truncated
    // answer skips a write's effects, so a retry sees the same data. A late answer does the write after
    // the client gave up, as a real server would: that is why clients must not retry a sent message.
    switch (fault) {
      case 'rate_limit':
        entry.status = 429;
        sendJson(res, 429, TOO_MANY_REQUESTS, { 'retry-after': String(faults?.retryAfterSeconds ?? 1) });
        return;
      case 'expired_token':
        entry.status = 401;
        sendJson(res, 401, TOKEN_EXPIRED);
        return;
      case 'rate_limit_body':
        entry.status = 200;
        sendJson(res, 200, { message: 'Too many requests', success: false, error_code: 429 });
        return;
      case 'server_error':
        entry.status = sendServerError(res, faults?.nextServerError() ?? 500);
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'truncated': {
        const result = handle(route, url.searchParams, body, ctx, false);
        entry.status = sendTruncated(res, result.status, result.body);
        return;
      }
      case 'non_json':
        entry.status = sendNonJson(res);
        return;
      case 'success_false':
        entry.status = 200;
        sendJson(res, 200, { success: false, message: 'Internal error, please try again' });
        return;
      case 'timeout':
        await wait(faults?.timeoutMs ?? 30_000);
        if (closing || res.destroyed) return;
        answer(entry, res, url, route, body);
        return;
      case null:
        answer(entry, res, url, route, body);
        return;
    }
  }

  const server = createServer((req, res) => void serve(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const at = (date: Date | undefined): number => date?.getTime() ?? nowMs();

  let lastLiveShop: LiveShop | null = null;
  const simulator: Simulator = {
    baseUrl: `http://${hostPart}:${address.port}`,
    get userToken() {
      return tokens.userToken;
    },
    requests,
    data,
    pageToken(pageId: string): string {
      const token = tokens.tokensByPage.get(pageId);
      if (!token) throw new Error(`No page ${pageId} in this simulator (pages: ${data.pages.map((p) => p.id).join(', ')})`);
      return token;
    },
    clearRequests(): void {
      requests.length = 0;
    },
    setLatency(ms: number): void {
      latencyMs = ms;
    },
    setRateLimit(perSecond: number | null): void {
      rateLimit = perSecond;
    },
    setOtherClientLoad(load: OtherClientLoad | null): void {
      otherClient = load;
    },
    expireUserToken(): void {
      tokens.userTokenExpired = true;
    },
    renewUserToken(expiresAt?: Date): string {
      const issuedAt = new Date();
      return renewUserToken(tokens, data.seed, issuedAt, expiresAt ?? new Date(issuedAt.getTime() + USER_TOKEN_LIFETIME_MS));
    },
    setPageListStatus(pageId: string, status: PageListStatus | null): void {
      if (!data.pages.some((p) => p.id === pageId)) throw new Error(`No page ${pageId} in this simulator`);
      if (status === 'activated') ctx.pageLists.delete(pageId);
      else ctx.pageLists.set(pageId, status);
    },
    pageListStatus: (pageId: string) => (ctx.pageLists.has(pageId) ? (ctx.pageLists.get(pageId) ?? null) : 'activated'),
    setFaults(options: FaultOptions | null): void {
      faults = options ? new FaultPlan(options, data.seed) : null;
    },
    setLiveShop(options: LiveShopOptions | null): void {
      liveShop?.stop();
      liveShop = null;
      if (options) {
        liveShop = startLiveShop(data, simulator, options);
        lastLiveShop = liveShop;
      }
    },
    get liveShopStats() {
      return lastLiveShop?.stats ?? null;
    },
    addMessages: (conversationId, count, date) => appendMessages(data, mutationRng, conversationId, count, at(date)),
    addConversation: (pageId, date) => createConversation(data, mutationRng, pageId, at(date)),
    touchConversation: (conversationId, date) => touch(data, mutationRng, conversationId, at(date)),
    bumpStatistics: (pageId, day) => bumpStatistics(data, pageId, day),
    revokePageToken: (pageId) => void replacePageToken(tokens, data.seed, pageId),
    setResponseOverride: (next) => void (override = next),
    holdRequests: (which) => holds.add(which),
    setPagingFaults(faults) {
      pagingFaults.stuckCursorPages = [...(faults?.stuckCursorPages ?? [])];
      pagingFaults.repeatingMessageConversations = [...(faults?.repeatingMessageConversations ?? [])];
    },
    now: () => new Date(nowMs()),
    advanceTo(to, rates = {}) {
      const from = clock ?? data.now.getTime();
      if (!(to.getTime() >= from)) throw new Error(`advanceTo: ${to.toISOString()} is before the shop's clock (${new Date(from).toISOString()})`);
      const changes = changeShop(data, simulator, from, to.getTime(), rates === false ? null : rates);
      clock = to.getTime();
      return changes;
    },
    ...entitySimulator(data, Random.of('entity-mutations', data.seed), nowMs),
    close(): Promise<void> {
      if (!closing) {
        liveShop?.stop();
        holds.releaseAll();
        closing = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        for (const socket of sockets) socket.destroy();
        // Sockets emit 'close' on a later tick; the log must be final as soon as close() resolves.
        const now = Date.now();
        for (const entry of requests) if (entry.finishedAt === 0) entry.finishedAt = now;
      }
      return closing;
    },
  };
  if (options.liveShop) simulator.setLiveShop(options.liveShop);
  if (options.pagingFaults) simulator.setPagingFaults(options.pagingFaults);
  return simulator;
}
