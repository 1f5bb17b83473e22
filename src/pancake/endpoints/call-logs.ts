import { PancakeArgumentError, PancakeError, StuckWalkError } from '../errors.js';
import { checkId, type EndpointContext } from '../endpoint-context.js';
import type { ListCallLogsResponse, PancakeCallLog } from '../types.js';
import { checkPageNumber, walkPageNumbers, walkPages } from '../page-walk.js';
import type { Instant } from '../time.js';
import { iterateWindows, optionalRange, requiredEnds } from '../window.js';

/** The seed says "at least 30", the official description "maximum 30": 30 is the one value both accept. */
export const CALL_LOGS_PAGE_SIZE = 30;

export interface CallLogRange {
  /** The SIP call-center subscription (package) id: PANCAKE_CALL_CENTER_IDS. */
  id: string;
  /** Filters on the call's start_time. */
  since?: Instant;
  until?: Instant;
}

export interface CallLogParams extends CallLogRange {
  pageNumber: number;
  /** Must be 30 when given. */
  pageSize?: number;
}

export interface CallLogEndpoints {
  listCallLogs(pageId: string, params: CallLogParams): Promise<PancakeCallLog[]>;
  /**
   * Every call of the subscription, 30 a page. With since and until, the range is split into
   * windows under the one-month limit, oldest first; without them, the API's whole list.
   */
  iterateCallLogs(pageId: string, range: CallLogRange & { windowSeconds?: number }): AsyncIterable<PancakeCallLog[]>;
}

export function callLogEndpoints(ctx: EndpointContext): CallLogEndpoints {
  async function listCallLogs(pageId: string, params: CallLogParams): Promise<PancakeCallLog[]> {
    checkId('id', params.id);
    const pageNumber = checkPageNumber(params.pageNumber);
    exactPageSize(params.pageSize, CALL_LOGS_PAGE_SIZE);
    const range = optionalRange(params.since, params.until);
    const body = await ctx.pageGet<ListCallLogsResponse>(pageId, '/sip_call_logs', { id: params.id, ...range, page_number: pageNumber, page_size: CALL_LOGS_PAGE_SIZE });
    if (!Array.isArray(body.data)) {
      throw new PancakeError(`Pancake sent no call log list (data) for page ${pageId}`, { kind: 'invalid_response', pageId });
    }
    return body.data;
  }

  return {
    listCallLogs,
    iterateCallLogs(pageId, range) {
      checkId('id', range.id);
      const fetchPage = (window: { since?: number; until?: number }, pageNumber: number) => listCallLogs(pageId, { id: range.id, ...window, pageNumber });
      if (range.since !== undefined && range.until !== undefined) {
        requiredEnds(range.since, range.until);
        return iterateWindows(range.since, range.until, (window) => walkPages((since, until, n) => fetchPage({ since, until }, n), CALL_LOGS_PAGE_SIZE, window, null), range.windowSeconds);
      }
      const open = optionalRange(range.since, range.until);
      return (async function* () {
        for await (const batch of walkPageNumbers((n) => fetchPage(open, n), CALL_LOGS_PAGE_SIZE)) {
          if (batch.records.length > 0) yield batch.records;
          if (batch.stuck !== undefined) throw new StuckWalkError(batch.stuck);
        }
      })();
    },
  };
}

/** Endpoints that accept a single page size (call logs, posts) refuse any other before sending. */
export function exactPageSize(pageSize: number | undefined, only: number): void {
  if (pageSize !== undefined && pageSize !== only) {
    throw new PancakeArgumentError('pageSize', `must be exactly ${only} (the only value the API accepts here), got ${pageSize}`);
  }
}
