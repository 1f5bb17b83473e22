import { sql, type Kysely } from 'kysely';
import { TAG_EVENTS } from '../migrations/parts/names-backfill.js';
import type { Database } from '../src/warehouse/schema.js';

// Two years of a busy shop, written straight into the warehouse with SQL (the API would need hours
// to serve it): per page and day ~28 conversations of 6-34 messages (≈ 1.23 M messages over 3
// pages), customers, calls, ad clicks with the ads' daily spend, tags with their histories and
// assignees. Sender mix as real shops have it: customers and employees, bots answering one
// conversation in ten, automatic notices, conversations opened from ads or by the page, and one
// customer in four coming back to the conversation after three days of silence (a second inquiry).
// Ids start with `hist_` so that they never meet the simulator's. Deterministic: no random(), only
// hashes.

export interface HistoryOptions {
  pageIds: string[];
  days: number;
  conversationsPerDay: number;
  end: Date;
}

/** A number in [0, n) from the hash of the given SQL expressions. */
const h = (n: number, ...parts: string[]) => `(abs(hashtext(${parts.join(` || ':' || `)})) % ${n})`;
/** One conversation in four (by its id): the customer comes back after a silence, halfway through its messages. */
const RETURNS = (id: string) => `${h(4, id, "'r'")} = 0`;
const SILENCE = "interval '3 days'";

export async function generateHistory(db: Kysely<Database>, options: HistoryOptions): Promise<{ messages: number; conversations: number }> {
  const { days, conversationsPerDay, end } = options;
  const total = days * conversationsPerDay;
  for (const pageId of options.pageIds) {
    const q = (text: string) => sql.raw(text.replaceAll('$PAGE', `'${pageId}'`).replaceAll('$END', `'${end.toISOString()}'::timestamptz`)).execute(db);
    await q(`insert into pancake.page_users (page_id, id, name, raw)
             select $PAGE, 'hist_e' || i, 'Nhân viên ' || i, '{}' from generate_series(1, 6) i on conflict do nothing`);
    await q(`insert into pancake.tags (page_id, id, text, deleted_at, raw)
             select $PAGE, 'h' || i, 'Nhãn ' || i, case when i > 8 then $END - interval '30 days' end, '{}' from generate_series(1, 10) i on conflict do nothing`);
    // Conversation n starts at a hashed moment of its day; its messages follow at a per-conversation
    // pace, one conversation in 17 spread over days.
    await q(`insert into pancake.conversations (page_id, id, type, customer_id, inserted_at, updated_at, message_count, last_sent_by_id, raw)
      select $PAGE, 'hist_' || n, case when ${h(100, 'n::text')} < 85 then 'INBOX' when ${h(100, 'n::text')} < 97 then 'COMMENT' else 'RATING' end,
             'hist_k' || (n % ${Math.floor(total * 0.85)}),
             s.started, s.started + (m - 1) * s.gap + case when ${RETURNS('\'hist_\' || n')} then ${SILENCE} else interval '0' end, m, case when m % 2 = 0 then $PAGE else 'psid' end,
             case when n % 5 < 2 then jsonb_build_object('tag_histories', jsonb_build_array(
               jsonb_build_object('inserted_at', to_char((s.started + s.gap) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), 'payload', jsonb_build_object('action', 'add', 'tag', jsonb_build_object('id', 'h' || (1 + n % 10), 'text', 'Nhãn ' || (1 + n % 10)))),
               jsonb_build_object('inserted_at', to_char((s.started + 2 * s.gap) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), 'payload', jsonb_build_object('action', case when n % 3 = 0 then 'remove' else 'add' end, 'tag', jsonb_build_object('id', 'h' || (1 + (n + 3) % 10), 'text', 'Nhãn ' || (1 + (n + 3) % 10))))
             )) else '{}'::jsonb end
      from generate_series(0, ${total - 1}) n
      cross join lateral (select 6 + ${h(29, "'m'", 'n::text')} as m) c
      cross join lateral (
        select $END - ((${total} - n) * interval '1 day' / ${conversationsPerDay}) + ${h(3600, "'t'", 'n::text')} * interval '1 second' - interval '1 day' as started,
               case when n % 17 = 0 then interval '3 hours' else (20 + ${h(600, "'g'", 'n::text')}) * interval '1 second' end as gap
      ) s`);
    // Message i of conversation n: the first is the customer's (or an ad click, or the page's);
    // then employees and customers alternate, with bots and notices answering some first messages.
    // The tag histories as the sync stores them too (the tag summaries read pancake.conversation_tag_events).
    await q(`${TAG_EVENTS} and c.page_id = $PAGE and c.id like 'hist\\_%' on conflict do nothing`);
    await q(`insert into pancake.messages (page_id, id, conversation_id, inserted_at, from_id, is_from_page, sender_kind, sender_user_id, sender_admin_name, type, ad_id, raw)
      select c.page_id, 'hist_m' || c.id || '_' || i, c.id,
             c.inserted_at + (i - 1) * ((c.updated_at - c.inserted_at - r.silence) / greatest(c.message_count - 1, 1)) + case when i > c.message_count / 2 then r.silence else interval '0' end,
             case when k.kind = 'customer' then 'psid' else c.page_id end, k.kind <> 'customer', k.kind,
             case when k.kind = 'employee' then 'hist_e' || (1 + ${h(6, 'c.id', "'u'")}) end,
             case when k.kind = 'employee' then 'Nhân viên ' || (1 + ${h(6, 'c.id', "'u'")}) when k.kind = 'bot' then 'Botcake' end,
             case when c.type = 'COMMENT' then 'COMMENT' else 'INBOX' end,
             case when k.kind = 'ad_click' then 'hist_ad' || ${h(12, 'c.id', "'a'")} end, '{}'::jsonb
      from pancake.conversations c
      cross join lateral (select case when ${RETURNS('c.id')} then ${SILENCE} else interval '0' end as silence) r
      cross join generate_series(1, c.message_count) i
      cross join lateral (select case
        when i = 1 and ${h(20, 'c.id', "'f'")} = 0 then 'ad_click'
        when i = 1 and ${h(20, 'c.id', "'f'")} = 1 then 'employee'
        when i = 1 then 'customer'
        when i = 2 and ${h(10, 'c.id', "'b'")} = 0 then 'bot'
        when i = 2 and ${h(15, 'c.id', "'p'")} = 0 then 'page_notice'
        when i % 2 = 0 then 'employee' else 'customer' end as kind) k
      where c.page_id = $PAGE and c.id like 'hist\\_%'`);
    // Their messages are all stored: an incremental sync must not walk them again.
    await q(`insert into pancake.conversation_message_state (page_id, conversation_id, synced_updated_at, history_complete)
      select page_id, id, updated_at, true from pancake.conversations where page_id = $PAGE and id like 'hist\\_%' on conflict do nothing`);
    await q(`insert into pancake.ad_clicks (page_id, conversation_id, ad_id, clicked_at, customer_id, raw)
      select m.page_id, m.conversation_id, m.ad_id, m.inserted_at, c.customer_id, '{}' from pancake.messages m
      join pancake.conversations c on c.page_id = m.page_id and c.id = m.conversation_id
      where m.page_id = $PAGE and m.sender_kind = 'ad_click' and m.id like 'hist\\_%' on conflict do nothing`);
    await q(`insert into pancake.stats_ads (page_id, day, ad_id, ad_key, campaign_id, period_start, ad_name, currency, impressions, clicks, spend, raw)
      select $PAGE, d::date, 'hist_ad' || a, 'hist_ad' || a, 'hist_camp' || a % 4, d - interval '7 hours', 'Quảng cáo ' || a, 'VND', 1000 + ${h(5000, "d::text", 'a::text')}, 20 + ${h(80, "d::text", 'a::text', "'c'")},
             50000 + ${h(450000, "d::text", 'a::text', "'s'")}, '{}'
      from generate_series(($END - ${days} * interval '1 day')::date, $END::date, interval '1 day') d, generate_series(0, 11) a
      where ${h(3, "d::text", 'a::text', "'on'")} = 0 on conflict do nothing`);
    // Four campaigns holding the twelve ads, most days; ratings, most days.
    await q(`insert into pancake.stats_campaigns (page_id, day, campaign_key, campaign_id, campaign_name, period_start, status, currency, daily_budget, spend, impressions, clicks, raw)
      select $PAGE, d::date, 'hist_camp' || k, 'hist_camp' || k, 'Chiến dịch ' || k, d - interval '7 hours', 'ACTIVE', 'VND', 2000000,
             150000 + ${h(900000, "d::text", 'k::text', "'cs'")}, 3000 + ${h(9000, "d::text", 'k::text')}, 60 + ${h(200, "d::text", 'k::text', "'cc'")}, '{}'
      from generate_series(($END - ${days} * interval '1 day')::date, $END::date, interval '1 day') d, generate_series(0, 3) k
      where ${h(5, "d::text", 'k::text', "'con'")} > 0 on conflict do nothing`);
    await q(`insert into pancake.stats_customer_feedbacks (page_id, day, rating, period_start, feedbacks, raw)
      select $PAGE, d::date, r, d - interval '7 hours', 1 + ${h(6, "d::text", 'r::text')}, '{}'
      from generate_series(($END - ${days} * interval '1 day')::date, $END::date, interval '1 day') d, generate_series(1, 5) r
      where ${h(4, "d::text", 'r::text', "'ron'")} > 0 on conflict do nothing`);
    await q(`insert into pancake.customers (page_id, id, customer_id, inserted_at, updated_at, raw)
      select $PAGE, 'hist_cu' || k, 'hist_k' || k, $END - (${total} - k) * interval '1 day' / ${conversationsPerDay} - interval '2 days', $END, '{}'
      from generate_series(0, ${Math.floor(total * 1.1)}) k on conflict do nothing`);
    await q(`insert into pancake.call_logs (page_id, call_id, start_time, direction, caller, callee, duration_seconds, status, raw)
      select $PAGE, 'hist_call' || n, $END - (${days * 20} - n) * interval '1 day' / 20,
             case when n % 5 < 3 then 'inbound' else 'outbound' end, '0900000000', '101',
             case when ${h(4, "'d'", 'n::text')} = 0 then 0 else 8 + ${h(900, "'t'", 'n::text')} end,
             case when ${h(4, "'d'", 'n::text')} = 0 then 'missed' else 'completed' end, '{}'
      from generate_series(0, ${days * 20 - 1}) n on conflict do nothing`);
    await q(`insert into pancake.conversation_tags (page_id, conversation_id, tag_id, tag_text, raw)
      select page_id, id, 'h' || (1 + substr(id, 6)::int % 10), 'Nhãn ' || (1 + substr(id, 6)::int % 10), '{}'
      from pancake.conversations where page_id = $PAGE and id like 'hist\\_%' and substr(id, 6)::int % 5 < 2 on conflict do nothing`);
    await q(`insert into pancake.conversation_assignees (page_id, conversation_id, user_id, user_name, raw)
      select page_id, id, 'hist_e' || (1 + ${h(6, 'id', "'u'")}), null, '{}'
      from pancake.conversations where page_id = $PAGE and id like 'hist\\_%' and ${h(10, 'id', "'as'")} < 7 on conflict do nothing`);
  }
  const { rows } = await sql<{ messages: number; conversations: number }>`
    select (select count(*)::int from pancake.messages) as messages, (select count(*)::int from pancake.conversations) as conversations`.execute(db);
  return rows[0] ?? { messages: 0, conversations: 0 };
}
