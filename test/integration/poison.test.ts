import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageRow } from '../../src/sync/pages.js';
import { pages } from '../../src/warehouse/tables/inbox.js';
import { countMessages } from '../../src/simulator/index.js';
import { CUT_STRING_CHARS, MAX_JSON_DEPTH, MAX_ROW_JSON_CHARS } from '../../src/warehouse/storable.js';
import type { StorageWarning } from '../../src/warehouse/storage-warnings.js';
import { upsertRows } from '../../src/warehouse/upsert.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

// One poisoned record must not fail a stream every night (issue: a message nested 6,000 levels deep
// threw "Maximum call stack size exceeded" in the upsert, so its conversation was never stored and
// every run exited 1). Node's own JSON.stringify cannot write such a record either, so a proxy in
// front of the simulator swaps a marker in the answer for the deeply nested JSON text.

const DAY = 86_400_000;
const MARKER = '"__deeply_nested__"';
const DEPTH = 6_000;

function deepJsonText(): string {
  return `${'{"level":['.repeat(DEPTH)}{"leaf":"bottom","token":"deep-inside-token"}${']}'.repeat(DEPTH)}`;
}

async function poisoningProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const upstream = await fetch(`${target}${req.url ?? ''}`, { method: req.method ?? 'GET', headers: { 'content-type': 'application/json' }, ...(chunks.length > 0 && { body: Buffer.concat(chunks) }) });
    const text = (await upstream.text()).split(MARKER).join(deepJsonText());
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('poisoned records', () => {
  let h: SyncHarness;
  let proxy: Awaited<ReturnType<typeof poisoningProxy>>;
  let poisonedId: string;

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 71, pages: 1, conversationsPerPage: 15, historyDays: 20 }, 'poison');
    proxy = await poisoningProxy(h.sim.baseUrl);
    const [page] = h.sim.data.pages;
    const conversation = h.sim.data.conversations.get(page!.id)![2]!;
    const message = h.sim.data.messages.get(conversation.id)![0]!;
    (message as unknown as Record<string, unknown>).payload = '__deeply_nested__';
    poisonedId = message.id;
    h.sim.data.revision++;
  });
  afterAll(async () => {
    await proxy?.close();
    await h?.close();
  });

  it(`a message nested ${DEPTH} levels deep is stored with the deeper part as JSON text and a warning; every other record is stored and the run exits 0, twice`, async () => {
    const since = new Date(h.sim.data.now.getTime() - 21 * DAY);
    const summary = await h.sync({ since, streams: ['conversations', 'messages'] }, { PANCAKE_BASE_URL: proxy.url });
    expect(summary.failures).toEqual([]);
    expect(summary.exitCode).toBe(0);
    const warning = summary.warnings.find((w) => w.kind === 'reduced_record');
    expect(warning?.message).toContain(`id=${poisonedId}`);
    expect(warning?.message).toContain(`nesting deeper than ${MAX_JSON_DEPTH} levels kept as JSON text`);

    const stored = await h.db.selectFrom('pancake.messages').select(['id']).execute();
    expect(stored).toHaveLength(countMessages(h.sim.data));
    const row = await h.db.selectFrom('pancake.messages').select('raw').where('id', '=', poisonedId).executeTakeFirstOrThrow();
    let node: unknown = (row.raw as { payload: unknown }).payload;
    let levels = 1; // raw itself
    while (typeof node === 'object' && node !== null) {
      node = Array.isArray(node) ? node[0] : (node as { level: unknown }).level;
      levels += 1;
    }
    // raw plus the containers kept as JSON, then the string that holds the rest.
    expect(levels).toBe(MAX_JSON_DEPTH);
    expect(node as string).toMatch(/"leaf":"bottom","token":"\*\*\*"/);

    const again = await h.sync({ streams: ['conversations', 'messages'] }, { PANCAKE_BASE_URL: proxy.url });
    expect(again.failures).toEqual([]);
  });

  it(`a record over ${MAX_ROW_JSON_CHARS} characters of JSON is stored with its long strings cut, and a warning`, async () => {
    const huge = 'x'.repeat(MAX_ROW_JSON_CHARS + 1_000);
    const row: PageRow = { id: 'huge-page', name: 'Huge', platform: null, timezone_offset_hours: null, is_activated: null, inserted_at: null, deleted_at: null, status: null, raw: { id: 'huge-page', about: huge, name: 'Huge' } };
    const warnings: StorageWarning[] = [];
    await upsertRows(h.db, pages, [row], (w) => warnings.push(w));
    expect(warnings).toEqual([{ table: 'pancake.pages', key: 'id=huge-page', reasons: [expect.stringMatching(/strings over \d+ characters cut/)] }]);
    const stored = await h.db.selectFrom('pancake.pages').select('raw').where('id', '=', 'huge-page').executeTakeFirstOrThrow();
    const raw = stored.raw as { about: string; name: string };
    expect(raw.name).toBe('Huge');
    expect(raw.about.length).toBeLessThan(CUT_STRING_CHARS + 100);
    expect(raw.about).toMatch(/\[cut by pancake-sync: \d+ more characters\]$/);
    await h.db.deleteFrom('pancake.pages').where('id', '=', 'huge-page').execute();
  });
});
