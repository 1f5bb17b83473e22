import type { PancakeClient } from '../pancake/client.js';
import type { PancakeConversation } from '../pancake/types.js';
import { addDays, dayWindow, localDay, type DayWindow } from '../sync/engines/days.js';
import type { PageInfo } from '../sync/stream.js';
import { SHAPES, type Shape } from './shapes.js';

// One cheap request per stream, the way the stream itself asks, and what that answer tells the
// backfill estimate. The sample window is the last 7 days (statistics: yesterday, one local day).

export const SAMPLE_DAYS = 7;

export interface ProbeContext {
  client: PancakeClient;
  page: PageInfo;
  callCenterId: string | null;
  now: Date;
  /** Shared between a page's probes: the conversations answer feeds the messages probe. */
  conversations: PancakeConversation[] | null;
}

/** What a probe learned for the estimate: records in the sample and whether the sample was cut short. */
export interface Sample {
  records: number;
  /** The sample hit the page size, so `records` is a lower bound over `days`. */
  capped: boolean;
  /** The days `records` span. */
  days: number;
  /** Requests per conversation for messages (batches of 30). */
  batchesPerParent?: number;
}

export interface Probe {
  stream: string;
  shape: Shape;
  /** Makes the request; returns the sample, or `needs` naming a missing setting. */
  run(ctx: ProbeContext): Promise<{ sample?: Sample; needs?: string; note?: string }>;
}

const sampleRange = (ctx: ProbeContext) => ({ since: new Date(ctx.now.getTime() - SAMPLE_DAYS * 86_400_000), until: ctx.now });

function yesterday(ctx: ProbeContext): DayWindow {
  const day = addDays(localDay(ctx.now, ctx.page.timezone), -1);
  return dayWindow(day, day, ctx.page.timezone);
}

/** Yesterday as the date_range endpoints take it. */
function yesterdayRange(ctx: ProbeContext): { dateRange: { since: Date; until: Date }; timezone: string } {
  const w = yesterday(ctx);
  return { dateRange: { since: w.since, until: w.until }, timezone: w.zone };
}

const counted = (records: number, pageSize: number, days = SAMPLE_DAYS): Sample => ({ records, capped: records >= pageSize, days });

export const PROBES: readonly Probe[] = [
  { stream: 'tags', shape: SHAPES.tags, run: async (ctx) => ((await ctx.client.listTags(ctx.page.id)), {}) },
  { stream: 'page_users', shape: SHAPES.users, run: async (ctx) => ((await ctx.client.listUsers(ctx.page.id)), {}) },
  {
    stream: 'conversations',
    shape: SHAPES.conversations,
    async run(ctx) {
      // The newest 60 without a window: their updated_at span gives the page's pace.
      const list = await ctx.client.listConversations(ctx.page.id, { lastConversationId: null });
      ctx.conversations = list;
      // A conversation without updated_at (the official WhatsApp example) counts at its inserted_at.
      const times = list.map((c) => Date.parse(`${String(c.updated_at ?? c.inserted_at).replace(/Z?$/, 'Z')}`)).filter(Number.isFinite);
      const span = times.length > 0 ? Math.max(1, (ctx.now.getTime() - Math.min(...times)) / 86_400_000) : SAMPLE_DAYS;
      const batches = list.length > 0 ? list.reduce((n, c) => n + Math.max(1, Math.ceil((Number(c.message_count) || 0) / 30)), 0) / list.length : 1;
      return { sample: { records: list.length, capped: list.length >= 60, days: span, batchesPerParent: batches } };
    },
  },
  {
    stream: 'messages',
    shape: SHAPES.messages,
    async run(ctx) {
      const conversation = ctx.conversations?.[0];
      if (!conversation) return { note: 'no conversation yet to read messages of' };
      await ctx.client.listMessages(ctx.page.id, conversation.id, { customerId: conversation.customer_id ?? null });
      return {};
    },
  },
  {
    stream: 'customers',
    shape: SHAPES.page_customers,
    async run(ctx) {
      const answer = await ctx.client.listPageCustomers(ctx.page.id, { ...sampleRange(ctx), pageNumber: 1, pageSize: 100, orderBy: 'updated_at' });
      return { sample: { records: Number(answer.total ?? answer.customers.length), capped: false, days: SAMPLE_DAYS } };
    },
  },
  {
    stream: 'call_logs',
    shape: SHAPES.call_logs,
    async run(ctx) {
      if (ctx.callCenterId === null) return { needs: 'PANCAKE_CALL_CENTER_IDS (only if this page has a Pancake call centre; without it sync skips call logs)' };
      const logs = await ctx.client.listCallLogs(ctx.page.id, { id: ctx.callCenterId, ...sampleRange(ctx), pageNumber: 1 });
      return { sample: counted(logs.length, 30) };
    },
  },
  {
    stream: 'posts',
    shape: SHAPES.posts,
    async run(ctx) {
      const answer = await ctx.client.listPosts(ctx.page.id, { ...sampleRange(ctx), pageNumber: 1 });
      return { sample: { records: Number(answer.total ?? answer.posts.length), capped: false, days: SAMPLE_DAYS } };
    },
  },
  { stream: 'stats_engagement', shape: SHAPES.customer_engagements, run: async (ctx) => ((await ctx.client.getEngagementStatistics(ctx.page.id, yesterdayRange(ctx))), {}) },
  {
    stream: 'stats_users_engagements',
    shape: SHAPES.users_engagements,
    run: async (ctx) => ((await ctx.client.getEngagementStatistics(ctx.page.id, yesterdayRange(ctx))), {}),
  },
  { stream: 'stats_pages', shape: SHAPES.page_statistics, run: async (ctx) => ((await ctx.client.getPageStatistics(ctx.page.id, yesterday(ctx))), {}) },
  { stream: 'stats_tags', shape: SHAPES.tag_statistics, run: async (ctx) => ((await ctx.client.getTagStatistics(ctx.page.id, yesterday(ctx))), {}) },
  { stream: 'stats_users', shape: SHAPES.user_statistics, run: async (ctx) => ((await ctx.client.getUserStatistics(ctx.page.id, yesterdayRange(ctx))), {}) },
  {
    stream: 'stats_new_customers',
    shape: SHAPES.new_customers,
    run: async (ctx) => ((await ctx.client.getNewCustomerStatistics(ctx.page.id, { ...yesterdayRange(ctx), groupBy: 'day' })), {}),
  },
  { stream: 'stats_ads', shape: SHAPES.ads, run: async (ctx) => ((await ctx.client.getAdsStatistics(ctx.page.id, { ...yesterday(ctx), type: 'by_id' })), {}) },
  { stream: 'stats_campaigns', shape: SHAPES.pages_campaigns, run: async (ctx) => ((await ctx.client.getCampaignStatistics(ctx.page.id, yesterday(ctx))), {}) },
  { stream: 'stats_customer_feedbacks', shape: SHAPES.customer_feedbacks, run: async (ctx) => ((await ctx.client.getCustomerFeedbackStatistics(ctx.page.id, yesterday(ctx))), {}) },
];
