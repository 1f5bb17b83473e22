import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPancakeClient, type PancakeClient } from '../../src/pancake/client.js';
import type { PancakeConversation, PancakeMessage, PancakePage } from '../../src/pancake/types.js';
import { mapConversationTags } from '../../src/sync/streams/conversation-bridges.js';
import { mapConversation } from '../../src/sync/streams/conversations.js';
import { mapMessage } from '../../src/sync/streams/messages.js';
import { mapPage, pageZone } from '../../src/sync/pages.js';
import { REPO_ROOT } from '../support/harness.js';

// Fixtures written in the shapes of the reference's real responses (pancake-api.md; no real
// customer data), served over HTTP so they pass through the client's parsing, then the mapping.
const fixture = (name: string) => readFileSync(`${REPO_ROOT}/test/fixtures/real-shapes/${name}.json`, 'utf8');
const PAGE = '1098765432101234';
const CONVERSATION = '1098765432101234_7012345678901234';

describe('real response shapes through the client and the stream mapping', () => {
  let server: Server;
  let client: PancakeClient;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const body = path.endsWith('/messages') ? fixture('messages') : path.endsWith('/conversations') ? fixture('conversations') : fixture('pages');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = createPancakeClient({ baseUrl, accessToken: 'fixture-user-token', pageTokens: { [PAGE]: 'fixture-page-token' } });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('pages from categorized.activated, each with its own zone (one at +8)', async () => {
    const pages: PancakePage[] = await client.listPages();
    expect(pages.map((p) => p.id)).toEqual([PAGE, '2098765432101234']);
    const zoneOf = (p: PancakePage) => pageZone(p, { timezone: 'Asia/Ho_Chi_Minh', timezoneOverride: false });
    expect(pages.map(zoneOf)).toEqual(['UTC+7', 'UTC+8']);
    expect(pageZone(pages[1]!, { timezone: 'Europe/Berlin', timezoneOverride: true })).toBe('Europe/Berlin');
    expect(mapPage(pages[1]!)).toMatchObject({ timezone_offset_hours: 8, platform: 'instagram_official' });
    expect(mapPage(pages[0]!).inserted_at?.toISOString()).toBe('2022-05-18T03:35:19.000Z');
  });

  it('conversations: zone-less timestamps with 6 and 0 fraction digits, tags with nulls, customers', async () => {
    const conversations: PancakeConversation[] = await client.listConversations(PAGE, { lastConversationId: null, since: 1_774_000_000, until: 1_775_000_000 });
    const [inbox, comment] = conversations.map((c) => mapConversation(c, PAGE));
    expect(inbox).toMatchObject({
      id: CONVERSATION,
      type: 'INBOX',
      customer_id: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
      customer_name: 'Nguyễn Thị Lan',
      customer_psid: '7012345678901234',
      message_count: 20,
      last_sent_by_name: 'Trần Minh',
    });
    expect(inbox!.inserted_at?.toISOString()).toBe('2026-03-31T14:00:18.127Z');
    expect(inbox!.updated_at?.toISOString()).toBe('2026-04-03T12:22:36.000Z');
    expect(comment!.updated_at?.toISOString()).toBe('2026-03-31T16:34:03.000Z');
    expect(comment).toMatchObject({ type: 'COMMENT', customer_id: null, post_id: '1098765432101234_123456789012345' });
    expect(inbox!.raw).toEqual(conversations[0]);
    // null entries in `tags` are dropped; the tag object becomes a bridge row
    expect(mapConversationTags(conversations[0]!, PAGE).map((t) => [t.tag_id, t.tag_text, t.tag_color])).toEqual([['61', 'Chốt đơn', '#e71115']]);
    expect(mapConversationTags(conversations[1]!, PAGE)).toEqual([]);
  });

  it('messages: original_message as text (HTML kept in raw), 3-digit fractions, page replies with their employee', async () => {
    const { messages } = await client.listMessages(PAGE, CONVERSATION);
    const [fromCustomer, fromPage] = (messages as PancakeMessage[]).map((m) => mapMessage(m, PAGE, CONVERSATION));
    expect(fromCustomer).toMatchObject({ text: 'Shop ơi bánh kem dâu còn không ạ?\nEm lấy 2 cái', is_from_page: false, sender_user_id: null, attachment_count: 0 });
    expect((fromCustomer!.raw as PancakeMessage).message).toContain('<b>còn</b>');
    expect(fromCustomer!.inserted_at?.toISOString()).toBe('2026-02-04T03:18:59.866Z');
    expect(fromPage).toMatchObject({ text: 'Dạ còn ạ 😊', is_from_page: true, sender_user_id: '5b0c6a2e-1f34-4c8e-9a51-0d6f1c2b7e11', sender_admin_name: 'Trần Minh', attachment_count: 1 });
    expect(fromPage!.inserted_at?.toISOString()).toBe('2026-02-04T03:20:00.000Z');
  });
});
