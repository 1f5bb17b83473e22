// Page API statistics (docs/pancake-api.md, "Statistics"), the multi-page users statistics on the user
// API, and the new-customer statistics that share their path with the customer list (told apart by
// `date_range`). Required parameters, the date_range formats and the one-month limit answer 400
// naming the parameter, as the API does.

import { adsStatistics } from '../../statistics/ads.js';
import { campaignStatistics } from '../../statistics/campaigns.js';
import { feedbackStatistics } from '../../statistics/feedbacks.js';
import { type Range, parseDateRange, secondsRange } from '../../statistics/buckets.js';
import { engagementStatistics, newCustomerStatistics, pageStatistics, tagStatistics, userStatistics } from '../../statistics/responses.js';
import { statisticsZone } from '../../statistics/state.js';
import type { SimulatorData } from '../../shop/model.js';
import { BadParam, ok, rangeParams } from './params.js';
import type { RouteDefinition } from './route.js';

const stats = (name: string): RegExp => new RegExp(`^/api/public_api/v1/pages/([^/]+)/statistics/${name}$`);

function sinceUntil(query: URLSearchParams): Range {
  const { since, until } = rangeParams(query, true);
  return secondsRange(since as number, until as number);
}

function enumParam<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[], fallback: T | null): T {
  const raw = query.get(name);
  if (raw === null || raw === '') {
    if (fallback === null) throw new BadParam(`${name} is required (${allowed.join(' | ')})`);
    return fallback;
  }
  if (!allowed.includes(raw as T)) throw new BadParam(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw as T;
}

function boolParam(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  if (raw === null || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new BadParam(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

/** Ids as `a,b` or repeated `name[]=a&name[]=b` (both seen in clients). */
function idsParam(query: URLSearchParams, name: string): string[] | null {
  const values = [...query.getAll(name), ...query.getAll(`${name}[]`)].flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return values.length > 0 ? values : null;
}

function dateRange(data: SimulatorData, pageId: string, query: URLSearchParams, style: 'datetime' | 'day'): Range {
  return parseDateRange(query.get('date_range'), statisticsZone(data, pageId), style);
}

export const statisticsRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: stats('ads'),
    endpoint: 'get_ads_statistics',
    auth: 'page',
    handle: ({ ctx, pageId, query }) => {
      const type = enumParam(query, 'type', ['by_id', 'by_time'] as const, null);
      const rows = adsStatistics(ctx.data, pageId ?? '', sinceUntil(query), type);
      // A bare array, as the real endpoint answers.
      return { status: 200, body: rows, resultCount: rows.length };
    },
  },
  {
    method: 'GET',
    pattern: stats('pages_campaigns'),
    endpoint: 'get_campaign_statistics',
    auth: 'page',
    handle: ({ ctx, pageId, query }) => {
      const rows = campaignStatistics(ctx.data, pageId ?? '', sinceUntil(query));
      // A bare array, like the ads answer.
      return { status: 200, body: rows, resultCount: rows.length };
    },
  },
  {
    method: 'GET',
    pattern: stats('customer_feedbacks'),
    endpoint: 'get_customer_feedback_statistics',
    auth: 'page',
    handle: ({ ctx, pageId, query }) => {
      const body = feedbackStatistics(ctx.data, pageId ?? '', sinceUntil(query));
      return ok({ ...body }, body.customer_feedback?.length ?? 0);
    },
  },
  {
    method: 'GET',
    pattern: stats('customer_engagements'),
    endpoint: 'get_engagement_statistics',
    auth: 'page',
    handle: ({ ctx, pageId, query }) => {
      const id = pageId ?? '';
      const body = engagementStatistics(ctx.data, id, dateRange(ctx.data, id, query, 'datetime'), boolParam(query, 'by_hour'), idsParam(query, 'user_ids'));
      return ok({ ...body }, body.data.categories.length);
    },
  },
  {
    method: 'GET',
    pattern: stats('pages'),
    endpoint: 'get_page_statistics',
    auth: 'page',
    handle: ({ ctx, pageId, query }) => {
      const data = pageStatistics(ctx.data, pageId ?? '', sinceUntil(query));
      return ok({ success: true, data }, data.length);
    },
  },
  {
    method: 'GET',
    pattern: stats('tags'),
    endpoint: 'get_tag_statistics',
    auth: 'page',
    handle: ({ ctx, pageId, query }) => {
      const body = tagStatistics(ctx.data, pageId ?? '', sinceUntil(query));
      return ok({ ...body }, body.data.categories.length);
    },
  },
  {
    method: 'GET',
    pattern: stats('users'),
    endpoint: 'get_user_statistics',
    auth: 'page',
    handle: ({ ctx, pageId, query }) => {
      const id = pageId ?? '';
      const data = userStatistics(ctx.data, id, dateRange(ctx.data, id, query, 'datetime'));
      return ok({ success: true, data }, Object.keys(data.statistics).length);
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/statistics\/users$/,
    endpoint: 'get_user_statistics_multi',
    auth: 'user',
    handle: ({ ctx, query }) => {
      const pageIds = idsParam(query, 'page_ids');
      if (!pageIds) throw new BadParam('page_ids is required');
      const unknown = pageIds.filter((id) => !ctx.data.pages.some((p) => p.id === id));
      if (unknown.length > 0) throw new BadParam(`page_ids: no access to page(s) ${unknown.join(', ')}`);
      // Each page reads the same wall-clock range in its own zone.
      const data = Object.fromEntries(pageIds.map((id) => [id, userStatistics(ctx.data, id, dateRange(ctx.data, id, query, 'datetime'))]));
      return ok({ success: true, data }, pageIds.length);
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/public_api\/v1\/pages\/([^/]+)\/page_customers$/,
    endpoint: 'get_new_customer_statistics',
    auth: 'page',
    accepts: (query) => query.has('date_range'),
    handle: ({ ctx, pageId, query }) => {
      const id = pageId ?? '';
      const groupBy = enumParam(query, 'group_by', ['day', 'hour', 'page_id'] as const, 'day');
      const data = newCustomerStatistics(ctx.data, id, dateRange(ctx.data, id, query, 'day'), groupBy);
      return ok({ success: true, data }, data.length);
    },
  },
];
