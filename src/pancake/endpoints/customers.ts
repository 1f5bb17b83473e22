import { PancakeArgumentError, PancakeError } from '../errors.js';
import type { EndpointContext } from '../endpoint-context.js';
import type { ListPageCustomersResponse, PancakePageCustomer } from '../types.js';
import { checkPageNumber } from '../page-walk.js';
import { walkSplitting } from '../split-walk.js';
import type { Instant } from '../time.js';
import { iterateWindows, requiredEnds, requiredRange } from '../window.js';

/** The API's largest page of customers (docs/pancake-api.md, "Page customers"). */
export const CUSTOMERS_MAX_PAGE_SIZE = 100;

export type CustomerOrder = 'inserted_at' | 'updated_at';

export interface PageCustomerRange {
  since: Instant;
  until: Instant;
  /** 1..100; default 100. */
  pageSize?: number;
  /** The field since/until filter on, newest first. The API's default is inserted_at. */
  orderBy?: CustomerOrder;
}

export interface PageCustomerParams extends PageCustomerRange {
  pageNumber: number;
}

export interface CustomerEndpoints {
  /** One page of a page's customers; `total` counts the whole since/until range. */
  listPageCustomers(pageId: string, params: PageCustomerParams): Promise<ListPageCustomersResponse>;
  /**
   * Every customer of [since, until], in windows under the one-month limit (oldest first). Each
   * window is read by the split walk the sync uses (split-walk.ts): plain page numbers could skip
   * a customer that changes during the walk; this walk cannot. A customer may come twice: key by id.
   */
  iteratePageCustomers(pageId: string, range: PageCustomerRange & { windowSeconds?: number }): AsyncIterable<PancakePageCustomer[]>;
}

export function customerEndpoints(ctx: EndpointContext): CustomerEndpoints {
  async function listPageCustomers(pageId: string, params: PageCustomerParams): Promise<ListPageCustomersResponse> {
    const pageNumber = checkPageNumber(params.pageNumber);
    const pageSize = customerPageSize(params.pageSize);
    const range = requiredRange(params.since, params.until);
    const orderBy = customerOrder(params.orderBy);
    const body = await ctx.pageGet<ListPageCustomersResponse>(pageId, '/page_customers', { ...range, page_number: pageNumber, page_size: pageSize, order_by: orderBy });
    if (!Array.isArray(body.customers)) {
      throw new PancakeError(`Pancake sent no customers list for page ${pageId}`, { kind: 'invalid_response', pageId });
    }
    return body;
  }

  return {
    listPageCustomers,
    iteratePageCustomers(pageId, range) {
      const pageSize = customerPageSize(range.pageSize);
      requiredEnds(range.since, range.until);
      customerOrder(range.orderBy);
      const fetchPage = async (since: number, until: number, pageNumber: number) => {
        const body = await listPageCustomers(pageId, { ...range, since, until, pageSize, pageNumber });
        return { records: body.customers, total: typeof body.total === 'number' ? body.total : null };
      };
      return iterateWindows(range.since, range.until, (window) => walkSplitting(fetchPage, pageSize, window, null), range.windowSeconds);
    },
  };
}

function customerPageSize(pageSize: number | undefined): number {
  if (pageSize === undefined) return CUSTOMERS_MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > CUSTOMERS_MAX_PAGE_SIZE) {
    throw new PancakeArgumentError('pageSize', `must be a whole number from 1 to ${CUSTOMERS_MAX_PAGE_SIZE} (the API's maximum), got ${pageSize}`);
  }
  return pageSize;
}

function customerOrder(orderBy: CustomerOrder | undefined): CustomerOrder | undefined {
  if (orderBy === undefined || orderBy === 'inserted_at' || orderBy === 'updated_at') return orderBy;
  throw new PancakeArgumentError('orderBy', `must be "inserted_at" or "updated_at", got ${JSON.stringify(orderBy)}`);
}
