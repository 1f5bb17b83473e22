import { sql, type Kysely, type Transaction } from 'kysely';
import { refreshAssignments, refreshConversationFacts, refreshFirstConversations, refreshTagEvents } from './analytics-conversations.js';
import { refreshMessageSummaries } from './analytics-messages.js';
import type { PageZone, Scope } from './analytics-scope.js';
import { SUMMARY_TABLES, allDays, clearPageSummaries, refreshDaySummaries } from './analytics-days.js';
import { refreshTotals } from './analytics-totals.js';
import type { Database } from './schema.js';

// Keeps the summaries behind pancake_analytics current for one page. Triggers on the source tables
// note each change in pancake_private.analytics_dirty inside the writing transaction; a refresh takes
// those notes and recomputes exactly the conversations and local days they name, in one
// transaction. A refresh that fails leaves the notes for the next one.

export interface AnalyticsPage {
  id: string;
  /** The page's zone as src/sync/pages.ts pageZone gives it (PANCAKE_TIMEZONE override included). */
  timezone: string;
}

export interface RefreshResult {
  /** Conversations recomputed. */
  conversations: number;
  /** Local days of the day summaries recomputed. */
  days: number;
  /** True when the page was summarized from scratch (first time, or its zone changed). */
  rebuilt: boolean;
  durationMs: number;
}

interface Claimed {
  conversations: string[];
  days: string[];
  rebuild: boolean;
}

/** The zone a page is summarized in when no sync has stored one (the default of PANCAKE_TIMEZONE). */
const DEFAULT_ZONE = 'Asia/Ho_Chi_Minh';

export async function refreshAnalytics(db: Kysely<Database>, page: AnalyticsPage): Promise<RefreshResult> {
  const started = performance.now();
  const target: PageZone = { pageId: page.id, zone: page.timezone };
  const result = await db.transaction().execute(async (trx) => {
    // One refresh per page at a time: two would recompute the same rows side by side.
    await sql`select pg_advisory_xact_lock(hashtext('pancake-sync:analytics'), hashtext(${page.id}))`.execute(trx);
    await sql`update pancake.pages set zone = ${page.timezone} where id = ${page.id} and zone is distinct from ${page.timezone}`.execute(trx);
    const claimed = await claim(trx, target);
    const { rows } = await sql<{ zone: string }>`select zone from pancake_private.analytics_pages where page_id = ${page.id}`.execute(trx);
    // Local days move with the zone: a new zone (or a first refresh) summarizes the page from scratch.
    const rebuild = claimed.rebuild || rows[0]?.zone !== page.timezone;
    if (!rebuild && claimed.conversations.length === 0 && claimed.days.length === 0) return { conversations: 0, days: 0, rebuilt: false };
    if (rebuild) await clearPageSummaries(trx, page.id);
    const done = await summarize(trx, target, rebuild ? { all: true } : { all: false, ids: claimed.conversations }, claimed.days);
    await sql`
      insert into pancake_private.analytics_pages (page_id, zone) values (${page.id}, ${page.timezone})
      on conflict (page_id) do update set zone = excluded.zone, refreshed_at = now(),
        rebuilt_at = case when ${rebuild} then now() else pancake_private.analytics_pages.rebuilt_at end`.execute(trx);
    return { ...done, rebuilt: rebuild };
  });
  return { ...result, durationMs: performance.now() - started };
}

/** Takes the page's change notes: the conversations they name and the local days their instants cover. */
async function claim(trx: Transaction<Database>, { pageId, zone }: PageZone): Promise<Claimed> {
  const { rows } = await sql<Claimed>`
    with taken as (delete from pancake_private.analytics_dirty where page_id = ${pageId} returning source, conversation_id, from_at, to_at)
    select coalesce((select array_agg(distinct conversation_id) from taken where conversation_id is not null), '{}') as conversations,
           coalesce((
             select array_agg(distinct d::date::text)
             from taken t, generate_series(pancake_private.local_time(t.from_at, ${zone})::date, pancake_private.local_time(t.to_at, ${zone})::date, interval '1 day') d
             where t.source in ('customers', 'call_logs', 'ad_clicks') and t.from_at is not null
           ), '{}') as days,
           exists (select from taken where source = 'rebuild') as rebuild`.execute(trx);
  return rows[0] ?? { conversations: [], days: [], rebuild: false };
}

/** The per-conversation summaries, which the day summaries and totals read. */
const ANALYZED_EARLIER = ['analytics_conversations', 'analytics_conversation_days', 'analytics_conversation_hours', 'analytics_employee_days', 'analytics_assignments', 'analytics_tag_events'];

async function summarize(trx: Transaction<Database>, target: PageZone, scope: Scope, claimedDays: string[]): Promise<{ conversations: number; days: number }> {
  // A rebuild fills tables the planner has no statistics for: each is analyzed before it is read.
  const analyze = async (...tables: string[]) => {
    if (scope.all) await sql.raw(`analyze ${tables.map((t) => `pancake_private.${t}`).join(', ')}`).execute(trx);
  };
  const facts = await refreshConversationFacts(trx, target, scope);
  await analyze(ANALYZED_EARLIER[0]!);
  const flagged = await refreshFirstConversations(trx, target.pageId, scope.all ? scope : { all: false, ids: facts.customers });
  const messageDays = await refreshMessageSummaries(trx, target, scope);
  const assignmentDays = await refreshAssignments(trx, target, scope);
  await refreshTagEvents(trx, target, scope);
  await analyze(...ANALYZED_EARLIER.slice(1));
  const days = scope.all ? await allDays(trx, target) : [...new Set([...claimedDays, ...facts.days, ...flagged, ...messageDays, ...assignmentDays])].sort();
  await refreshDaySummaries(trx, target, days);
  await refreshTotals(trx, target, days);
  await analyze(...SUMMARY_TABLES.filter((t) => !ANALYZED_EARLIER.includes(t)));
  const conversations = scope.all ? await countConversations(trx, target.pageId) : scope.ids.length;
  return { conversations, days: days.length };
}

async function countConversations(trx: Transaction<Database>, pageId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from pancake_private.analytics_conversations where page_id = ${pageId}`.execute(trx);
  return rows[0]?.n ?? 0;
}

/**
 * Refreshes every page with change notes, each in the zone pancake-sync last stored for it (else its
 * own offset, else the default zone): after a migration that queued a rebuild, so that the views are
 * complete before the next sync.
 */
export async function refreshPendingAnalytics(db: Kysely<Database>): Promise<RefreshResult[]> {
  const { rows } = await sql<{ page_id: string; zone: string }>`
    select d.page_id, coalesce(p.zone, pancake_private.offset_zone(p.timezone_offset_hours), ${DEFAULT_ZONE}) as zone
    from (select distinct page_id from pancake_private.analytics_dirty) d
    left join pancake.pages p on p.id = d.page_id
    order by d.page_id`.execute(db);
  const results: RefreshResult[] = [];
  for (const row of rows) results.push(await refreshAnalytics(db, { id: row.page_id, timezone: row.zone }));
  return results;
}
