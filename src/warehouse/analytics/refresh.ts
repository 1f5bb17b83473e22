import { sql, type Kysely, type Transaction } from 'kysely';
import { activeDays, assignmentPart, clearFetchedMessages, firstConversationsUpdate, refreshConversationFacts, refreshFirstConversations } from './conversations.js';
import { coverageUpdate, recordCoverage } from './coverage.js';
import { CONVERSATION_SUMMARY_TABLES, SUMMARY_TABLES, allDays, clearPageSummaries, daySummaryParts } from './days.js';
import { inquiryPart } from './inquiries.js';
import { messageParts } from './messages.js';
import { periodParts } from './periods.js';
import { replaceRows, type Scope, type SummaryPage } from './summary-parts.js';
import { tagDayPart, tagEventPart } from './tags.js';
import { dayTotalParts } from './totals.js';
import { waitingPart } from './waiting.js';
import type { Logger } from '../../logger.js';
import { describeSessions, isLockNotAvailable, rowLockHolders, waitForLock } from '../lock-wait.js';
import type { Database } from '../schema.js';

// Keeps the summaries behind pancake_analytics current for one page. Triggers on the source tables
// note each change in pancake_private.analytics_dirty inside the writing transaction; a refresh takes
// those notes and recomputes exactly the conversations and local days they name, in one
// transaction. A refresh that fails leaves the notes for the next one.

export interface AnalyticsPage {
  id: string;
  /** The page's zone as src/sync/pages.ts pageZone gives it (PANCAKE_TIMEZONE override included). */
  timezone: string;
  /** PANCAKE_INQUIRY_GAP in seconds; 24 hours when not given. */
  inquiryGapSeconds?: number;
  /** The page's opening hours (src/business-hours.ts businessHoursOf); null or absent: always open. */
  businessHours?: string | null;
}

/** The inquiry gap a page is summarized with when none is given (the default of PANCAKE_INQUIRY_GAP). */
export const DEFAULT_INQUIRY_GAP_SECONDS = 86_400;

export interface RefreshOptions {
  /**
   * Redo the totals too (per day, hour, employee, week, month). Without, only the per-conversation
   * summaries are brought up to date and the days to redo are noted for the next refresh that does:
   * the refreshes during a long backfill thereby do each conversation once and the totals once.
   */
  totals?: boolean;
  /** How long to wait for another refresh of the page (0: not at all); default ANALYTICS_LOCK_WAIT_MS. */
  lockWaitMs?: number;
  log?: Logger | undefined;
  /** Ends a wait for the lock at once. */
  signal?: AbortSignal | undefined;
}

export interface RefreshResult {
  /** Conversations recomputed. */
  conversations: number;
  /** Local days of the day summaries recomputed. */
  days: number;
  /** True when the page was summarized from scratch (first time, or its zone changed). */
  rebuilt: boolean;
  /** Whether the totals were redone (false: noted for a later refresh). */
  totals: boolean;
  durationMs: number;
}

interface Claimed {
  conversations: string[];
  days: string[];
  /** Days whose totals an earlier refresh left to redo. */
  deferredDays: string[];
  /** Every total of the page is to be redone (an earlier rebuild left them). */
  allTotals: boolean;
  /** Summarize the page from scratch: asked for, first refresh, or a new zone, inquiry gap or opening hours. */
  rebuild: boolean;
  /** Some conversation of the page waited for its messages at the last refresh. */
  pending: boolean;
}

/** The zone a page is summarized in when no sync has stored one (the default of PANCAKE_TIMEZONE). */
const DEFAULT_ZONE = 'Asia/Ho_Chi_Minh';

/** How long a refresh waits for another refresh of the same page, by default. */
export const ANALYTICS_LOCK_WAIT_MS = 60_000;

/**
 * Refreshes the page's summaries. One refresh per page at a time (two would recompute the same
 * rows side by side): the page's row of pancake_private.analytics_locks, which only the owner can
 * lock, is held for the transaction. A refresh that finds it held waits up to `lockWaitMs` (one
 * log line naming the holder) and then fails; with `lockWaitMs: 0` it gives up at once and
 * returns null, leaving the change notes to the next refresh.
 */
export async function refreshAnalytics(db: Kysely<Database>, page: AnalyticsPage, options: RefreshOptions = {}): Promise<RefreshResult | null> {
  const started = performance.now();
  await sql`insert into pancake_private.analytics_locks (page_id) values (${page.id}) on conflict do nothing`.execute(db);
  let result: Omit<RefreshResult, 'durationMs'> | null = null;
  const attempt = async (): Promise<boolean> => {
    try {
      result = await refreshLocked(db, page, options.totals ?? true);
      return true;
    } catch (error) {
      if (isLockNotAvailable(error)) return false;
      throw error;
    }
  };
  const waitMs = options.lockWaitMs ?? ANALYTICS_LOCK_WAIT_MS;
  if (waitMs === 0) {
    if (!(await attempt())) return null;
  } else {
    await waitForLock(attempt, {
      what: `the analytics refresh of page ${page.id}`,
      timeoutMs: waitMs,
      holders: async () => describeSessions(db, await rowLockHolders(db, 'pancake_private.analytics_locks', 'page_id', page.id)),
      log: options.log,
      signal: options.signal,
    });
  }
  return { ...(result as unknown as Omit<RefreshResult, 'durationMs'>), durationMs: performance.now() - started };
}

async function refreshLocked(db: Kysely<Database>, page: AnalyticsPage, totals: boolean): Promise<Omit<RefreshResult, 'durationMs'>> {
  const target: SummaryPage = { pageId: page.id, zone: page.timezone, inquiryGapSeconds: page.inquiryGapSeconds ?? DEFAULT_INQUIRY_GAP_SECONDS, businessHours: page.businessHours ?? null };
  return db.transaction().execute(async (trx) => {
    await sql`select from pancake_private.analytics_locks where page_id = ${page.id} for update nowait`.execute(trx);
    const claimed = await claim(trx, target, totals);
    const rebuild = claimed.rebuild;
    const idle = !rebuild && !claimed.pending && !claimed.allTotals && claimed.conversations.length === 0 && claimed.days.length === 0 && claimed.deferredDays.length === 0;
    if (rebuild) await clearPageSummaries(trx, page.id);
    const done = idle ? { conversations: 0, days: 0, covered: false } : await summarize(trx, target, rebuild ? { all: true } : { all: false, ids: claimed.conversations }, claimed, totals);
    // The totals' refresh records the covered days (whatever it found to do); one that leaves them for later does not.
    if (!done.covered && totals) await recordCoverage(trx, page.id);
    return { conversations: done.conversations, days: done.days, rebuilt: rebuild, totals };
  });
}

/**
 * Stores the page's zone and takes the page's change notes: the conversations they name and the
 * local days their instants cover, and whether the page must be summarized from scratch. A refresh
 * that leaves the totals for later takes only the notes that name a conversation (and a rebuild):
 * the notes of days stay for the refresh that redoes the totals.
 */
async function claim(trx: Transaction<Database>, { pageId, zone, inquiryGapSeconds, businessHours }: SummaryPage, totals: boolean): Promise<Claimed> {
  const taking = totals ? sql`true` : sql`(conversation_id is not null or source = 'rebuild')`;
  // Local days move with the zone, inquiries with the gap, business seconds with the hours: a
  // change of any (or a first refresh) summarizes the page from scratch.
  const settings = sql`row(${zone}::text, ${inquiryGapSeconds}::int, ${businessHours}::nummultirange)`;
  const { rows } = await sql<Claimed>`
    with stored as (update pancake.pages set zone = ${zone} where id = ${pageId} and zone is distinct from ${zone}),
    taken as (delete from pancake_private.analytics_dirty where page_id = ${pageId} and ${taking} returning source, conversation_id, from_at, to_at),
    built as (select row(zone, inquiry_gap_seconds, business_hours) as settings from pancake_private.analytics_pages where page_id = ${pageId}),
    decided as (
      select exists (select from taken where source = 'rebuild') or (select settings from built) is distinct from ${settings} as rebuild),
    noted as (
      insert into pancake_private.analytics_pages (page_id, zone, inquiry_gap_seconds, business_hours) values (${pageId}, ${zone}, ${inquiryGapSeconds}, ${businessHours}::nummultirange)
      on conflict (page_id) do update set zone = excluded.zone, inquiry_gap_seconds = excluded.inquiry_gap_seconds, business_hours = excluded.business_hours, refreshed_at = now(),
        rebuilt_at = case when (select rebuild from decided) then now() else pancake_private.analytics_pages.rebuilt_at end)
    select coalesce((select array_agg(distinct conversation_id) from taken where conversation_id is not null), '{}') as conversations,
           coalesce((
             select array_agg(distinct d::date::text)
             from taken t, generate_series(pancake_private.local_time(t.from_at, ${zone})::date, pancake_private.local_time(t.to_at, ${zone})::date, interval '1 day') d
             where t.source in ('customers', 'call_logs', 'ad_clicks') and t.from_at is not null
           ), '{}') as days,
           coalesce((select array_agg(distinct pancake_private.local_time(from_at, ${zone})::date::text) from taken where source = 'days'), '{}') as "deferredDays",
           exists (select from taken where source = 'totals') as "allTotals",
           (select rebuild from decided) as rebuild,
           exists (select from pancake_private.analytics_conversations where page_id = ${pageId} and messages_pending_at is not null) as pending`.execute(trx);
  return rows[0] ?? { conversations: [], days: [], deferredDays: [], allTotals: true, rebuild: true, pending: false };
}

/** Summarizes the conversations in scope and, with totals, the days they touch; `covered`: the covered days were recorded along. */
async function summarize(trx: Transaction<Database>, target: SummaryPage, scope: Scope, claimed: Claimed, withTotals: boolean): Promise<{ conversations: number; days: number; covered: boolean }> {
  // A rebuild fills tables the planner has no statistics for: each is analyzed before it is read.
  const analyze = async (...tables: string[]) => {
    if (scope.all) await sql.raw(`analyze ${tables.map((t) => `pancake_private.${t}`).join(', ')}`).execute(trx);
  };
  const perConversation = scope.all || scope.ids.length > 0;
  const none = { customers: [], startDays: [], firstDays: [] };
  const facts = perConversation ? await refreshConversationFacts(trx, target, scope) : none;
  if (claimed.pending) await clearFetchedMessages(trx, target.pageId);
  await analyze('analytics_conversations');
  // A rebuild marks first conversations after analyzing the facts; a refresh along with the parts below.
  const customers: Scope = scope.all ? scope : { all: false, ids: facts.customers };
  const rebuiltFirsts = scope.all ? await refreshFirstConversations(trx, target.pageId, customers) : [];
  const firsts = !scope.all && facts.customers.length > 0 ? [{ statement: firstConversationsUpdate(target.pageId, customers), reports: true }] : [];
  // Independent of each other (they read the facts above), so one statement.
  const [conversationDays = [], hourDays = [], employeeDays = [], tagDays = [], reassigned = [], inquiryDays = [], , refreshedFirsts = []] = perConversation
    ? await replaceRows(trx, target.pageId, [...messageParts(target, scope), tagEventPart(target, scope), assignmentPart(target, scope), inquiryPart(target, scope), waitingPart(target, scope)], firsts)
    : [];
  const flagged = [...rebuiltFirsts, ...refreshedFirsts];
  const assignmentDays = scope.all ? [] : await activeDays(trx, target.pageId, reassigned);
  await analyze(...CONVERSATION_SUMMARY_TABLES.filter((t) => t !== 'analytics_conversations'));

  // Each total is redone for the days whose inputs changed (and those left by earlier refreshes).
  const everyDay = scope.all || claimed.allTotals;
  const touched = [claimed.days, claimed.deferredDays, flagged, facts.startDays, facts.firstDays, conversationDays, hourDays, employeeDays, assignmentDays, tagDays, inquiryDays];
  if (!withTotals) {
    await deferTotals(trx, target, everyDay ? null : [...new Set(touched.flat())]);
    return { conversations: scope.all ? await countConversations(trx, target.pageId) : scope.ids.length, days: 0, covered: false };
  }
  const every = everyDay ? await allDays(trx, target) : null;
  const union = (...lists: string[][]) => every ?? [...new Set([...claimed.deferredDays, ...lists.flat()])].sort();
  const summaryDays = union(claimed.days, flagged, facts.startDays);
  const totalDays = { hours: union(hourDays, facts.startDays), employees: union(employeeDays, conversationDays, assignmentDays, facts.firstDays) };
  const tagTotalDays = union(tagDays);
  // The totals read only the per-conversation summaries and the sources: one statement too, which
  // records the page's covered days as well (the facts above settled which conversations are pending).
  const totalParts = [
    ...(summaryDays.length > 0 ? daySummaryParts(target, summaryDays) : []),
    ...dayTotalParts(target, totalDays),
    ...(tagTotalDays.length > 0 ? [tagDayPart(target, tagTotalDays)] : []),
    ...periodParts(target, { activity: union(conversationDays), responses: union(facts.firstDays), inquiries: union(inquiryDays) }),
  ];
  await replaceRows(trx, target.pageId, totalParts, [{ statement: coverageUpdate(target.pageId), reports: false }]);
  await analyze(...SUMMARY_TABLES.filter((t) => !CONVERSATION_SUMMARY_TABLES.includes(t)));
  const days = new Set([...summaryDays, ...totalDays.hours, ...totalDays.employees]).size;
  const conversations = scope.all ? await countConversations(trx, target.pageId) : scope.ids.length;
  return { conversations, days, covered: true };
}

/** Notes the days whose totals a later refresh redoes (null: all of them), as change notes of their own. */
async function deferTotals(trx: Transaction<Database>, { pageId, zone }: SummaryPage, days: string[] | null): Promise<void> {
  if (days === null) {
    await sql`insert into pancake_private.analytics_dirty (page_id, source) values (${pageId}, 'totals')`.execute(trx);
    return;
  }
  if (days.length === 0) return;
  // A day is noted as the instant it starts, which the claim turns back into that local day.
  await sql`
    insert into pancake_private.analytics_dirty (page_id, source, from_at, to_at)
    select ${pageId}, 'days', pancake_private.local_start(d, ${zone}), pancake_private.local_start(d, ${zone}) from unnest(${days}::date[]) d`.execute(trx);
}

async function countConversations(trx: Transaction<Database>, pageId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from pancake_private.analytics_conversations where page_id = ${pageId}`.execute(trx);
  return rows[0]?.n ?? 0;
}

/**
 * Refreshes every page with change notes, each with the zone, inquiry gap and opening hours its
 * summaries were last built with (else its own offset, the default zone, gap and hours): after a
 * migration that queued a rebuild, so that the views are complete before the next sync.
 */
export async function refreshPendingAnalytics(db: Kysely<Database>, options: Pick<RefreshOptions, 'log' | 'signal'> = {}): Promise<RefreshResult[]> {
  const { rows } = await sql<{ page_id: string; zone: string; gap: number | null; hours: string | null }>`
    select d.page_id, coalesce(a.zone, p.zone, pancake_private.offset_zone(p.timezone_offset_hours), ${DEFAULT_ZONE}) as zone,
           a.inquiry_gap_seconds as gap, a.business_hours::text as hours
    from (select distinct page_id from pancake_private.analytics_dirty) d
    left join pancake.pages p on p.id = d.page_id
    left join pancake_private.analytics_pages a on a.page_id = d.page_id
    order by d.page_id`.execute(db);
  const results: RefreshResult[] = [];
  for (const row of rows) {
    const result = await refreshAnalytics(db, { id: row.page_id, timezone: row.zone, inquiryGapSeconds: row.gap ?? DEFAULT_INQUIRY_GAP_SECONDS, businessHours: row.hours }, options);
    if (result !== null) results.push(result);
  }
  return results;
}
