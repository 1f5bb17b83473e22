import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PancakeConversation, PancakeMessage } from '../../src/pancake/types.js';
import { isAdClickItem, parseApiTime, senderKindOf, simulatedStatistics as sim } from '../../src/simulator/index.js';
import { dayStart } from '../../src/sync/engines/days.js';
import { createSyncHarness, type SyncHarness } from '../support/harness.js';

// Issue 24's acceptance against the simulator's default shop (a Facebook page, a web chat and a
// WhatsApp page): a sync stores every engagement series, two ads of one name apart, campaigns, AI
// and automated replies as bots (the first-response views give the employee's time), and
// assignment and tag events equal to the simulator's histories.

type Entry = Record<string, unknown>;

describe('a sync of the default simulated shop, by Pancake\'s own names', () => {
  let h: SyncHarness;
  const conversation = (id: string) => h.sim.data.conversationById.get(id)!;

  beforeAll(async () => {
    h = await createSyncHarness({ seed: 5, conversationsPerPage: 60, historyDays: 40 }, 'official_names');
    expect(h.sim.data.pages.map((p) => p.platform)).toEqual(['facebook', 'web', 'whatsapp']);
    const summary = await h.sync({}, { SYNC_START: '40d' });
    expect(summary.failures).toEqual([]);
  });
  afterAll(async () => h?.close());

  it('every engagement series by its own name, and each employee\'s engagement per day', async () => {
    const { rows } = await sql<{ names: string[] }>`select distinct array(select jsonb_object_keys(series) order by 1) as names from pancake.stats_engagement`.execute(h.db);
    expect(rows).toEqual([{ names: [...sim.ENGAGEMENT_SERIES].sort() }]);
    const stored = await h.db.selectFrom('pancake.stats_users_engagements').select(['page_id', 'user_id', 'measures']).execute();
    const employees = h.sim.data.pages.reduce((n, p) => n + (h.sim.data.employees.get(p.id)?.length ?? 0), 0);
    expect(new Set(stored.map((r) => `${r.page_id}/${r.user_id}`)).size).toBe(employees);
    // A measure without a column of its own survives in `measures`.
    expect(stored.every((r) => typeof (r.measures as Entry).private_reply_count === 'number')).toBe(true);
  });

  it('two ads of one name, answered without ad_id, keep two rows and both spends', async () => {
    const page = h.sim.data.pages[0]!.id;
    const [, first, second] = sim.adsOf(h.sim.data, page);
    expect([first!.name === second!.name, first!.servesId, second!.servesId]).toEqual([true, false, false]);
    // Ads run one after another, overlapping by a few days: read the days around the overlap.
    const since = new Date(Math.max(first!.startHour, second!.startHour) * 3_600_000);
    const until = new Date(Math.min(first!.endHour, second!.endHour) * 3_600_000);
    expect((await h.sync({ streams: ['stats_ads'], since, until })).failures).toEqual([]);
    const rows = await h.db.selectFrom('pancake.stats_ads').select(['ad_key', 'ad_id', 'spend', 'period_start']).where('page_id', '=', page).where('ad_name', '=', first!.name).where('ad_id', 'is', null).execute();
    const days = [...new Set(rows.map((r) => r.period_start.toISOString()))];
    for (const day of days) {
      const ofDay = rows.filter((r) => r.period_start.toISOString() === day);
      const range = { startMs: Date.parse(day), endMs: Date.parse(day) + 86_400_000 - 1000 };
      // Other ads may carry the same name, with an id: those are keyed by it.
      const answered = sim.adsStatistics(h.sim.data, page, range, 'by_id').filter((a) => a.name === first!.name && a.ad_id === undefined);
      expect(ofDay.map((r) => r.ad_key).sort(), day).toEqual(answered.map((_, i) => (i === 0 ? `name:${first!.name}` : `name:${first!.name}#${i + 1}`)));
      expect(ofDay.map((r) => Number(r.spend)).sort()).toEqual(answered.map((a) => Number(a.spend)).sort());
    }
    expect(days.filter((day) => rows.filter((r) => r.period_start.toISOString() === day).length === 2).length).toBeGreaterThan(0);
  });

  it('campaigns per day, and daily_campaigns joins the conversations their ads brought', async () => {
    const page = h.sim.data.pages[0]!.id;
    const stored = await h.db.selectFrom('pancake.stats_campaigns').select(['day', 'campaign_key', 'campaign_id', 'ad_id', 'spend', 'clicks']).where('page_id', '=', page).execute();
    expect(stored.length).toBeGreaterThan(0);
    const day = stored[0]!.day;
    const local = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    const startMs = dayStart(local, 'UTC+7').getTime();
    const answer = sim.campaignStatistics(h.sim.data, page, { startMs, endMs: startMs + 86_400_000 - 1000 });
    const ofDay = stored.filter((r) => r.day.getTime() === day.getTime());
    expect(ofDay.map((r) => [r.campaign_key, r.spend, r.clicks]).sort()).toEqual(answer.map((c) => [`${c.id}/adset:${c.adset_id}/ad:${c.ad_id}`, c.spend, c.link_click]).sort());
    // Per campaign: spend summed over its rows; conversations those of its ads in daily_ads.
    const { rows } = await sql<{ campaign_key: string; spend: string; conversations: number; expected_spend: string; expected_conversations: number }>`
      select c.campaign_key, c.spend, c.conversations,
             (select sum(s.spend) from pancake.stats_campaigns s where s.page_id = c.page_id and s.day = c.day and s.campaign_id = c.campaign_id) as expected_spend,
             (select coalesce(sum(a.conversations), 0)::int from pancake_analytics.daily_ads a
               where a.page_id = c.page_id and a.day = c.day
                 and a.ad_id in (select ad_id from pancake.stats_campaigns s where s.page_id = c.page_id and s.campaign_id = c.campaign_id)) as expected_conversations
      from pancake_analytics.daily_campaigns c where c.page_id = ${page}`.execute(h.db);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.spend !== r.expected_spend || r.conversations !== r.expected_conversations)).toEqual([]);
    expect(rows.some((r) => r.conversations > 0)).toBe(true);
  });

  it('AI and automated replies are bots under the employee account; the first-response views give the employee\'s time', async () => {
    const flagged = (m: PancakeMessage) => m.from?.ai_generated === true || m.from?.is_automated === true;
    const stored = await h.db.selectFrom('pancake.messages').select(['id', 'conversation_id', 'sender_kind', 'sender_user_id', 'ai_generated', 'is_automated']).where((eb) => eb.or([eb('ai_generated', '=', true), eb('is_automated', '=', true)])).execute();
    const truth = stored.map((r) => h.sim.data.messages.get(r.conversation_id)!.find((m) => m.id === r.id)!);
    expect(stored.length).toBeGreaterThan(3);
    expect(stored.map((r) => [r.sender_kind, r.sender_user_id])).toEqual(truth.map((m) => ['bot', m.from!.uid]));
    const all = [...h.sim.data.messages.entries()].flatMap(([c, list]) => list.filter((m) => flagged(m)).map((m) => `${c}/${m.id}`));
    const kept = new Set((await h.db.selectFrom('pancake.messages').select(['conversation_id', 'id']).execute()).map((m) => `${m.conversation_id}/${m.id}`));
    expect(stored.length).toBe(all.filter((k) => kept.has(k)).length);

    // Conversations whose first page reply after the customer's first message is an AI's.
    const aiFirst = [...new Set(stored.map((r) => r.conversation_id))].filter((id) => {
      const items = h.sim.data.messages.get(id)!.filter((m) => !isAdClickItem(m));
      const pageId = conversation(id).page_id;
      const first = items.findIndex((m) => senderKindOf(m, pageId) === 'customer');
      const reply = items.slice(first + 1).find((m) => ['employee', 'bot'].includes(senderKindOf(m, pageId)) && typeof m.from?.uid === 'string');
      return first >= 0 && reply !== undefined && flagged(reply);
    });
    expect(aiFirst.length).toBeGreaterThan(0);
    for (const id of aiFirst) {
      const pageId = conversation(id).page_id;
      const items = h.sim.data.messages.get(id)!.filter((m) => !isAdClickItem(m));
      const first = items.findIndex((m) => senderKindOf(m, pageId) === 'customer');
      const employee = items.slice(first + 1).find((m) => senderKindOf(m, pageId) === 'employee');
      const { rows } = await sql<{ first_employee_reply_at: Date | null; responder_user_id: string | null }>`
        select first_employee_reply_at, responder_user_id from pancake_analytics.conversation_first_response where conversation_id = ${id}`.execute(h.db);
      expect(rows, id).toEqual([{ first_employee_reply_at: employee ? new Date(parseApiTime(employee.inserted_at)) : null, responder_user_id: employee ? (employee.from?.uid ?? null) : null }]);
    }
  });

  it('assignment and tag events equal the simulator\'s histories; assignees without assignee_ids come from them', async () => {
    const stored = await h.db.selectFrom('pancake.conversations').select('id').execute();
    const tagEvents = await h.db.selectFrom('pancake.conversation_tag_events').select(['conversation_id', 'position', 'action', 'tag_id']).execute();
    const assignmentEvents = await h.db.selectFrom('pancake.conversation_assignment_events').select(['conversation_id', 'position', 'user_id', 'action']).execute();
    const expectedTags: string[] = [];
    const expectedAssignments: string[] = [];
    for (const { id } of stored) {
      const c: PancakeConversation = conversation(id);
      (c.tag_histories as Entry[]).forEach((entry, i) => {
        const payload = entry.payload as { action: string; tag: { id: number | null } };
        expectedTags.push(`${id}/${i + 1}/${payload.action}/${payload.tag.id === null ? null : String(payload.tag.id)}`);
      });
      (c.assignee_histories as Entry[]).forEach((entry, i) => {
        const payload = entry.payload as { added_users: Array<{ id: string }>; removed_users: Array<{ id: string }> };
        for (const u of payload.added_users) expectedAssignments.push(`${id}/${i + 1}/${u.id}/assigned`);
        for (const u of payload.removed_users) expectedAssignments.push(`${id}/${i + 1}/${u.id}/unassigned`);
      });
    }
    expect(tagEvents.map((e) => `${e.conversation_id}/${e.position}/${e.action}/${e.tag_id}`).sort()).toEqual(expectedTags.sort());
    expect(assignmentEvents.map((e) => `${e.conversation_id}/${e.position}/${e.user_id}/${e.action}`).sort()).toEqual(expectedAssignments.sort());
    expect(expectedAssignments.length).toBeGreaterThan(20);

    // The WhatsApp page sends no assignee_ids: its assignees are the history's.
    const whatsapp = h.sim.data.pages[2]!.id;
    const assignees = await h.db.selectFrom('pancake.conversation_assignees').select(['conversation_id', 'user_id']).where('page_id', '=', whatsapp).execute();
    const replayed = (h.sim.data.conversations.get(whatsapp) ?? []).filter((c) => stored.some((s) => s.id === c.id)).flatMap((c) => {
      const assigned = new Set<string>();
      for (const entry of c.assignee_histories as Entry[]) {
        const payload = entry.payload as { added_users: Array<{ id: string }>; removed_users: Array<{ id: string }> };
        for (const u of payload.added_users) assigned.add(u.id);
        for (const u of payload.removed_users) assigned.delete(u.id);
      }
      return [...assigned].map((u) => `${c.id}/${u}`);
    });
    expect(replayed.length).toBeGreaterThan(0);
    expect(assignees.map((a) => `${a.conversation_id}/${a.user_id}`).sort()).toEqual(replayed.sort());
  });

  it('the WhatsApp page: its ids, the conversation without updated_at, and the page\'s own notices under another form of its id', async () => {
    const whatsapp = h.sim.data.pages[2]!;
    expect(whatsapp.id).toMatch(/^wa_c\.us@84\d+$/);
    const bare = h.sim.data.conversations.get(whatsapp.id)![0]!;
    const row = await h.db.selectFrom('pancake.conversations').select(['id', 'updated_at', 'message_count']).where('id', '=', bare.id).executeTakeFirst();
    expect(row).toEqual({ id: bare.id, updated_at: null, message_count: null });
    expect(row!.id).toMatch(/^wa_84\d+@c\.us_62\d+@c\.us$/);
    const stored = await h.db.selectFrom('pancake.messages').select(['conversation_id', 'id', 'sender_kind', 'from_id']).where('page_id', '=', whatsapp.id).execute();
    expect(stored.filter((m) => m.conversation_id === bare.id)).toHaveLength(h.sim.data.messages.get(bare.id)!.length);
    const truth = new Map([...h.sim.data.messages.values()].flat().map((m) => [m.id, senderKindOf(m, whatsapp.id)]));
    expect(stored.map((m) => m.sender_kind)).toEqual(stored.map((m) => truth.get(m.id)));
    const notices = stored.filter((m) => m.sender_kind === 'page_notice');
    expect(notices.length).toBeGreaterThan(0);
    expect(notices.every((m) => m.from_id !== whatsapp.id && m.from_id!.endsWith('@c.us'))).toBe(true);
  });
});
