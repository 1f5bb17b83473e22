import { MESSAGES_PER_BATCH } from '../../pancake/client.js';
import { countConversationsUpdatedBetween, countStaleConversations } from '../../warehouse/message-state.js';
import { readStreamState } from '../../warehouse/state.js';
import { planCoverage } from '../engines/coverage.js';
import type { StreamContext } from '../stream.js';

// What the messages stream still has to do, for progress and the run's ETA. Conversations already
// stored and waiting cost floor(message_count / 30) + 1 requests each (a full walk). While the
// conversations walk still runs, the conversations it has not stored yet are estimated from what it
// has: the conversations per hour of the range it covers, times the hours it still has to walk,
// each costing what the waiting ones cost on average.

export interface MessagesLeft {
  conversations: number;
  requests: number;
}

export async function messagesLeft(ctx: StreamContext, upstreamRunning: boolean): Promise<MessagesLeft> {
  const waiting = await countStaleConversations(ctx.db, ctx.page.id, MESSAGES_PER_BATCH);
  if (!upstreamRunning) return { conversations: waiting.conversations, requests: waiting.walkRequests };
  const coverage = await readStreamState(ctx.db, ctx.page.id, 'conversations');
  if (coverage.coveredFrom === null || coverage.watermark === null || coverage.watermark <= coverage.coveredFrom) {
    return { conversations: waiting.conversations, requests: waiting.walkRequests };
  }
  const stored = await countConversationsUpdatedBetween(ctx.db, ctx.page.id, coverage.coveredFrom, coverage.watermark);
  const perMs = stored / (coverage.watermark.getTime() - coverage.coveredFrom.getTime());
  const plan = planCoverage(coverage, ctx.settings);
  // Only what lies outside the stored range brings conversations not seen yet.
  const unseenMs = plan.segments.reduce((sum, s) => sum + Math.max(0, s.to.getTime() - (s.direction === 'up' ? Math.max(s.from.getTime(), coverage.watermark!.getTime()) : s.from.getTime())), 0);
  const expected = Math.round(perMs * unseenMs);
  const perConversation = waiting.conversations > 0 ? waiting.walkRequests / waiting.conversations : 1;
  return { conversations: waiting.conversations + expected, requests: waiting.walkRequests + Math.round(expected * perConversation) };
}
