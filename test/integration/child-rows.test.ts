import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PancakeConversation, PancakeMessage } from '../../src/pancake/types.js';
import { adClicksOfConversation } from '../../src/sync/streams/ad-clicks.js';
import { conversationBridgeParts } from '../../src/sync/streams/conversation-bridges.js';
import { mapConversation } from '../../src/sync/streams/conversations.js';
import { mapMessageAttachments } from '../../src/sync/streams/message-attachments.js';
import { mapMessage } from '../../src/sync/streams/message-rows.js';
import { childRowsNotInPart } from '../../src/warehouse/bridges.js';
import { forgetParentHistory } from '../../src/warehouse/raw-references.js';
import { createDb } from '../../src/warehouse/db.js';
import type { Database } from '../../src/warehouse/schema.js';
import { adClicks, conversations, messageAttachments, messages } from '../../src/warehouse/tables/inbox.js';
import { upsertParts } from '../../src/warehouse/upsert.js';
import { StatementParams, writeTogether, type WritePart } from '../../src/warehouse/write-together.js';
import { createMigratedDatabase, type TestDatabase } from '../support/db.js';

// A message's attachments are child rows: written with the messages in one statement, each message's
// list replaced. The attachments' raws and the messages whose lists are replaced are read from the
// messages' own JSON (src/warehouse/raw-references.ts), so neither travels twice; what is stored must
// be what sending everything gives.

let database: TestDatabase;
let db: Kysely<Database>;

beforeAll(async () => {
  // Another file of this process may have written attachments without parents just before.
  forgetParentHistory();
  database = await createMigratedDatabase('child_rows');
  db = createDb(database.url, 2);
  await sql`insert into pancake.pages (id, raw) values ('p1', '{}')`.execute(db);
  await sql`insert into pancake.conversations (page_id, id, raw) values ('p1', 'c1', '{}')`.execute(db);
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

const LONG_ID = (n: number) => `m${n}-${'x'.repeat(80)}`;

function message(n: number, attachments: unknown[]): PancakeMessage {
  return { id: LONG_ID(n), conversation_id: 'c1', inserted_at: '2026-03-01T10:00:00', from: { id: 'cust', name: 'Lan' }, original_message: `tin nhắn ${n}`, type: 'inbox', attachments } as unknown as PancakeMessage;
}

/** The parts the messages stream writes for a batch (src/sync/streams/messages.ts, messageParts). */
function parts(batch: PancakeMessage[]): WritePart[] {
  const rows = batch.map((m) => mapMessage(m, 'p1', 'c1'));
  const attachments = batch.flatMap((m, i) => mapMessageAttachments(m, 'p1', rows[i]!.conversation_id));
  return [
    ...upsertParts(messages, rows, null),
    ...childRowsNotInPart('pancake.message_attachments', 'message_id', ['position'], rows.map((r) => ({ pageId: r.page_id, parentId: r.id })), attachments.map((a) => [a.page_id, a.message_id, String(a.position)])),
    ...upsertParts(messageAttachments, attachments, null),
  ];
}

async function storedAttachments(): Promise<Array<{ message_id: string; position: number; type: string | null; raw: unknown }>> {
  const result = await sql<{ message_id: string; position: number; type: string | null; raw: unknown }>`
    select message_id, position, type, raw from pancake.message_attachments order by message_id, position`.execute(db);
  return result.rows;
}

describe("a message's attachments, replaced with it", () => {
  it('are stored as sent, and only the messages JSON carries the messages ids and attachments', async () => {
    const photo = { type: 'photo', url: 'https://cdn.example/ảnh.jpg', image_data: { width: 640, note: 'only in raw' } };
    const file = { file_url: 'https://cdn.example/a.pdf', mime_type: 'application/pdf', size: 12 };
    const first = [message(1, [photo, file]), message(2, [{ type: 'sticker', url: 'https://cdn.example/s' }]), message(3, [])];
    const written = parts(first);
    const params = new StatementParams();
    written.forEach((part) => part.render(params));
    const texts = params.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    // The third message (no attachment) is named only by the messages' JSON; an attachment's raw travels once.
    expect(texts.filter((t) => t.includes(LONG_ID(3)))).toHaveLength(1);
    expect(texts.join('').split('only in raw')).toHaveLength(2);
    await writeTogether(db, written);
    expect(await storedAttachments()).toEqual([
      { message_id: LONG_ID(1), position: 1, type: 'photo', raw: photo },
      { message_id: LONG_ID(1), position: 2, type: 'file', raw: file },
      { message_id: LONG_ID(2), position: 1, type: 'sticker', raw: { type: 'sticker', url: 'https://cdn.example/s' } },
    ]);

    // Message 1 loses its file, message 2 its sticker; message 3 gains one.
    await writeTogether(db, parts([message(1, [photo]), message(2, []), message(3, [{ type: 'video', url: 'v' }])]));
    expect(await storedAttachments()).toEqual([
      { message_id: LONG_ID(1), position: 1, type: 'photo', raw: photo },
      { message_id: LONG_ID(3), position: 1, type: 'video', raw: { type: 'video', url: 'v' } },
    ]);
  });

  it('after attachments written without their messages earlier in the process, they travel whole until the history is forgotten', async () => {
    const onlyInRaw = (batch: PancakeMessage[]) => {
      const params = new StatementParams();
      parts(batch).forEach((part) => part.render(params));
      return params.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('').split('only in raw').length - 1;
    };
    const attachment = () => ({ type: 'photo', url: 'u', note: 'only in raw' });
    // A first batch of attachments whose messages are in no remembered batch (another file's, say).
    forgetParentHistory();
    expect(upsertParts(messageAttachments, mapMessageAttachments(message(9, [attachment()]), 'p1', 'c1'), null)).toHaveLength(1);
    // The table is looked at again only every so many batches: until then, a raw is sent twice (still stored right).
    expect(onlyInRaw([message(5, [attachment()])])).toBe(2);
    forgetParentHistory();
    expect(onlyInRaw([message(6, [attachment()])])).toBe(1);
  });

  it('written apart from their messages, the deletion names the messages itself', async () => {
    await writeTogether(db, parts([message(4, [{ type: 'photo', url: 'a' }, { type: 'photo', url: 'b' }])]));
    const [upsert, remove, attachments] = parts([message(4, [{ type: 'photo', url: 'a' }])]);
    // Each part alone in its statement: the messages' JSON comes along where a part reads it.
    for (const part of [upsert!, remove!, attachments!]) await writeTogether(db, [part]);
    expect((await storedAttachments()).filter((a) => a.message_id === LONG_ID(4))).toEqual([{ message_id: LONG_ID(4), position: 1, type: 'photo', raw: { type: 'photo', url: 'a' } }]);
  });

  it("a conversation's tags, assignees, histories and ad clicks are read from the conversation's JSON and stored whole", async () => {
    const tag = { id: 7, text: 'Khách quen', color: '#ff0000', count: 'only-in-raw-tag' };
    const tagEntry = { inserted_at: '2026-03-01T10:00:00', seen_by: 'only-in-raw-tag-entry', payload: { action: 'add', editor_id: 'u1', editor_name: 'Lan', tag } };
    const user = { id: 'u2', name: 'Minh', fb_id: 'only-in-raw-fb' };
    const assignEntry = { inserted_at: '2026-03-01T11:00:00', source: 'only-in-raw-assignment', payload: { added_users: [user], removed_users: [], editor_id: 'u1' } };
    const ad = { ad_id: 'ad-1', inserted_at: '2026-03-01T09:00:00', post_id: 'post-1', note: 'only-in-raw-ad' };
    const c = {
      id: 'c2', page_id: 'p1', updated_at: '2026-03-01T12:00:00', tags: [tag], tag_histories: [tagEntry], assignee_ids: ['u2'], current_assign_users: [user],
      assignee_histories: [assignEntry], ads: [ad], page_customer: { id: 'pc1' },
    } as unknown as PancakeConversation;
    const rows = [mapConversation(c, 'p1')];
    const written = [...upsertParts(conversations, rows, null), ...upsertParts(adClicks, adClicksOfConversation(c, 'p1'), null), ...conversationBridgeParts('p1', [c], null)];
    const params = new StatementParams();
    written.forEach((part) => part.render(params));
    const texts = params.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    // Each nested item travels only inside the conversation's raw (one parameter).
    for (const marker of ['only-in-raw-fb', 'only-in-raw-ad', 'only-in-raw-tag-entry', 'only-in-raw-assignment', 'only-in-raw-tag"']) expect(texts.filter((t) => t.includes(marker))).toHaveLength(1);
    await writeTogether(db, written);
    const raws = async (table: string) => (await sql<{ raw: unknown }>`select raw from ${sql.table(table)} where conversation_id = 'c2'`.execute(db)).rows.map((r) => r.raw);
    expect(await raws('pancake.conversation_tags')).toEqual([tag]);
    expect(await raws('pancake.conversation_assignees')).toEqual([user]);
    expect(await raws('pancake.conversation_tag_events')).toEqual([tagEntry]);
    expect(await raws('pancake.conversation_assignment_events')).toEqual([assignEntry]);
    expect(await raws('pancake.ad_clicks')).toEqual([ad]);
  });
});
