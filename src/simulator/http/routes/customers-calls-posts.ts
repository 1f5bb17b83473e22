// Page API: customers, call logs, tags, posts and users (docs/pancake-api.md, "Customers, calls, tags,
// posts, users"), with the API's page-size rules: customers at most 100 a page, call logs and posts
// exactly 30.

import { numberedPage, sortedBy } from '../numbered-listing.js';
import { BadParam, fail, intParam, ok, rangeParams } from './params.js';
import type { RouteDefinition } from './route.js';

const page = (name: string): RegExp => new RegExp(`^/api/public_api/v1/pages/([^/]+)/${name}$`);

/** Not stated by the API reference (inferred): the customers list's page size when none is sent. */
const CUSTOMERS_DEFAULT_PAGE_SIZE = 100;
const CUSTOMERS_MAX_PAGE_SIZE = 100;
const EXACT_PAGE_SIZE = 30;

function exactPageSize(query: URLSearchParams): number {
  const size = intParam(query, 'page_size', true) as number;
  if (size !== EXACT_PAGE_SIZE) throw new BadParam(`page_size must be ${EXACT_PAGE_SIZE}, got ${size}`);
  return size;
}

function orderParam(query: URLSearchParams): 'inserted_at' | 'updated_at' {
  const raw = query.get('order_by');
  if (raw === null || raw === '' || raw === 'inserted_at') return 'inserted_at';
  if (raw === 'updated_at') return raw;
  throw new BadParam(`order_by must be inserted_at or updated_at, got ${JSON.stringify(raw)}`);
}

export const entityRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: page('page_customers'),
    endpoint: 'list_page_customers',
    auth: 'page',
    handle: ({ ctx, pageId, query }) => {
      const { since, until } = rangeParams(query, true);
      const pageNumber = intParam(query, 'page_number', true, 1) as number;
      const pageSize = intParam(query, 'page_size', false, 1) ?? CUSTOMERS_DEFAULT_PAGE_SIZE;
      if (pageSize > CUSTOMERS_MAX_PAGE_SIZE) throw new BadParam(`page_size must be less than or equal to ${CUSTOMERS_MAX_PAGE_SIZE}, got ${pageSize}`);
      const order = orderParam(query);
      const id = pageId ?? '';
      const rows = sortedBy(ctx.data, `customers:${id}:${order}`, ctx.data.entities.customers.get(id) ?? [], order, (c) => c.id);
      const { total, records } = numberedPage(rows, { since, until }, pageNumber, pageSize);
      return ok({ success: true, total, customers: records }, records.length);
    },
  },
  {
    method: 'GET',
    pattern: page('sip_call_logs'),
    endpoint: 'list_call_logs',
    auth: 'page',
    handle: ({ ctx, pageId, query }) => {
      const id = pageId ?? '';
      const packageId = query.get('id');
      if (packageId === null || packageId === '') throw new BadParam('id (the SIP package id) is required');
      const pageNumber = intParam(query, 'page_number', true, 1) as number;
      const pageSize = exactPageSize(query);
      const { since, until } = rangeParams(query, false);
      if (packageId !== ctx.data.entities.callCenters.get(id)) return fail(404, 'SIP package not found for this page');
      const rows = sortedBy(ctx.data, `call_logs:${id}`, ctx.data.entities.callLogs.get(id) ?? [], 'start_time', (c) => c.call_id);
      const { records } = numberedPage(rows, { since, until }, pageNumber, pageSize);
      return ok({ success: true, data: records }, records.length);
    },
  },
  {
    method: 'GET',
    pattern: page('tags'),
    endpoint: 'list_tags',
    auth: 'page',
    handle: ({ ctx, pageId }) => {
      const tags = ctx.data.tags.get(pageId ?? '') ?? [];
      // No `success` field here: the real answer has none (seen).
      return ok({ tags }, tags.length);
    },
  },
  {
    method: 'GET',
    pattern: page('posts'),
    endpoint: 'list_posts',
    auth: 'page',
    handle: ({ ctx, pageId, query }) => {
      const id = pageId ?? '';
      const { since, until } = rangeParams(query, true);
      const pageNumber = intParam(query, 'page_number', true, 1) as number;
      const pageSize = exactPageSize(query);
      const type = query.get('type');
      const rows = sortedBy(ctx.data, `posts:${id}`, ctx.data.entities.posts.get(id) ?? [], 'inserted_at', (p) => p.id);
      const keep = type ? (post: { type?: string | null }) => post.type === type : undefined;
      const { total, records } = numberedPage(rows, { since, until, ...(keep && { keep }) }, pageNumber, pageSize);
      return ok({ success: true, total, posts: records }, records.length);
    },
  },
  {
    method: 'GET',
    pattern: page('users'),
    endpoint: 'list_users',
    auth: 'page',
    handle: ({ ctx, pageId }) => {
      const users = ctx.data.entities.users.get(pageId ?? '');
      if (!users) return fail(404, 'Page not found');
      return ok({ success: true, ...users }, users.users.length + users.disabled_users.length);
    },
  },
];
