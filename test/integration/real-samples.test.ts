import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPancakeClient, type PancakeClient } from '../../src/pancake/client.js';
import type { ListMessagesResponse, PancakeConversation, PancakeMessage, PancakePage, PancakePageCustomer } from '../../src/pancake/types.js';
import { adClicksOfAnswer, adClicksOfConversation, mapConversationDetails } from '../../src/sync/streams/ad-clicks.js';
import { mapConversationAssignees, mapConversationTags } from '../../src/sync/streams/conversation-bridges.js';
import { mapConversation } from '../../src/sync/streams/conversations.js';
import { mapCustomer } from '../../src/sync/streams/customers.js';
import { mapMessage } from '../../src/sync/streams/message-rows.js';
import { mapTag } from '../../src/sync/streams/tags.js';
import { mapPage, pageZone } from '../../src/sync/pages.js';
import { REPO_ROOT } from '../support/harness.js';
import { type ReplayServer, startReplayServer } from '../support/replay-server.js';

// Every one of the 16 real answers (test/fixtures/real-samples/README.md) served over HTTP by the
// replay server, read by the client and turned into rows by the streams' mapping functions. Each
// typed column is checked against the answer it came from: where the answer holds a readable value,
// the column must not be null.

const CAPTURE = join(REPO_ROOT, 'test/fixtures/real-samples/20260401T042009Z');
const PAGE = '8604377478606492';
// The capture's window: 2026-03-31 in Vietnam, as unix seconds.
const SINCE = 1_774_890_000;
const UNTIL = 1_774_976_399;
const FOLDERS = ['21760922710468019', '26298190487942775', '93078565203358990', '81621939724775721', '3076381532014702', '37948208605645215'].map((psid) => `${PAGE}_${psid}`);

type Source = (raw: Record<string, unknown>) => unknown;

/** Columns whose source value the answer holds, per column: a string, number or boolean is readable. */
function nullWhereReadable(table: string, rows: Array<Record<string, unknown>>, sources: Record<string, Source>): { checked: number; lost: string[] } {
  let checked = 0;
  const lost: string[] = [];
  for (const row of rows) {
    for (const [column, source] of Object.entries(sources)) {
      const value = source(row.raw as Record<string, unknown>);
      if (value === null || value === undefined || typeof value === 'object') continue;
      checked += 1;
      if (row[column] === null || row[column] === undefined) lost.push(`${table}.${column} ← ${JSON.stringify(value)}`);
    }
  }
  return { checked, lost };
}

const at = (path: string): Source => (raw) => path.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), raw);

async function walk(client: PancakeClient, conversationId: string): Promise<{ items: PancakeMessage[]; answers: ListMessagesResponse[] }> {
  const answers: ListMessagesResponse[] = [];
  for (let position = 0; ; ) {
    const answer = await client.listMessages(PAGE, conversationId, { currentCount: position });
    answers.push(answer);
    position += answer.messages.length;
    if (answer.messages.length < 30) break;
  }
  // Batches come newest first, each oldest → newest inside.
  return { items: [...answers].reverse().flatMap((a) => a.messages), answers };
}

describe('the 16 real answers through the client and the stream mapping', () => {
  let replay: ReplayServer;
  let client: PancakeClient;

  beforeAll(async () => {
    replay = await startReplayServer(CAPTURE);
    client = createPancakeClient({ baseUrl: replay.baseUrl, accessToken: replay.userToken, retries: 0, rateLimit: 1000 });
  });
  afterAll(() => replay.close());

  it('the page list and the page token: one page, zone +7, its typed columns filled', async () => {
    const pages: PancakePage[] = await client.listPages();
    expect(pages.map((p) => p.id)).toEqual([PAGE]);
    const page = pages[0]!;
    const row = mapPage(page);
    expect(row).toMatchObject({ id: PAGE, name: 'Shop A', platform: 'facebook', timezone_offset_hours: 7, is_activated: true });
    expect(row.inserted_at?.toISOString()).toBe('2022-05-18T03:35:19.000Z');
    const zone = (p: PancakePage, override = false) => pageZone(p, { timezone: override ? 'Europe/Berlin' : 'Asia/Ho_Chi_Minh', timezoneOverride: override });
    expect(zone(page)).toBe('UTC+7');
    // A page's own offset decides its days; PANCAKE_TIMEZONE set explicitly wins.
    expect(zone({ ...page, timezone: 8 })).toBe('UTC+8');
    expect(zone(page, true)).toBe('Europe/Berlin');
    expect(nullWhereReadable('pages', [row as unknown as Record<string, unknown>], {
      id: at('id'), name: at('name'), platform: at('platform'), timezone_offset_hours: at('timezone'), is_activated: at('is_activated'), inserted_at: at('inserted_at'),
    })).toEqual({ checked: 6, lost: [] });

    expect(await client.generatePageAccessToken(PAGE)).toBe(replay.pageToken(PAGE));
    // The replay server puts the page's own token where the capture had it redacted.
    expect((page.settings as Record<string, unknown>).page_access_token).toBe(replay.pageToken(PAGE));
  });

  it('tags: 43, ids as text, optional is_lead_event', async () => {
    await client.generatePageAccessToken(PAGE);
    const rows = (await client.listTags(PAGE)).map((t) => mapTag(t, PAGE));
    expect(rows).toHaveLength(43);
    expect(rows.filter((r) => r.is_lead_event !== null)).toHaveLength(15);
    expect(nullWhereReadable('tags', rows as unknown as Array<Record<string, unknown>>, { id: at('id'), text: at('text'), color: at('color'), lighten_color: at('lighten_color'), is_lead_event: at('is_lead_event') })).toEqual({ checked: 43 * 4 + 15, lost: [] });
  });

  it('page customers: 87 (total 87), every readable value in its column, the year-only birthday in birth_year', async () => {
    await client.generatePageAccessToken(PAGE);
    const body = await client.listPageCustomers(PAGE, { since: SINCE, until: UNTIL, pageNumber: 1, pageSize: 100 });
    expect(body.total).toBe(87);
    const customers: PancakePageCustomer[] = body.customers;
    const rows = customers.map((c) => mapCustomer(c, PAGE));
    expect(rows).toHaveLength(87);
    expect(customers.filter((c) => !('lives_in' in c))).toHaveLength(33);
    expect(rows.filter((r) => r.thread_id === null)).toHaveLength(8);
    expect(rows.filter((r) => r.note_count !== null && r.note_count > 0)).toHaveLength(4);
    expect(rows.flatMap((r) => r.phone_numbers?.split(',') ?? [])).toHaveLength(34);
    const { checked, lost } = nullWhereReadable('customers', rows as unknown as Array<Record<string, unknown>>, {
      id: at('id'), customer_id: at('customer_id'), psid: at('psid'), thread_id: at('thread_id'), name: at('name'), gender: at('gender'),
      phone_number: (raw) => (raw.phone_numbers as string[])[0], birth_year: (raw) => (typeof raw.birthday === 'string' ? Number(raw.birthday.slice(0, 4)) : undefined), lives_in: at('lives_in'), can_inbox: at('can_inbox'),
      note_count: (raw) => (Array.isArray(raw.notes) ? raw.notes.length : undefined), inserted_at: at('inserted_at'), updated_at: at('updated_at'),
    });
    // 7 columns always filled; thread_id 79, gender 70, lives_in 2, birth year 1, phones 29, notes 4.
    expect(checked).toBe(87 * 7 + 79 + 70 + 2 + 1 + 29 + 4);
    expect(lost).toEqual([]);
    // "2007-00-00" is no date: birthday stays null, and the year is kept (regression: only raw had it).
    const yearOnly = rows.find((r) => (r.raw as { birthday?: unknown }).birthday === '2007-00-00')!;
    expect([yearOnly.birthday, yearOnly.birth_year]).toEqual([null, 2007]);
  });

  it('conversations: 60 (56 INBOX, 3 COMMENT, 1 RATING) by v2 and v1, tags without the nulls, ads of INBOX only', async () => {
    await client.generatePageAccessToken(PAGE);
    const v2: PancakeConversation[] = await client.listConversations(PAGE, { lastConversationId: null, since: SINCE, until: UNTIL });
    const v1 = await client.listConversations(PAGE, { since: SINCE, until: UNTIL, pageNumber: 1, orderBy: 'updated_at' });
    expect(v1.map((c) => c.id)).toEqual(v2.map((c) => c.id));
    const rows = v2.map((c) => mapConversation(c, PAGE));
    const byType = (type: string) => rows.filter((r) => r.type === type);
    expect([rows.length, byType('INBOX').length, byType('COMMENT').length, byType('RATING').length]).toEqual([60, 56, 3, 1]);
    expect(byType('COMMENT').every((r) => !r.id.startsWith(PAGE) && r.post_id?.startsWith(`${PAGE}_`))).toBe(true);
    expect(byType('RATING')).toEqual([expect.objectContaining({ message_count: 0, snippet: expect.stringMatching(/^\[Review 👍\] /) })]);
    expect(byType('RATING')[0]?.id).toBe(byType('RATING')[0]?.post_id);
    expect(rows.every((r) => r.page_id === PAGE)).toBe(true);

    const tags = v2.flatMap((c) => mapConversationTags(c, PAGE));
    expect(tags).toHaveLength(111); // 148 entries, 37 of them null
    expect(v2.flatMap((c) => mapConversationAssignees(c, PAGE))).toEqual([]);
    const ads = v2.flatMap((c) => adClicksOfConversation(c, PAGE));
    expect([ads.length, new Set(ads.map((a) => a.conversation_id)).size]).toEqual([93, 42]);

    const { checked, lost } = nullWhereReadable('conversations', rows as unknown as Array<Record<string, unknown>>, {
      id: at('id'), type: at('type'), customer_id: at('customer_id'), customer_name: at('page_customer.name'), customer_psid: at('page_customer.psid'),
      inserted_at: at('inserted_at'), updated_at: at('updated_at'), message_count: at('message_count'), snippet: at('snippet'), seen: at('seen'),
      has_phone: at('has_phone'), post_id: at('post_id'), last_sent_by_id: at('last_sent_by.id'), last_sent_by_name: at('last_sent_by.name'),
    });
    expect(checked).toBe(60 * 13 + 4); // post_id only on the 3 COMMENT and the RATING conversation
    expect(lost).toEqual([]);
    const tagCheck = nullWhereReadable('conversation_tags', tags as unknown as Array<Record<string, unknown>>, { tag_id: at('id'), tag_text: at('text'), tag_color: at('color') });
    expect(tagCheck).toEqual({ checked: 111 * 3, lost: [] });
  });

  it('messages: 226 items in 10 answers, ad clicks included; every readable value in its column', async () => {
    await client.generatePageAccessToken(PAGE);
    replay.clearRequests();
    const walks = await Promise.all(FOLDERS.map(async (id) => ({ id, ...(await walk(client, id)) })));
    // C3 and C4 were captured in part: their history ends where the capture ends.
    expect(walks.map((w) => w.items.length)).toEqual([20, 37, 60, 60, 40, 9]);
    expect(replay.requests.filter((r) => r.endpoint === 'list_messages').map((r) => r.records)).toHaveLength(6 + 4 + 2);
    const rows = walks.flatMap((w) => w.items.map((m) => mapMessage(m, PAGE, w.id)));
    expect(rows).toHaveLength(226);
    const kinds: Record<string, number> = {};
    for (const r of rows) kinds[String(r.sender_kind)] = (kinds[String(r.sender_kind)] ?? 0) + 1;
    expect(kinds).toEqual({ customer: 79, employee: 125, bot: 6, page_notice: 12, ad_click: 4 });
    expect(rows.filter((r) => r.sender_kind === 'ad_click').every((r) => r.ad_id !== null && r.text === '' && r.attachment_count === 1)).toBe(true);
    expect(rows.filter((r) => r.text === '')).toHaveLength(32);

    const employee = (raw: Record<string, unknown>, key: string) => (mapMessage(raw as PancakeMessage, PAGE, '').sender_kind === 'employee' ? at(key)(raw) : undefined);
    const { checked, lost } = nullWhereReadable('messages', rows as unknown as Array<Record<string, unknown>>, {
      id: at('id'), conversation_id: at('conversation_id'), inserted_at: at('inserted_at'), from_id: at('from.id'), from_name: at('from.name'),
      sender_user_id: (raw) => employee(raw, 'from.uid'), sender_admin_name: (raw) => employee(raw, 'from.admin_name'), text: at('original_message'),
      type: at('type'), has_phone: at('has_phone'), is_hidden: at('is_hidden'), is_removed: at('is_removed'),
    });
    expect(checked).toBe(226 * 10 + 121 + 125); // 121 employees with a uid, 125 with an admin name
    expect(lost).toEqual([]);

    // The rest of each answer: ad clicks by customer (C3 lists 8, C5 and X one each) and 32 kept keys.
    const first = new Map(walks.map((w) => [w.id, w.answers[0]!]));
    expect(FOLDERS.map((id) => adClicksOfAnswer(first.get(id)!, PAGE, id).length)).toEqual([0, 0, 8, 0, 1, 1]);
    for (const [id, answer] of first) {
      expect(Object.keys(answer)).toHaveLength(34);
      expect(Object.keys(mapConversationDetails(answer, PAGE, id).raw as object)).toHaveLength(32);
    }
  });

  it('serves every captured answer unchanged but for the tokens, and 404 for what the capture lacks', async () => {
    await client.generatePageAccessToken(PAGE);
    const c5 = FOLDERS[4]!;
    const [newest, older] = [await client.listMessages(PAGE, c5), await client.listMessages(PAGE, c5, { currentCount: 30 })];
    const { readFileSync } = await import('node:fs');
    const file = (name: string) => JSON.parse(readFileSync(join(CAPTURE, 'messages', c5, name), 'utf8')) as unknown;
    expect([newest, older]).toEqual([file('page_001.json'), file('page_002.json')]);
    expect(older.app).not.toBe(newest.app);
    await expect(client.listUsers(PAGE)).rejects.toMatchObject({ kind: 'not_found' });
    await expect(client.listMessages(PAGE, `${PAGE}_1`)).rejects.toMatchObject({ kind: 'not_found' });
    const logged = JSON.stringify(replay.requests);
    expect(logged).not.toContain(replay.pageToken(PAGE));
    expect(logged).not.toContain(replay.userToken);
  });
});
