import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_LOGS_PAGE_SIZE } from '../../src/pancake/client.js';
import type { PancakeCallLog } from '../../src/pancake/types.js';
import { walkPages, type PagePosition } from '../../src/pancake/page-walk.js';
import { parseApiTimestamp } from '../../src/pancake/time.js';
import { STREAMS } from '../../src/sync/registry.js';
import { silentLogger } from '../../src/logger.js';
import { runSync } from '../../src/sync/runner.js';
import { windowedStream } from '../../src/sync/engines/windowed.js';
import { readStreamState } from '../../src/warehouse/state.js';
import type { TableSpec } from '../../src/warehouse/upsert.js';
import type { Database } from '../../src/warehouse/schema.js';
import { integer, jsonb, syncedAt, text, timestamptz } from '../../src/warehouse/tables/columns.js';
import { table, type RowOf } from '../../src/warehouse/tables/declare.js';
import { str } from '../../src/sync/coercions.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

// docs/architecture.md, "Adding a stream", done for real: the three parts a new stream needs,
// written here instead of in src/: its table (what its migration creates), its declaration and its
// stream (what src/warehouse/tables/ and its file in src/sync/streams/ hold) and its registration
// (its line in registry.ts's STREAMS). Then it is synced from the simulator like any other stream,
// coverage and resume included; and a column is added the way the document says: the migration,
// the declaration's line, the mapping.

// 1. The migration: a table of long calls.
const MIGRATION = sql`
  create table pancake.long_calls (
    page_id text not null,
    call_id text not null,
    started_at timestamptz,
    duration_seconds integer,
    raw jsonb not null,
    synced_at timestamptz not null default now(),
    primary key (page_id, call_id)
  )`;

// 2. The table's declaration (src/warehouse/tables/): its columns once, its key.
const longCalls = table(
  'pancake.long_calls',
  { page_id: text, call_id: text, started_at: timestamptz.nullable, duration_seconds: integer.nullable, raw: jsonb, synced_at: syncedAt },
  { key: ['page_id', 'call_id'] },
);

/** A real table's declaration is in `Database` (src/warehouse/schema.ts); this one exists only here. */
function outsideTheSchema<T extends { table: string }>(declaration: T): T & { table: keyof Database & string } {
  return declaration as T & { table: keyof Database & string };
}

// 3. The stream's file: its row is inferred from the declaration; it only maps.
type LongCallRow = RowOf<typeof longCalls>;

function mapLongCall(log: PancakeCallLog, pageId: string): LongCallRow {
  return { page_id: pageId, call_id: String(log.call_id), started_at: parseApiTimestamp(log.start_time), duration_seconds: typeof log.duration === 'number' ? log.duration : null, raw: log };
}

function longCallsStream<Row extends { raw: unknown }>(spec: TableSpec<Row>, map: (log: PancakeCallLog, pageId: string) => Row) {
  return windowedStream<PancakeCallLog, Row, PagePosition>({
    name: 'long_calls',
    description: 'call logs by start_time windows, every call (a demonstration stream)',
    table: spec,
    // Without its setting the stream is unavailable for the page, not failed.
    unavailable: (ctx) => (ctx.settings.callCenterIds.has(ctx.page.id) ? null : 'needs setting PANCAKE_CALL_CENTER_IDS'),
    // start_time never changes: plain page numbers (page-walk.ts).
    read: (ctx, window, from) =>
      walkPages((since, until, pageNumber) => ctx.client.listCallLogs(ctx.page.id, { id: ctx.settings.callCenterIds.get(ctx.page.id) ?? '', since, until, pageNumber }), CALL_LOGS_PAGE_SIZE, window, from),
    map: (log, ctx) => map(log, ctx.page.id),
    costPerWindow: '≥1 request each (30 calls a page)',
  });
}

// 3. The registry line.
const REGISTRY = [...STREAMS, longCallsStream(outsideTheSchema(longCalls), mapLongCall)];

describe('adding a stream: one file, one registry line, one migration', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await createSyncHarness({ seed: 61, pages: 1, conversationsPerPage: 40, historyDays: 40, entities: { callLogsPerPage: 90 } }, 'adding_stream');
    await MIGRATION.execute(h.db);
  });
  afterAll(async () => h?.close());

  it('a stream declared in this file is selected by name, synced from the simulator, and resumes from its coverage', async () => {
    const pageId = h.sim.data.pages[0]!.id;
    const config = h.config({ PANCAKE_CALL_CENTER_IDS: `${pageId}:${h.sim.callCenterId(pageId)}`, SYNC_WINDOW_DAYS: '10' });
    const since = new Date(Date.now() - 41 * 86_400_000);
    const first = await runSync({ config, db: h.db, client: h.client(config), log: silentLogger, streams: REGISTRY }, { since, streams: ['long_calls'] });
    expect(first.failures).toEqual([]);
    expect(first.outcomes.map((o) => [o.stream, o.status])).toEqual([['long_calls', 'done']]);

    const expected = (h.sim.data.entities.callLogs.get(pageId) ?? []).filter((log) => parseApiTimestamp(log.start_time)! >= since).map((log) => String(log.call_id)).sort();
    const rows = await sql<{ call_id: string }>`select call_id from pancake.long_calls order by call_id`.execute(h.db);
    expect(expected.length).toBeGreaterThan(30);
    expect(rows.rows.map((r) => r.call_id)).toEqual(expected);
    const state = await readStreamState(h.db, pageId, 'long_calls');
    expect(state.coveredFrom!.getTime()).toBeLessThanOrEqual(since.getTime() + 1000);

    // Its next run reads only the lookback window, like every windowed stream.
    h.sim.clearRequests();
    await runSync({ config, db: h.db, client: h.client(config), log: silentLogger, streams: REGISTRY }, { streams: ['long_calls'] });
    expect(h.sim.requests.filter((r) => r.endpoint === 'list_call_logs')).toHaveLength(1);

    // A page its declaration cannot serve: unavailable, with the reason, and no request.
    h.sim.clearRequests();
    const without = h.config({ SYNC_WINDOW_DAYS: '10' });
    const skipped = await runSync({ config: without, db: h.db, client: h.client(without), log: silentLogger, streams: REGISTRY }, { streams: ['long_calls'] });
    expect(skipped.outcomes.map((o) => [o.stream, o.status, o.reason])).toEqual([['long_calls', 'unavailable', 'needs setting PANCAKE_CALL_CENTER_IDS']]);
    expect(h.sim.requests.filter((r) => r.endpoint === 'list_call_logs')).toEqual([]);
  });

  it('a column is added by its migration, one line of the declaration and its value in the mapping', async () => {
    const pageId = h.sim.data.pages[0]!.id;
    const config = h.config({ PANCAKE_CALL_CENTER_IDS: `${pageId}:${h.sim.callCenterId(pageId)}`, SYNC_WINDOW_DAYS: '10' });
    // 1. The migration adds the column and fills it from raw for the rows already stored (a row
    //    whose raw does not change is not rewritten by later runs).
    await sql`alter table pancake.long_calls add column caller text`.execute(h.db);
    await sql`update pancake.long_calls set caller = raw->>'caller'`.execute(h.db);
    // 2. The declaration gains one line (in src/ the line is written into the declaration above).
    const withCaller = table('pancake.long_calls', { ...longCalls.declared, caller: text.nullable }, { key: longCalls.key });
    // 3. The mapping gives its value; a mapping that left it out would not compile (RowOf).
    const stream = longCallsStream(outsideTheSchema(withCaller), (log, id): RowOf<typeof withCaller> => ({ ...mapLongCall(log, id), caller: str(log.caller) }));

    // A minute back: a run reads whole seconds up to its start, and the lookback covers the minute.
    const added = h.sim.addCallLog(pageId, new Date(h.sim.now().getTime() - 60_000));
    const run = await runSync({ config, db: h.db, client: h.client(config), log: silentLogger, streams: [...STREAMS, stream] }, { streams: ['long_calls'] });
    expect(run.failures).toEqual([]);

    const rows = await sql<{ call_id: string; caller: string | null; raw_caller: string | null }>`
      select call_id, caller, raw->>'caller' as raw_caller from pancake.long_calls order by call_id`.execute(h.db);
    expect(rows.rows.length).toBeGreaterThan(30);
    expect(rows.rows.filter((r) => r.caller !== r.raw_caller)).toEqual([]);
    const fresh = rows.rows.find((r) => r.call_id === String(added.call_id));
    expect(fresh?.caller).toBe(str(added.caller));
    expect(fresh?.caller).not.toBeNull();
  });
});
