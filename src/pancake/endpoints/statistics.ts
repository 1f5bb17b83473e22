import { formatDateRange, checkZone, type DateRange } from '../date-range.js';
import { checkPageId, type EndpointContext } from '../endpoint-context.js';
import { PancakeArgumentError, PancakeError } from '../errors.js';
import { isRecord } from '../http.js';
import { checkRange } from '../window.js';
import type { Instant } from '../time.js';
import type {
  AdsStatisticsResponse,
  CampaignStatisticsResponse,
  CustomerFeedbackResponse,
  EngagementStatisticsResponse,
  MultiPageUserStatisticsResponse,
  NewCustomerStatisticsResponse,
  PageStatisticsResponse,
  TagStatisticsResponse,
  UserStatisticsResponse,
} from '../types.js';

// The statistics endpoints (docs/pancake-api.md, "Statistics"). since/until endpoints take unix seconds;
// date_range endpoints take local wall-clock strings, which this module formats from instants in
// the zone of the page (per call) or the client's configured zone. Everything the API would refuse
// is refused here first, naming the parameter.

export type AdsStatisticsType = 'by_id' | 'by_time';
export type NewCustomerGroupBy = 'day' | 'hour' | 'page_id';

export interface SinceUntil {
  since: Instant;
  until: Instant;
}

export interface ZoneOption {
  /** Zone of the date_range string (IANA or "UTC+7"); default the client's `timezone`. */
  timezone?: string;
}

export interface AdsStatisticsParams extends SinceUntil {
  type: AdsStatisticsType;
}

export interface EngagementStatisticsParams extends ZoneOption {
  /** `until` is inclusive (the string ends "23:59:59" for a whole day). */
  dateRange: DateRange;
  /** One category per hour instead of per day. */
  byHour?: boolean;
  /** Only the engagement of these employees. */
  userIds?: string[];
}

export interface UserStatisticsParams extends ZoneOption {
  dateRange: DateRange;
}

export interface MultiPageUserStatisticsParams extends ZoneOption {
  pageIds: string[];
  dateRange: DateRange;
}

export interface NewCustomerStatisticsParams extends ZoneOption {
  /** Whole days: formatted day-only, from since's day to until's day. */
  dateRange: DateRange;
  groupBy?: NewCustomerGroupBy;
}

export interface StatisticsEndpoints {
  /** A bare array, one entry per ad (`by_id`) or time bucket (`by_time`), numbers as strings. */
  getAdsStatistics(pageId: string, params: AdsStatisticsParams): Promise<AdsStatisticsResponse>;
  /** `statistics/pages_campaigns`: a bare array, one entry per campaign (or ad set / ad of it) over the range. */
  getCampaignStatistics(pageId: string, params: SinceUntil): Promise<CampaignStatisticsResponse>;
  /** `statistics/customer_feedbacks` (a guessed request: seen in one client, not in the official description). */
  getCustomerFeedbackStatistics(pageId: string, params: SinceUntil): Promise<CustomerFeedbackResponse>;
  getEngagementStatistics(pageId: string, params: EngagementStatisticsParams): Promise<EngagementStatisticsResponse>;
  getPageStatistics(pageId: string, params: SinceUntil): Promise<PageStatisticsResponse>;
  getTagStatistics(pageId: string, params: SinceUntil): Promise<TagStatisticsResponse>;
  getUserStatistics(pageId: string, params: UserStatisticsParams): Promise<UserStatisticsResponse>;
  /** One request for many pages, with the user token (`GET /statistics/users` on api/v1, inferred). */
  getUserStatisticsMultiplePages(params: MultiPageUserStatisticsParams): Promise<MultiPageUserStatisticsResponse>;
  /** `GET /pages/{id}/page_customers` with a day-only date_range (seen in one client). */
  getNewCustomerStatistics(pageId: string, params: NewCustomerStatisticsParams): Promise<NewCustomerStatisticsResponse>;
  /** Whether the multi-page endpoint is usable: it needs the user token. */
  hasUserToken(): boolean;
}

const ADS_TYPES: readonly AdsStatisticsType[] = ['by_id', 'by_time'];
const GROUP_BY: readonly NewCustomerGroupBy[] = ['day', 'hour', 'page_id'];

export function statisticsEndpoints(ctx: EndpointContext): StatisticsEndpoints {
  const zoneOf = (params: ZoneOption): string => (params.timezone === undefined ? ctx.timezone : checkZone('timezone', params.timezone));
  const get = <T>(pageId: string, name: string, query: Record<string, string | number | undefined>): Promise<T> => {
    checkPageId('pageId', pageId);
    return ctx.pageGet<T>(pageId, `/statistics/${name}`, query);
  };

  return {
    async getAdsStatistics(pageId, params) {
      const type = oneOf('type', params?.type, ADS_TYPES, true) as AdsStatisticsType;
      const body = await get<unknown>(pageId, 'ads', { ...sinceUntil(params), type });
      // A bare array (official); tolerate the usual envelope too.
      const list = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body.data) ? body.data : null;
      if (!list) throw invalid(pageId, 'ads statistics', 'a list');
      return list as AdsStatisticsResponse;
    },
    async getCampaignStatistics(pageId, params) {
      const body = await get<unknown>(pageId, 'pages_campaigns', sinceUntil(params));
      const list = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body.data) ? body.data : null;
      if (!list) throw invalid(pageId, 'campaign statistics', 'a list');
      return list as CampaignStatisticsResponse;
    },
    async getCustomerFeedbackStatistics(pageId, params) {
      const body = await get<unknown>(pageId, 'customer_feedbacks', sinceUntil(params));
      if (!isRecord(body)) throw invalid(pageId, 'customer feedback statistics', 'an object');
      return body as CustomerFeedbackResponse;
    },
    async getEngagementStatistics(pageId, params) {
      const dateRange = formatDateRange('dateRange', params?.dateRange, zoneOf(params ?? {}));
      if (params.byHour !== undefined && typeof params.byHour !== 'boolean') throw new PancakeArgumentError('byHour', `must be true or false, got ${String(params.byHour)}`);
      const body = await get<EngagementStatisticsResponse>(pageId, 'customer_engagements', {
        date_range: dateRange,
        by_hour: params.byHour === undefined ? undefined : String(params.byHour),
        user_ids: params.userIds === undefined ? undefined : idList('userIds', params.userIds).join(','),
      });
      if (!isRecord(body.data) || !Array.isArray(body.data.categories) || !Array.isArray(body.data.series)) throw invalid(pageId, 'engagement statistics', 'data.categories and data.series');
      return body;
    },
    async getPageStatistics(pageId, params) {
      const body = await get<PageStatisticsResponse>(pageId, 'pages', sinceUntil(params));
      if (!Array.isArray(body.data)) throw invalid(pageId, 'page statistics', 'a data list');
      return body;
    },
    async getTagStatistics(pageId, params) {
      const body = await get<TagStatisticsResponse>(pageId, 'tags', sinceUntil(params));
      if (!isRecord(body.data) || !Array.isArray(body.data.categories) || !isRecord(body.data.series)) throw invalid(pageId, 'tag statistics', 'data.categories and data.series');
      return body;
    },
    async getUserStatistics(pageId, params) {
      const dateRange = formatDateRange('dateRange', params?.dateRange, zoneOf(params ?? {}));
      const body = await get<UserStatisticsResponse>(pageId, 'users', { date_range: dateRange });
      if (!isUserData(body.data)) throw invalid(pageId, 'user statistics', 'data.statistics keyed by user id');
      return body;
    },
    async getUserStatisticsMultiplePages(params) {
      const pageIds = idList('pageIds', params?.pageIds);
      for (const id of pageIds) checkPageId('pageIds', id);
      const dateRange = formatDateRange('dateRange', params.dateRange, zoneOf(params));
      const body = await ctx.http.request<MultiPageUserStatisticsResponse>({
        method: 'GET',
        base: 'user',
        path: '/statistics/users',
        query: { page_ids: pageIds.join(','), date_range: dateRange },
        auth: ctx.userAuth(),
      });
      if (!isRecord(body.data) || !Object.values(body.data).every(isUserData)) throw invalid(null, 'multi-page user statistics', 'data keyed by page id');
      return body;
    },
    async getNewCustomerStatistics(pageId, params) {
      const dateRange = formatDateRange('dateRange', params?.dateRange, zoneOf(params ?? {}), 'day');
      const groupBy = oneOf('groupBy', params.groupBy, GROUP_BY, false);
      checkPageId('pageId', pageId);
      const body = await ctx.pageGet<unknown>(pageId, '/page_customers', { date_range: dateRange, group_by: groupBy });
      // `{ key, count }` rows (inferred); accept them bare or under `data`.
      const list = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body.data) ? body.data : null;
      if (!list) throw invalid(pageId, 'new customer statistics', 'a list of { key, count }');
      return (Array.isArray(body) ? { success: true, data: list } : body) as NewCustomerStatisticsResponse;
    },
    hasUserToken() {
      try {
        ctx.userAuth();
        return true;
      } catch {
        return false;
      }
    },
  };
}

function sinceUntil(params: SinceUntil | undefined): { since: number; until: number } {
  if (!params || params.since === undefined || params.since === null) throw new PancakeArgumentError('since', 'is required (a Date or unix seconds)');
  if (params.until === undefined || params.until === null) throw new PancakeArgumentError('until', 'is required (a Date or unix seconds)');
  return checkRange(params.since, params.until);
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], required: boolean): T | undefined {
  if (value === undefined || value === null) {
    if (required) throw new PancakeArgumentError(name, `is required: one of ${allowed.join(', ')}`);
    return undefined;
  }
  if (!allowed.includes(value as T)) throw new PancakeArgumentError(name, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

function idList(name: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new PancakeArgumentError(name, 'must be a non-empty list of ids');
  for (const id of value) {
    if (typeof id !== 'string' || id === '' || id.includes(',')) throw new PancakeArgumentError(name, `"${String(id)}" is not a valid id`);
  }
  return value as string[];
}

function isUserData(value: unknown): boolean {
  return isRecord(value) && isRecord(value.statistics);
}

function invalid(pageId: string | null, what: string, expected: string): PancakeError {
  return new PancakeError(`Pancake sent ${what}${pageId ? ` for page ${pageId}` : ''} without ${expected}`, { kind: 'invalid_response', pageId });
}
