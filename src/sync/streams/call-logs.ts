import { UserError } from '../../errors.js';
import { CALL_LOGS_PAGE_SIZE } from '../../pancake/client.js';
import type { PancakeCallLog } from '../../pancake/types.js';
import { PancakeError } from '../../pancake/errors.js';
import { parseApiTimestamp } from '../../pancake/time.js';
import { upsertParts } from '../../warehouse/upsert.js';
import { int, str } from '../coercions.js';
import { skippedRecords, type SkippedRecords } from '../skipped-records.js';
import { walkPages, type PagePosition } from '../../pancake/page-walk.js';
import { StreamUnavailableError } from '../errors.js';
import type { Stream, StreamContext } from '../stream.js';
import { runWindowed, windowedPlan, type WindowedSource } from '../engines/windowed.js';
import type { RowOf } from '../../warehouse/tables/declare.js';
import { callLogs } from '../../warehouse/tables/shop.js';

export type CallLogRow = RowOf<typeof callLogs>;

/** A SIP extension is a short internal number ("101"); customers' numbers are full phone numbers. */
const EXTENSION = /^\d{2,6}$/;

/**
 * The official call log has no direction field, so it is read from one when the API sends it
 * (direction / type: in…/out…), else inferred from which side is an extension.
 */
export function callDirection(log: PancakeCallLog): 'inbound' | 'outbound' | null {
  const stated = (str(log.direction) ?? str(log.type) ?? '').toLowerCase();
  if (/^(in|inbound|incoming)$/.test(stated)) return 'inbound';
  if (/^(out|outbound|outgoing)$/.test(stated)) return 'outbound';
  const callerIsExtension = EXTENSION.test(str(log.caller) ?? '');
  const calleeIsExtension = EXTENSION.test(str(log.callee) ?? '');
  if (callerIsExtension && !calleeIsExtension) return 'outbound';
  if (calleeIsExtension && !callerIsExtension) return 'inbound';
  return null;
}

export function mapCallLog(log: PancakeCallLog, pageId: string, callCenterId: string): CallLogRow {
  const direction = callDirection(log);
  return {
    page_id: pageId,
    call_id: String(log.call_id),
    call_center_id: callCenterId,
    caller: str(log.caller),
    callee: str(log.callee),
    direction,
    customer_phone: direction === 'inbound' ? str(log.caller) : direction === 'outbound' ? str(log.callee) : null,
    start_time: parseApiTimestamp(log.start_time),
    duration_seconds: int(log.duration),
    status: str(log.status),
    deleted_at: null,
    raw: log,
  };
}

function source(callCenterId: string, skipped: SkippedRecords): WindowedSource<PancakeCallLog, PagePosition> {
  return {
    stream: 'call_logs',
    read: (ctx, window, from) =>
      walkPages(
        async (since, until, pageNumber) => {
          try {
            return await ctx.client.listCallLogs(ctx.page.id, { id: callCenterId, since, until, pageNumber });
          } catch (error) {
            if (error instanceof PancakeError && (error.kind === 'not_found' || error.kind === 'bad_request')) {
              throw new UserError(`call logs of page ${ctx.page.id}: Pancake refused call-center id "${callCenterId}" (${error.message}). Check the SIP package id of this page in PANCAKE_CALL_CENTER_IDS.`, { cause: error });
            }
            throw error;
          }
        },
        CALL_LOGS_PAGE_SIZE,
        window,
        from,
      ),
    write: (ctx, records) => upsertParts(callLogs, skipped.keep(records, (log) => log?.call_id).map((log) => mapCallLog(log, ctx.page.id, callCenterId)), ctx.onStorageWarning ?? null),
    // start_time never moves: a call a window does not list is gone.
    sweep: { table: 'pancake.call_logs', idOf: (log) => String(log.call_id), timeMoves: false },
  };
}

function callCenterOf(ctx: StreamContext): string | null {
  return ctx.settings.callCenterIds.get(ctx.page.id) ?? null;
}

/** Most shops have no call center: a normal setup, reported as unavailable rather than failed. */
const NEEDS_SETTING = 'needs setting PANCAKE_CALL_CENTER_IDS: no call-center (SIP package) id is configured for this page';

export const callLogsStream: Stream = {
  name: 'call_logs',
  table: 'pancake.call_logs',
  description: 'SIP call logs of pages with a call-center id (PANCAKE_CALL_CENTER_IDS), walked by start_time windows',
  async run(ctx) {
    const callCenterId = callCenterOf(ctx);
    if (callCenterId === null) throw new StreamUnavailableError(NEEDS_SETTING);
    const skipped = skippedRecords(ctx, 'call_logs', 'call_id');
    try {
      await runWindowed(ctx, source(callCenterId, skipped));
    } finally {
      skipped.report();
    }
  },
  async plan(ctx) {
    if (callCenterOf(ctx) === null) return { units: 0, estimatedRequests: 0, detail: `unavailable: ${NEEDS_SETTING}` };
    return windowedPlan(ctx, 'call_logs', '≥1 request each (30 calls a page)', true);
  },
};
