import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createPancakeClient } from '../../src/pancake/client.js';
import { runSync } from '../../src/sync/runner.js';
import { createDb } from '../../src/warehouse/db.js';
import type { Database } from '../../src/warehouse/schema.js';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';
import { REPO_ROOT } from '../support/harness.js';
import { type ReplayServer, startReplayServer } from '../support/replay-server.js';

// The replay server's own rules (windows, cursors, page sizes, batches, tokens), on the real samples,
// and a sync of the streams the capture holds.

const CAPTURE = join(REPO_ROOT, 'test/fixtures/real-samples/20260401T042009Z');
const PAGE = '8604377478606492';
const SINCE = 1_774_890_000;
const UNTIL = 1_774_976_399;

describe('replay server', () => {
  let replay: ReplayServer;
  const get = async (path: string, params: Record<string, string | number> = {}) => {
    const url = new URL(path, replay.baseUrl);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    const res = await fetch(url);
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- read field by field
  };
  const page = (rest: string, params: Record<string, string | number> = {}, version = 'v1') => get(`/api/public_api/${version}/pages/${PAGE}/${rest}`, { page_access_token: replay.pageToken(PAGE), ...params });

  beforeAll(async () => {
    replay = await startReplayServer([CAPTURE]);
  });
  afterAll(() => replay.close());

  it('asks for its own tokens: 401 without them, 404 for pages it has no capture of', async () => {
    expect((await get('/api/v1/pages')).status).toBe(401);
    expect((await get('/api/v1/pages', { access_token: replay.userToken })).body.categorized.activated_page_ids).toEqual([PAGE]);
    expect((await page('tags', { page_access_token: 'x' })).status).toBe(401);
    expect((await get(`/api/public_api/v1/pages/123/tags`, { page_access_token: replay.pageToken(PAGE) })).status).toBe(404);
    expect((await page('statistics/pages', { since: SINCE, until: UNTIL })).status).toBe(404);
    expect((await page('posts', { since: SINCE, until: UNTIL, page_number: 1, page_size: 30 })).status).toBe(404);
  });

  it('page customers: whole-second inclusive windows on inserted_at or updated_at, numbered pages', async () => {
    const all = (await page('page_customers', { since: SINCE, until: UNTIL, page_number: 1, page_size: 100 })).body;
    expect([all.total, all.customers.length]).toEqual([87, 87]);
    const newest = all.customers[0] as { inserted_at: string; updated_at: string; id: string };
    const second = Date.parse(`${newest.inserted_at}Z`) / 1000;
    expect((await page('page_customers', { since: second, until: second, page_number: 1 })).body.customers.map((c: { id: string }) => c.id)).toEqual([newest.id]);
    expect((await page('page_customers', { since: second + 1, until: UNTIL, page_number: 1 })).body.total).toBe(0);
    const byUpdate = await page('page_customers', { since: UNTIL + 1, until: UNTIL + 86_400, page_number: 1, order_by: 'updated_at' });
    expect(byUpdate.body.total).toBeGreaterThan(0); // edited after the window they were created in
    const pages = await Promise.all([1, 2, 3].map((n) => page('page_customers', { since: SINCE, until: UNTIL, page_number: n, page_size: 40 })));
    expect(pages.map((p) => p.body.customers.length)).toEqual([40, 40, 7]);
    expect(pages.flatMap((p) => p.body.customers.map((c: { id: string }) => c.id))).toEqual(all.customers.map((c: { id: string }) => c.id));
    expect((await page('page_customers', { since: SINCE, until: UNTIL })).body.message).toContain('page_number');
  });

  it('conversations: the v2 cursor and v1 page numbers over one order, filtered by window', async () => {
    const v2 = (await page('conversations', { since: SINCE, until: UNTIL }, 'v2')).body.conversations as Array<{ id: string; updated_at: string }>;
    expect(v2).toHaveLength(60);
    const after = await page('conversations', { last_conversation_id: v2[9]!.id }, 'v2');
    expect(after.body.conversations.map((c: { id: string }) => c.id)).toEqual(v2.slice(10).map((c) => c.id));
    expect((await page('conversations', { last_conversation_id: 'nope' }, 'v2')).status).toBe(400);
    const last = Date.parse(`${v2[59]!.updated_at}Z`);
    const narrow = await page('conversations', { since: Math.floor(last / 1000), until: UNTIL, page_number: 1, order_by: 'updated_at' });
    expect(narrow.body.conversations.at(-1).id).toBe(v2[59]!.id);
    expect((await page('conversations', { since: SINCE, until: UNTIL, page_number: 2 })).body.conversations).toEqual([]);
  });

  it('messages: batches of 30 from the newest, oldest first inside; a capture cut short ends there', async () => {
    const c3 = `${PAGE}_93078565203358990`;
    const batch = async (n: number) => (await page(`conversations/${c3}/messages`, n ? { current_count: n } : {})).body.messages as Array<{ id: string; inserted_at: string }>;
    const [first, second, third, shifted] = [await batch(0), await batch(30), await batch(60), await batch(45)];
    expect([first.length, second.length, third.length, shifted.length]).toEqual([30, 30, 0, 15]);
    expect(second.at(-1)!.inserted_at < first[0]!.inserted_at).toBe(true);
    expect(shifted.map((m) => m.id)).toEqual(second.slice(0, 15).map((m) => m.id));
    expect(replay.requests.filter((r) => r.conversationId === c3).map((r) => [r.query.current_count ?? '0', r.records])).toEqual([['0', 30], ['30', 30], ['60', 0], ['45', 15]]);
  });
});

describe('replay server with several captures and the optional files', () => {
  let root: string;
  let replay: ReplayServer;
  const write = (path: string, body: unknown) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), JSON.stringify(body));
  };
  const post = (id: string, at: string) => ({ id, inserted_at: at, message: 'x' });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'replay-'));
    // Page "web_1" named by run_summary.json; page "222" by its page list.
    write('a/run_summary.json', { page_id: 'web_1' });
    write('a/pages/users.json', { success: true, users: [{ id: 'u1' }], disabled_users: [] });
    write('a/pages/posts/page_001.json', { posts: Array.from({ length: 30 }, (_, i) => post(`p${i}`, `2026-03-01T00:00:${String(59 - i).padStart(2, '0')}`)), success: true });
    write('a/pages/posts/page_002.json', { posts: [post('p30', '2026-02-28T00:00:00'), post('p0', '2026-03-01T00:00:59')], success: true });
    write('a/pages/call_logs/page_001.json', { data: [{ call_id: 'c1', start_time: '2026-03-01T10:00:00' }], success: true });
    write('a/pages/statistics/pages.json', { success: true, data: [{ hour: '2026-03-01T00:00:00', new_customer_count: 1 }] });
    write('b/pages/list_pages.json', { categorized: { activated: [{ id: '222', name: 'B', settings: { page_access_token: '***REDACTED***' } }] }, success: true });
    replay = await startReplayServer([join(root, 'a'), join(root, 'b')]);
  });
  afterAll(async () => {
    await replay?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves each page its own files with its own token; posts and call logs in windows and pages of 30', async () => {
    const client = createPancakeClient({ baseUrl: replay.baseUrl, accessToken: replay.userToken, rateLimit: 1000, retries: 0 });
    const pages = await client.listPages();
    expect(pages.map((p) => [p.id, (p.settings as { page_access_token?: string } | undefined)?.page_access_token ?? null])).toEqual([
      ['web_1', null],
      ['222', replay.pageToken('222')],
    ]);
    for (const id of ['web_1', '222']) expect(await client.generatePageAccessToken(id)).toBe(replay.pageToken(id));
    expect((await client.listUsers('web_1')).users).toEqual([{ id: 'u1' }]);
    await expect(client.listUsers('222')).rejects.toMatchObject({ kind: 'not_found' });
    const range = { since: Date.parse('2026-02-01T00:00:00Z') / 1000, until: Date.parse('2026-03-02T00:00:00Z') / 1000 };
    const first = await client.listPosts('web_1', { ...range, pageNumber: 1 });
    const second = await client.listPosts('web_1', { ...range, pageNumber: 2 });
    // 31 distinct posts (p0 captured twice), newest first.
    expect([first.total, first.posts.length, second.posts.map((p) => p.id)]).toEqual([31, 30, ['p30']]);
    const narrow = await client.listPosts('web_1', { since: Date.parse('2026-03-01T00:00:58Z') / 1000, until: Date.parse('2026-03-01T00:00:59Z') / 1000, pageNumber: 1 });
    expect(narrow.posts.map((p) => p.id)).toEqual(['p0', 'p1']);
    const calls = await client.listCallLogs('web_1', { id: 'any', since: range.since, until: range.until, pageNumber: 1 });
    expect(calls.map((c) => c.call_id)).toEqual(['c1']);
    expect((await client.getPageStatistics('web_1', range)).data).toEqual([{ hour: '2026-03-01T00:00:00', new_customer_count: 1 }]);
    await expect(client.getPageStatistics('222', range)).rejects.toMatchObject({ kind: 'not_found' });
    expect(replay.requests.filter((r) => r.status === 404).map((r) => `${r.pageId} ${r.endpoint}`)).toEqual(['222 list_users', '222 list_statistics_pages']);
  });

  it('refuses two captures of one page and a capture whose page it cannot tell', async () => {
    await expect(startReplayServer([join(root, 'a'), join(root, 'a')])).rejects.toThrow(/Two capture directories hold page web_1/);
    mkdirSync(join(root, 'c'), { recursive: true });
    await expect(startReplayServer(join(root, 'c'))).rejects.toThrow(/run_summary.json/);
  });
});

describe('a sync of the captured streams from the replay server', () => {
  let replay: ReplayServer;
  let database: TestDatabase;
  let db: Kysely<Database>;

  beforeAll(async () => {
    replay = await startReplayServer(CAPTURE);
    database = await createMigratedDatabase('replay');
    db = createDb(database.url, 4);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
    await replay?.close();
  });

  it('stores what the answers hold: 60 conversations, 217 messages of the 5 captured ones, 87 customers, 43 tags', async () => {
    const config = parseConfig({ DATABASE_URL: database.url, PANCAKE_BASE_URL: replay.baseUrl, PANCAKE_ACCESS_TOKEN: replay.userToken, SYNC_SAFETY_LAG: '0s', PANCAKE_RATE_LIMIT: '1000', LOG_LEVEL: 'silent' });
    const client = createPancakeClient({ baseUrl: config.baseUrl, accessToken: replay.userToken, rateLimit: 1000, retries: 0 });
    const summary = await runSync({ config, db, client, log: silentLogger }, { since: new Date(SINCE * 1000), until: new Date((UNTIL + 86_400) * 1000), streams: ['conversations', 'messages', 'customers', 'tags'] });
    expect(summary.failures).toEqual([]);
    const count = async (table: string) => Number((await db.selectFrom(table as 'pancake.pages').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const counts = Object.fromEntries(await Promise.all(['conversations', 'messages', 'customers', 'tags', 'conversation_tags', 'ad_clicks', 'conversation_details'].map(async (t) => [t, await count(`pancake.${t}`)])));
    // 20 + 37 + 60 + 60 + 40 items (X is not in the list); 93 ad clicks in the list, the answers' are among them.
    expect(counts).toEqual({ conversations: 60, messages: 217, customers: 87, tags: 43, conversation_tags: 111, ad_clicks: 93, conversation_details: 5 });
    const kinds = await db.selectFrom('pancake.messages').select(['sender_kind']).select((eb) => eb.fn.countAll<string>().as('n')).groupBy('sender_kind').orderBy('sender_kind').execute();
    expect(kinds.map((k) => [k.sender_kind, Number(k.n)])).toEqual([['ad_click', 3], ['bot', 6], ['customer', 77], ['employee', 121], ['page_notice', 10]]);
  });
});
