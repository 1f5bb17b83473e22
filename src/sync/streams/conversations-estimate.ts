import { CONVERSATIONS_PER_PAGE, MESSAGES_PER_BATCH } from '../../pancake/client.js';
import { walkKeyset } from '../../pancake/keyset-walk.js';
import { parseApiTimestamp } from '../../pancake/time.js';
import { int } from '../coercions.js';
import type { StreamContext, StreamPlan } from '../stream.js';
import { planWindowedRun, withSweepPlan } from '../engines/windowed.js';

// The --dry-run estimate of a conversations walk, and of the message walks it leads to. Before a
// walk, nothing says how many conversations a window holds, nor how many messages each has: with a
// page token at hand (PANCAKE_PAGE_TOKENS) the dry run reads the FIRST batch of every window (one
// request each, newest first): a short batch is the window's exact count; a full one gives the
// density of its newest 60 conversations, extrapolated over the window. The message walks are
// estimated from those conversations' message_count: floor(count / 30) + 1 requests each, the cost
// of a full walk. Without a page token (the dry run never generates one: that would revoke the
// token other tools use), it counts one request per window and nothing for unknown messages.

export async function planConversations(ctx: StreamContext): Promise<StreamPlan> {
  const { plan, fresh } = await planWindowedRun(ctx, 'conversations');
  const walk = await planWalk(ctx);
  return fresh ? walk : withSweepPlan(ctx, 'conversations', plan, walk);
}

async function planWalk(ctx: StreamContext): Promise<StreamPlan> {
  const { plan, windows } = await planWindowedRun(ctx, 'conversations');
  const parts = plan.segments.map((s) => `${s.from.toISOString()} to ${s.to.toISOString()}${s.direction === 'down' ? ' (newest first)' : ''}`);
  const where = `${parts.join(', then ')} in ${windows.length} window(s)`;
  if (windows.length === 0) return { units: 0, estimatedRequests: 0, detail: 'nothing to read' };
  if (!ctx.client.hasPageToken(ctx.page.id)) {
    return { units: windows.length, estimatedRequests: windows.length, detail: `${where}, ≥1 request each (set PANCAKE_PAGE_TOKENS for an estimate from one sample request per window)` };
  }
  let conversations = 0;
  let requests = 0;
  let messageRequests = 0;
  for (const window of windows) {
    const fetchAfter = (range: { since: number; until: number }, after: string | null) => ctx.client.listConversations(ctx.page.id, { ...range, lastConversationId: after, orderBy: 'updated_at' });
    const first = await walkKeyset(fetchAfter, CONVERSATIONS_PER_PAGE, window, null).next();
    const sample = first.done ? [] : first.value.records;
    const count = sample.length < CONVERSATIONS_PER_PAGE ? sample.length : extrapolate(sample.map((c) => parseApiTimestamp(c.updated_at)), window);
    // Inside the stored range (the lookback), conversations already have their messages.
    const fresh = window.since >= plan.watermark || window.until <= plan.coveredFrom ? 1 : 0;
    const perConversation = sample.length === 0 ? 1 : sample.reduce((sum, c) => sum + Math.floor((int(c.message_count) ?? 0) / MESSAGES_PER_BATCH) + 1, 0) / sample.length;
    conversations += count;
    requests += Math.max(1, Math.ceil(count / CONVERSATIONS_PER_PAGE));
    messageRequests += fresh * count * perConversation;
  }
  return {
    units: windows.length,
    estimatedRequests: requests,
    followerRequests: Math.round(messageRequests),
    detail: `${where}, about ${Math.round(conversations)} conversation(s) (one sample request per window)`,
  };
}

/** Conversations in the window, from the newest 60 (sorted newest first) and the time they span. */
function extrapolate(times: Array<Date | null>, window: { since: Date; until: Date }): number {
  const oldest = times.reduce<number>((min, t) => (t && t.getTime() < min ? t.getTime() : min), window.until.getTime());
  const spanned = Math.max(1000, window.until.getTime() - oldest);
  return Math.max(times.length, (times.length * (window.until.getTime() - window.since.getTime())) / spanned);
}
