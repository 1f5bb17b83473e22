// Fault tolerance of the client against the simulator over HTTP: with 20 % of the answers replaced by
// every transient fault the simulator knows, the walks return exactly what they return without faults,
// backoff honours Retry-After, writes converge without doubling a message, and an expired token stops
// at once. Also: `pancake-sync simulate --fault-rate/--faults` exposes every kind.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { faultOptionsFromFlags } from '../../src/commands/simulate.js';
import { createPancakeClient, type PancakeClient } from '../../src/pancake/client.js';
import { PancakeError } from '../../src/pancake/errors.js';
import { FAULT_KINDS, type FaultOptions, type RequestLogEntry, type Simulator, TRANSIENT_FAULT_KINDS, startSimulator } from '../../src/simulator/index.js';
import { waitUntil } from '../support/wait.js';

const DAY_S = 86_400;
const RETRY_AFTER_S = 1;
/**
 * Every transient kind, 20 % of the requests; 'timeout' hangs past the client's timeout. The draws do
 * not depend on the data: fault seed 117 injects all eight kinds within its first 29 requests, the
 * first one included, so each scenario below meets every kind however its request count changes.
 */
const FAULTS: FaultOptions = { rate: 0.2, kinds: [...TRANSIENT_FAULT_KINDS], seed: 117, timeoutMs: 700, retryAfterSeconds: RETRY_AFTER_S };

let sim: Simulator;
let pageId: string;

function newClient(): PancakeClient {
  return createPancakeClient({ baseUrl: sim.baseUrl, pageTokens: { [pageId]: sim.pageToken(pageId) }, rateLimit: 1000, timeoutMs: 350, retryMinDelayMs: 10, retries: 8 });
}

async function collect<T>(iterable: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of iterable) out.push(...batch);
  return out;
}

/** Everything the client can walk on one page, in the order it walked it. */
async function walkEverything(client: PancakeClient) {
  const nowS = Math.floor(sim.data.now.getTime() / 1000);
  const range = { since: nowS - 60 * DAY_S, until: nowS };

  const v2: unknown[] = [];
  for (let last: string | null = null; ; ) {
    const batch = await client.listConversations(pageId, { lastConversationId: last });
    v2.push(...batch);
    if (batch.length < 60) break;
    last = batch.at(-1)?.id ?? null;
  }
  const v1: unknown[] = [];
  for (let pageNumber = 1; ; pageNumber++) {
    const batch = await client.listConversations(pageId, { since: nowS - 29 * DAY_S, until: nowS, orderBy: 'updated_at', pageNumber });
    v1.push(...batch);
    if (batch.length < 60) break;
  }
  const messages: Record<string, unknown[]> = {};
  for (const conversation of sim.data.conversations.get(pageId) ?? []) {
    messages[conversation.id] = await collect(client.iterateMessages(pageId, conversation.id));
  }
  return {
    v2,
    v1,
    messages,
    conversations: await collect(client.iterateConversations(pageId, range)),
    customers: await collect(client.iteratePageCustomers(pageId, { ...range, pageSize: 20 })),
    callLogs: await collect(client.iterateCallLogs(pageId, { ...range, id: sim.data.entities.callCenters.get(pageId) ?? '' })),
    posts: await collect(client.iteratePosts(pageId, range)),
  };
}

async function settled(): Promise<void> {
  // A 'timeout' fault answers (and writes) after the client gave up: wait for those answers.
  await waitUntil(() => !sim.requests.some((e) => e.finishedAt === 0), () => `${sim.requests.filter((e) => e.finishedAt === 0).length} late answers`, { everyMs: 20 });
}

beforeAll(async () => {
  // Small on purpose: each rate-limit fault costs its full Retry-After (1 s), and 5 % of requests get one.
  sim = await startSimulator({ seed: 21, pages: 1, conversationsPerPage: 24, historyDays: 60 });
  pageId = sim.data.pages[0]?.id ?? '';
});
afterAll(() => sim.close());

describe('reads under 20 % faults of every transient kind', () => {
  let clean: Awaited<ReturnType<typeof walkEverything>>;
  let faulty: Awaited<ReturnType<typeof walkEverything>>;
  let log: RequestLogEntry[];
  let client: PancakeClient;

  beforeAll(async () => {
    clean = await walkEverything(newClient());
    sim.clearRequests();
    sim.setFaults(FAULTS);
    client = newClient();
    faulty = await walkEverything(client);
    sim.setFaults(null);
    await settled();
    log = [...sim.requests];
  });

  it('the fault-free walk read real data', () => {
    expect(clean.v2).toHaveLength(24);
    expect(Object.values(clean.messages).flat()).toHaveLength([...sim.data.messages.values()].flat().length);
    for (const list of [clean.v1, clean.conversations, clean.customers, clean.callLogs, clean.posts]) expect(list.length).toBeGreaterThan(0);
  });

  it('every kind was injected, and every fault was retried', () => {
    const kinds = new Set(log.map((e) => e.fault).filter((f) => f !== null));
    expect([...kinds].sort()).toEqual([...TRANSIENT_FAULT_KINDS].sort());
    const faults = log.filter((e) => e.fault !== null).length;
    expect(faults / log.length).toBeGreaterThan(0.1);
    // At least: on a loaded machine a healthy answer may also miss the client's timeout and be retried.
    expect(client.stats.retries).toBeGreaterThanOrEqual(faults);
    expect(client.stats.rateLimited).toBe(log.filter((e) => e.fault === 'rate_limit' || e.fault === 'rate_limit_body').length);
  });

  it('listConversations walks (v2 cursor, v1 page numbers) and iterateMessages return exactly the fault-free result', () => {
    expect(faulty.v2).toEqual(clean.v2);
    expect(faulty.v1).toEqual(clean.v1);
    expect(faulty.messages).toEqual(clean.messages);
  });

  it('iterateConversations, iteratePageCustomers, iterateCallLogs, iteratePosts return exactly the fault-free result', () => {
    expect(faulty.conversations).toEqual(clean.conversations);
    expect(faulty.customers).toEqual(clean.customers);
    expect(faulty.callLogs).toEqual(clean.callLogs);
    expect(faulty.posts).toEqual(clean.posts);
  });

  it('after a 429 with Retry-After, the token\'s next request comes no sooner than Retry-After', () => {
    const limited = log.filter((e) => e.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const entry of limited) {
      const next = log.find((e) => e.seq > entry.seq && e.tokenId === entry.tokenId);
      if (!next) throw new Error(`no request followed the 429 #${entry.seq}`);
      // finishedAt is stamped by the server's 'close' event, which may run a hair after the client
      // read the 429 in this same process: 5 ms of slack for that ordering, none for the backoff.
      expect(next.startedAt - entry.finishedAt).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 5);
    }
  });
});

describe('writes under 20 % faults', () => {
  it('idempotent writes converge to exactly their effect', async () => {
    const client = newClient();
    const tag = sim.data.tags.get(pageId)?.[0];
    if (!tag) throw new Error('no tags');
    const conversations = (sim.data.conversations.get(pageId) ?? []).slice(0, 6);
    const staff = sim.data.pages[0]?.active_user_ids ?? [];
    sim.setFaults(FAULTS);
    for (const c of conversations) {
      await client.addConversationTag(pageId, c.id, tag.id);
      await client.assignConversation(pageId, c.id, staff.slice(0, 1));
      await client.markConversationUnread(pageId, c.id);
    }
    sim.setFaults(null);
    await settled();
    for (const c of conversations) {
      expect((c.tags ?? []).filter((t) => t !== null && t.id === tag.id)).toHaveLength(1);
      expect(c.assignee_ids).toEqual(staff.slice(0, 1));
      expect(c.seen).toBe(false);
    }
  });

  it('a message is never sent twice: a send either succeeds once or says it may have gone out', async () => {
    const client = newClient();
    const inbox = (sim.data.conversations.get(pageId) ?? []).find((c) => c.type === 'INBOX');
    if (!inbox) throw new Error('no inbox conversation');
    const texts = Array.from({ length: 16 }, (_, i) => `Tin số ${i + 1}`);
    sim.clearRequests();
    sim.setFaults(FAULTS);
    const outcomes: Array<{ text: string; ok: boolean }> = [];
    for (const text of texts) {
      const ok = await client.sendMessage(pageId, inbox.id, { action: 'reply_inbox', message: text }).then(
        () => true,
        (error: unknown) => {
          expect(error).toBeInstanceOf(PancakeError);
          // A refusal (success:false) is final; anything else may have reached the customer.
          if ((error as PancakeError).kind !== 'api') expect((error as Error).message).toMatch(/may or may not have been sent/);
          return false;
        },
      );
      outcomes.push({ text, ok });
    }
    sim.setFaults(null);
    await settled();
    expect(outcomes.some((o) => !o.ok)).toBe(true);
    const stored = sim.data.messages.get(inbox.id) ?? [];
    for (const { text, ok } of outcomes) {
      const copies = stored.filter((m) => m.original_message === text).length;
      if (ok) expect(copies).toBe(1);
      else expect(copies).toBeLessThanOrEqual(1);
    }
    // Only rate limits were retried.
    const retried = sim.requests.filter((e) => e.endpoint === 'send_message').length - texts.length;
    expect(retried).toBe(sim.requests.filter((e) => e.endpoint === 'send_message' && (e.fault === 'rate_limit' || e.fault === 'rate_limit_body')).length);
  });
});

describe('expired token', () => {
  it('answers 401 "access token has expired", which the client does not retry', async () => {
    const client = newClient();
    sim.clearRequests();
    sim.setFaults({ rate: 1, kinds: ['expired_token'] });
    try {
      const error = await client.listConversations(pageId, { lastConversationId: null }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PancakeError);
      expect(error).toMatchObject({ kind: 'auth', status: 401, retryable: false });
      expect((error as Error).message).toContain('access token has expired');
      expect((error as Error).message).not.toContain(sim.pageToken(pageId));
      expect(sim.requests).toHaveLength(1);
    } finally {
      sim.setFaults(null);
    }
  });

  it('is never drawn unless asked for: the default kinds are the transient ones', () => {
    expect(FAULT_KINDS).toContain('expired_token');
    expect(TRANSIENT_FAULT_KINDS).not.toContain('expired_token');
  });
});

describe('pancake-sync simulate --fault-rate / --faults', () => {
  it('accepts every kind, expired_token included', () => {
    expect(faultOptionsFromFlags({ faultRate: '0.2', faults: 'expired_token' })).toEqual({ rate: 0.2, kinds: ['expired_token'] });
    expect(faultOptionsFromFlags({ faultRate: '1', faults: FAULT_KINDS.join(',') })?.kinds).toEqual([...FAULT_KINDS]);
  });

  it('defaults to the transient kinds, and to no faults without --fault-rate', () => {
    expect(faultOptionsFromFlags({ faultRate: '0.2' })).toEqual({ rate: 0.2, kinds: [...TRANSIENT_FAULT_KINDS] });
    expect(faultOptionsFromFlags({})).toBeNull();
    expect(faultOptionsFromFlags({ faultRate: '0' })).toBeNull();
  });

  it('refuses unknown kinds, a rate outside 0..1 and --faults without --fault-rate, naming the flag', () => {
    expect(() => faultOptionsFromFlags({ faultRate: '0.2', faults: 'expired,reset' })).toThrow(UsageError);
    expect(() => faultOptionsFromFlags({ faultRate: '0.2', faults: 'expired,reset' })).toThrow(/--faults: unknown kind\(s\) expired; valid: .*expired_token/);
    expect(() => faultOptionsFromFlags({ faultRate: '20' })).toThrow(/--fault-rate must be a share between 0 and 1/);
    expect(() => faultOptionsFromFlags({ faultRate: 'lots' })).toThrow(/--fault-rate/);
    expect(() => faultOptionsFromFlags({ faults: 'reset' })).toThrow(/--faults needs --fault-rate/);
  });
});
