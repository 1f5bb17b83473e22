import type { RequestLogEntry } from '../src/simulator/index.js';

// The fewest requests that could have read what a run read, from the simulator's request log:
// a paged read of n records in one window needs ⌈n/page size⌉ requests (1 when the window is
// empty); a conversation's n message items (ad clicks included) ⌊n/30⌋ + 1, because only a batch
// shorter than 30 tells a walk that the history is over (message_count cannot: it leaves ad clicks
// out); anything else (page list, tokens, snapshots, statistics) one request per distinct call.
// Duplicates and retries are what the ratio exposes.

const MESSAGES_PER_BATCH = 30;

const PAGE_SIZES: Record<string, number> = {
  list_conversations: 60,
  list_conversations_v2: 60,
  list_page_customers: 100,
  list_call_logs: 30,
  list_posts: 30,
};

export function minimalRequests(log: readonly RequestLogEntry[]): { minimum: number; byEndpoint: Record<string, { made: number; minimum: number }> } {
  const groups = new Map<string, { endpoint: string; records: number }>();
  const byEndpoint: Record<string, { made: number; minimum: number }> = {};
  for (const entry of log) {
    const stats = (byEndpoint[entry.endpoint] ??= { made: 0, minimum: 0 });
    stats.made += 1;
    if (entry.status !== 200) continue;
    const { page_number: _page, last_conversation_id: _cursor, current_count: _count, ...rest } = entry.query;
    const key = entry.endpoint === 'list_messages' ? `${entry.endpoint}|${entry.conversationId}` : `${entry.endpoint}|${entry.path}|${JSON.stringify(rest)}`;
    const group = groups.get(key) ?? { endpoint: entry.endpoint, records: 0 };
    group.records += entry.resultCount ?? 0;
    groups.set(key, group);
  }
  let minimum = 0;
  for (const group of groups.values()) {
    const size = PAGE_SIZES[group.endpoint];
    const needed = group.endpoint === 'list_messages' ? Math.floor(group.records / MESSAGES_PER_BATCH) + 1 : size ? Math.max(1, Math.ceil(group.records / size)) : 1;
    byEndpoint[group.endpoint]!.minimum += needed;
    minimum += needed;
  }
  return { minimum, byEndpoint };
}
