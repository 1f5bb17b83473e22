import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import type { PancakeClient, PageCustomerParams } from '../../src/pancake/client.js';
import type { ListPageCustomersResponse, PancakePageCustomer } from '../../src/pancake/types.js';
import { runSync } from '../../src/sync/runner.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

// The paging hazard (docs/pancake-api.md): customers walked by page numbers over updated_at skip a row
// when another one is edited mid-walk. These tests edit customers between the requests of a sync,
// exactly where a page-number walk loses one, and check that nothing is lost.

const DAY = 86_400_000;

type AfterRead = (params: PageCustomerParams, body: ListPageCustomersResponse) => void;

/** The harness' client, with a hook that runs after every customers answer (before the sync sees it). */
function hooked(client: PancakeClient, afterRead: AfterRead): PancakeClient {
  return {
    ...client,
    async listPageCustomers(pageId, params) {
      const body = await client.listPageCustomers(pageId, params);
      afterRead(params, body);
      return body;
    },
  };
}

function allCustomers(h: SyncHarness): PancakePageCustomer[] {
  return [...h.sim.data.entities.customers.values()].flat();
}

async function storedRaw(h: SyncHarness): Promise<Map<string, unknown>> {
  const rows = await h.db.selectFrom('pancake.customers').select(['id', 'raw']).execute();
  return new Map(rows.map((r) => [r.id, r.raw]));
}

/** Edits the first customer of each answer (it leaves the range; everything after it shifts up one place). */
function editFirstOfEachAnswer(h: SyncHarness, edited: Set<string>, only: (params: PageCustomerParams) => boolean = () => true): AfterRead {
  return (params, body) => {
    const first = body.customers.find((c) => !edited.has(c.id));
    if (!first || !only(params)) return;
    edited.add(first.id);
    h.sim.editCustomer(first.id);
  };
}

async function syncCustomers(h: SyncHarness, since: Date, afterRead: AfterRead | null) {
  const config = h.config();
  const client = h.client(config);
  return runSync({ config, db: h.db, client: afterRead ? hooked(client, afterRead) : client, log: silentLogger, now: h.sim.now() }, { since, streams: ['customers'] });
}

describe('customers walk while the shop edits customers', () => {
  let h: SyncHarness;
  let since: Date;
  beforeAll(async () => {
    // ~300 customers in 6 days: windows far over one page of 100, so the walk must split.
    h = await createSyncHarness({ seed: 41, pages: 1, conversationsPerPage: 250, messagesPerConversation: { min: 1, max: 1 }, historyDays: 6, entities: { callLogsPerPage: 0, postsPerPage: 0 }, clock: 'manual' }, 'entities_paging');
    since = new Date(h.sim.data.now.getTime() - 8 * DAY);
  });
  afterAll(async () => h?.close());

  it('stores every customer not edited during the walk, and every final version after the next incremental run', async () => {
    const edited = new Set<string>();
    h.sim.clearRequests();
    const first = await syncCustomers(h, since, editFirstOfEachAnswer(h, edited));
    expect(first.failures).toEqual([]);
    expect(edited.size).toBeGreaterThan(5);
    // The walk met full pages (and split them), which is where page numbers would have skipped.
    expect(h.sim.requests.some((r) => r.endpoint === 'list_page_customers' && r.resultCount === 100)).toBe(true);

    let stored = await storedRaw(h);
    for (const customer of allCustomers(h)) {
      if (!edited.has(customer.id)) expect(stored.get(customer.id), customer.id).toEqual(customer);
    }

    // A run's windows end before the second it starts in (the API compares whole seconds): edits
    // stamped in that second, at the shop's clock, are the next run's.
    h.nextSecond();
    const second = await syncCustomers(h, since, null);
    expect(second.failures).toEqual([]);
    stored = await storedRaw(h);
    expect(stored.size).toBe(allCustomers(h).length);
    for (const customer of allCustomers(h)) expect(stored.get(customer.id), customer.id).toEqual(customer);
  });
});

describe('customers walk through one second holding more than a page', () => {
  let h: SyncHarness;
  let since: Date;
  let dense: Date;
  let denseIds: string[];
  beforeAll(async () => {
    h = await createSyncHarness({ seed: 43, pages: 1, conversationsPerPage: 200, messagesPerConversation: { min: 1, max: 1 }, historyDays: 6, entities: { callLogsPerPage: 0, postsPerPage: 0 }, clock: 'manual' }, 'entities_floor');
    since = new Date(h.sim.data.now.getTime() - 8 * DAY);
    // A bulk import: 230 customers updated in the same second.
    dense = new Date(Math.floor((h.sim.data.now.getTime() - 3 * DAY) / 1000) * 1000);
    denseIds = allCustomers(h).slice(0, 230).map((c) => c.id);
    for (const id of denseIds) h.sim.editCustomer(id, dense);
  });
  afterAll(async () => h?.close());

  const inDenseSecond = (params: PageCustomerParams) => params.since === dense.getTime() / 1000 && params.until === params.since;

  it('the hazard is real here: a forward page walk of that second with the same edits misses customers', async () => {
    const client = h.client();
    await client.generatePageAccessToken(h.sim.data.pages[0]!.id);
    const pageId = h.sim.data.pages[0]!.id;
    const edited = new Set<string>();
    const seen = new Set<string>();
    const second = dense.getTime() / 1000;
    const before = new Set(h.sim.data.entities.customers.get(pageId)!.filter((c) => c.updated_at.startsWith(dense.toISOString().slice(0, 19))).map((c) => c.id));
    for (let pageNumber = 1; ; pageNumber++) {
      const body = await client.listPageCustomers(pageId, { since: second, until: second, pageNumber, orderBy: 'updated_at' });
      for (const c of body.customers) seen.add(c.id);
      editFirstOfEachAnswer(h, edited)({ since: second, until: second, pageNumber }, body);
      if (body.customers.length < 100) break;
    }
    const missed = [...before].filter((id) => !seen.has(id) && !edited.has(id));
    expect(missed.length).toBeGreaterThan(0);
    // Put the data set back as it was for the next test: the same 230 customers in one second.
    for (const id of denseIds) h.sim.editCustomer(id, dense);
  });

  it('the sync pages that second backwards and still stores every customer not edited during the walk', async () => {
    const edited = new Set<string>();
    h.sim.clearRequests();
    const first = await syncCustomers(h, since, editFirstOfEachAnswer(h, edited, inDenseSecond));
    expect(first.failures).toEqual([]);
    expect(edited.size).toBeGreaterThanOrEqual(3);
    const denseSecond = String(dense.getTime() / 1000);
    const floorPages = h.sim.requests.filter((r) => r.endpoint === 'list_page_customers' && r.query.since === denseSecond && r.query.until === denseSecond).map((r) => Number(r.query.page_number));
    expect(floorPages).toEqual([1, 3, 2, 1]);

    let stored = await storedRaw(h);
    for (const customer of allCustomers(h)) {
      if (!edited.has(customer.id)) expect(stored.get(customer.id), customer.id).toEqual(customer);
    }
    // A run's windows end before the second it starts in (the API compares whole seconds): edits
    // stamped in that second, at the shop's clock, are the next run's.
    h.nextSecond();
    const second = await syncCustomers(h, since, null);
    expect(second.failures).toEqual([]);
    stored = await storedRaw(h);
    for (const customer of allCustomers(h)) expect(stored.get(customer.id), customer.id).toEqual(customer);
  });
});
