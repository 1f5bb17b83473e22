import type { TableSpec } from '../../warehouse/upsert.js';
import { storeSnapshot, type SnapshotRow } from '../../warehouse/snapshot.js';
import { writeStreamState } from '../../warehouse/state.js';
import type { Stream, StreamContext } from '../stream.js';

// A stream whose list the API returns whole (tags, users): one request, stored as a snapshot
// (src/warehouse/snapshot.ts: rows missing from it are marked deleted_at, not deleted).

export type { SnapshotRow, SnapshotScope } from '../../warehouse/snapshot.js';

export interface SnapshotStreamDefinition<Row extends SnapshotRow> {
  name: string;
  description: string;
  table: TableSpec<Row>;
  /** One read of the whole list of the page, mapped to rows; `records` counts what the API sent. */
  read(ctx: StreamContext): Promise<{ records: number; rows: Row[] }>;
}

/**
 * A stream that stores a page's whole list on every run (one request). Its state row records when
 * the last snapshot was taken (watermark), for `status`.
 */
export function snapshotStream<Row extends SnapshotRow>(definition: SnapshotStreamDefinition<Row>): Stream {
  return {
    name: definition.name,
    description: definition.description,
    table: definition.table.table,
    async run(ctx) {
      ctx.counts.unitsTotal = 1;
      const { records, rows } = await definition.read(ctx);
      ctx.counts.records += records;
      await ctx.db.transaction().execute(async (trx) => {
        const written = await storeSnapshot(trx, definition.table, rows, { column: 'page_id', value: ctx.page.id }, [], ctx.onStorageWarning ?? null);
        ctx.counts.rowsWritten += written;
        // Every snapshot lists the whole list and marks what is gone: each one is a sweep (sweep.ts).
        await writeStreamState(trx, ctx.page.id, definition.name, { coveredFrom: null, watermark: ctx.settings.now, cursor: null }, ctx.settings.now);
      });
      ctx.counts.unitsDone += 1;
    },
    async plan() {
      return { units: 1, estimatedRequests: 1, detail: `the whole list in one request; rows missing from it get deleted_at` };
    },
  };
}
