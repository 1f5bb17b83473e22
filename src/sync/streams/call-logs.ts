import { UserError } from '../../errors.js';
import { CALL_LOGS_PAGE_SIZE } from '../../pancake/client.js';
import type { PancakeCallLog } from '../../pancake/types.js';
import { PancakeError } from '../../pancake/errors.js';
import { parseApiTimestamp } from '../../pancake/time.js';
import { int, str } from '../coercions.js';
import { walkPages, type PagePosition } from '../../pancake/page-walk.js';
import { StreamUnavailableError } from '../errors.js';
import type { StreamContext } from '../stream.js';
import { windowedStream } from '../engines/windowed.js';
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

function callCenterOf(ctx: StreamContext): string | null {
  return ctx.settings.callCenterIds.get(ctx.page.id) ?? null;
}

/** Read only when the page is known to have one (`unavailable` is asked first). */
function callCenterIdOf(ctx: StreamContext): string {
  const id = callCenterOf(ctx);
  if (id === null) throw new StreamUnavailableError(NEEDS_SETTING);
  return id;
}

/** Most shops have no call center: a normal setup, reported as unavailable rather than failed. */
const NEEDS_SETTING = 'needs setting PANCAKE_CALL_CENTER_IDS: no call-center (SIP package) id is configured for this page';

export const callLogsStream = windowedStream<PancakeCallLog, CallLogRow, PagePosition>({
  name: 'call_logs',
  description: 'SIP call logs of pages with a call-center id (PANCAKE_CALL_CENTER_IDS), walked by start_time windows',
  table: callLogs,
  unavailable: (ctx) => (callCenterOf(ctx) === null ? NEEDS_SETTING : null),
  // By start_time, which never changes: plain page numbers cannot skip (page-walk.ts).
  read(ctx, window, from) {
    const callCenterId = callCenterIdOf(ctx);
    const fetchPage = async (since: number, until: number, pageNumber: number) => {
      try {
        return await ctx.client.listCallLogs(ctx.page.id, { id: callCenterId, since, until, pageNumber });
      } catch (error) {
        if (error instanceof PancakeError && (error.kind === 'not_found' || error.kind === 'bad_request')) {
          throw new UserError(`call logs of page ${ctx.page.id}: Pancake refused call-center id "${callCenterId}" (${error.message}). Check the SIP package id of this page in PANCAKE_CALL_CENTER_IDS.`, { cause: error });
        }
        throw error;
      }
    };
    return walkPages(fetchPage, CALL_LOGS_PAGE_SIZE, window, from);
  },
  map: (log, ctx) => mapCallLog(log, ctx.page.id, callCenterIdOf(ctx)),
  // start_time never moves: a call a window does not list is gone.
  sweep: { table: 'pancake.call_logs', idOf: (log) => String(log.call_id), timeMoves: false },
  costPerWindow: '≥1 request each (30 calls a page)',
});
