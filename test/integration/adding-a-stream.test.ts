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
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

// docs/architecture.md, "Adding a stream", done for real: the three parts a new stream needs,
// written here instead of in src/: its table (what its migration creates), its declaration (what
// its file in src/sync/streams/ holds) and its registration (its line in registry.ts's STREAMS).
// Then it is synced from the simulator like any other stream, coverage and resume included.

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

// 2. The stream's file: its row, its table spec, its declaration.
interface LongCallRow {
  page_id: string;
  call_id: string;
  started_at: Date | null;
  duration_seconds: number | null;
  raw: unknown;
}

const longCallsTable: TableSpec<LongCallRow> = {
  // A real stream's table is in the kysely schema (src/warehouse/); this one exists only here.
  table: 'pancake.long_calls' as TableSpec<LongCallRow>['table'],
  key: ['page_id', 'call_id'],
  columns: [
    { name: 'page_id', type: 'text' },
    { name: 'call_id', type: 'text' },
    { name: 'started_at', type: 'timestamptz' },
    { name: 'duration_seconds', type: 'integer' },
    { name: 'raw', type: 'jsonb' },
  ],
};

const longCallsStream = windowedStream<PancakeCallLog, LongCallRow, PagePosition>({
  name: 'long_calls',
  description: 'call logs by start_time windows, every call (a demonstration stream)',
  table: longCallsTable,
  // start_time never changes: plain page numbers (page-walk.ts).
  read: (ctx, window, from) =>
    walkPages((since, until, pageNumber) => ctx.client.listCallLogs(ctx.page.id, { id: ctx.settings.callCenterIds.get(ctx.page.id) ?? '', since, until, pageNumber }), CALL_LOGS_PAGE_SIZE, window, from),
  map: (log, ctx) => ({ page_id: ctx.page.id, call_id: String(log.call_id), started_at: parseApiTimestamp(log.start_time), duration_seconds: typeof log.duration === 'number' ? log.duration : null, raw: log }),
  costPerWindow: '≥1 request each (30 calls a page)',
});

// 3. The registry line.
const REGISTRY = [...STREAMS, longCallsStream];

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
  });
});
