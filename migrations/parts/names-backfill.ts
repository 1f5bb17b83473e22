// What 0013_pancake_names fills from the rows stored before it, in SQL: the same rules the sync now
// applies to new rows (src/sync/streams/message-attachments.ts, conversation-histories.ts,
// conversation-bridges.ts, customers.ts, ad-clicks.ts), so that an upgraded warehouse equals a
// fresh sync without re-reading the API. Frozen with the migration like any DDL.

/** A JSON string or number as text (null for anything else), like the sync's str(). */
export function jsonText(path: string): string {
  return `(case when jsonb_typeof(${path}) in ('string', 'number') then ${path} #>> '{}' end)`;
}

/** A JSON number, or a string holding one, as a whole number (truncated), like the sync's int(). */
export function jsonInt(path: string, type = 'integer'): string {
  return `(case when jsonb_typeof(${path}) = 'number' then trunc((${path} #>> '{}')::numeric)::${type}
                when jsonb_typeof(${path}) = 'string' and btrim(${path} #>> '{}') ~ '^-?\\d+(\\.\\d+)?$' then trunc(btrim(${path} #>> '{}')::numeric)::${type} end)`;
}

/** The part of an id all its forms share (src/sync/streams/message-rows.ts, channelIdCore). */
export function channelCore(column: string): string {
  return `regexp_replace(regexp_replace(regexp_replace(${column}, '^[a-z]+_', '', 'i'), '^c\\.us@', '', 'i'), '@(c\\.us|s\\.whatsapp\\.net)$', '', 'i')`;
}

/** An API time: with a zone as it says, without one in UTC; null when it is not a time. */
function apiTime(text: string): string {
  return `(case
    when ${text} ~ '^\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d(:?\\d\\d)?)$' then (${text})::timestamptz
    when ${text} ~ '^\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?$' then (${text})::timestamp at time zone 'UTC' end)`;
}

const elements = (path: string) => `jsonb_array_elements(case when jsonb_typeof(${path}) = 'array' then ${path} else '[]'::jsonb end)`;

export const ATTACHMENTS = `
  insert into pancake.message_attachments (page_id, message_id, position, conversation_id, type, url, thumbnail_url, mime_type, size, name, raw)
  select m.page_id, m.id, a.position::int, m.conversation_id,
         coalesce(${jsonText("a.e->'type'")}, case when a.e ? 'file_url' or a.e ? 'mime_type' then 'file' end),
         coalesce(${jsonText("a.e->'video_data'->'url'")}, ${jsonText("a.e->'url'")}, ${jsonText("a.e->'file_url'")}),
         case when ${jsonText("a.e->'video_data'->'url'")} is not null then ${jsonText("a.e->'url'")} end,
         ${jsonText("a.e->'mime_type'")}, ${jsonInt("a.e->'size'", 'bigint')}, coalesce(${jsonText("a.e->'name'")}, ${jsonText("a.e->'file_name'")}), a.e
  from pancake.messages m cross join lateral ${elements("m.raw->'attachments'")} with ordinality as a(e, position)
  where jsonb_typeof(a.e) = 'object'`;

export const TAG_EVENTS = `
  insert into pancake.conversation_tag_events (page_id, conversation_id, position, at, action, tag_id, tag_text, editor_id, editor_name, raw)
  select c.page_id, c.id, h.position::int, ${apiTime("h.e->>'inserted_at'")},
         ${jsonText("h.e->'payload'->'action'")}, ${jsonText("h.e->'payload'->'tag'->'id'")}, ${jsonText("h.e->'payload'->'tag'->'text'")},
         ${jsonText("h.e->'payload'->'editor_id'")}, ${jsonText("h.e->'payload'->'editor_name'")}, h.e
  from pancake.conversations c cross join lateral ${elements("c.raw->'tag_histories'")} with ordinality as h(e, position)
  where jsonb_typeof(h.e) = 'object'`;

/** Each entry's payload (or the entry itself) and the users it assigned and unassigned, in both forms the sync reads. */
const ASSIGNMENT_USERS = `
  select c.page_id, c.id as conversation_id, h.position::int as position, h.e as entry, p.payload,
         u.usr, u.action
  from pancake.conversations c
  cross join lateral ${elements("c.raw->'assignee_histories'")} with ordinality as h(e, position)
  cross join lateral (select case when jsonb_typeof(h.e->'payload') = 'object' then h.e->'payload' else h.e end as payload) p
  cross join lateral (
    select case when jsonb_typeof(x.v) = 'string' then jsonb_build_object('id', x.v) else x.v end as usr, x.action
    from (
      select v, 'assigned' as action from ${elements("p.payload->'added_users'")} as v
      union all
      select v, 'unassigned' from ${elements("p.payload->'removed_users'")} as v
    ) x
    where jsonb_typeof(x.v) in ('string', 'object')
    union all
    select jsonb_build_object('id', coalesce(${jsonText("s.usr->'id'")}, ${jsonText("p.payload->'user_id'")}, ${jsonText("p.payload->'assignee_id'")}, ${jsonText("h.e->'user_id'")}, ${jsonText("h.e->'assignee_id'")})) || coalesce(s.usr - 'id', '{}'::jsonb),
           case when coalesce(${jsonText("p.payload->'action'")}, ${jsonText("h.e->'action'")}) ~* '^(remove|removed|unassign|unassigned|delete|deleted)$' then 'unassigned' else 'assigned' end
    from (select coalesce(
            case when jsonb_typeof(p.payload->'user') = 'object' then p.payload->'user' end,
            case when jsonb_typeof(p.payload->'assignee') = 'object' then p.payload->'assignee' end,
            case when jsonb_typeof(h.e->'user') = 'object' then h.e->'user' end,
            case when jsonb_typeof(h.e->'assignee') = 'object' then h.e->'assignee' end) as usr) s
    where jsonb_array_length(case when jsonb_typeof(p.payload->'added_users') = 'array' then p.payload->'added_users' else '[]'::jsonb end)
        + jsonb_array_length(case when jsonb_typeof(p.payload->'removed_users') = 'array' then p.payload->'removed_users' else '[]'::jsonb end) = 0
  ) u
  where jsonb_typeof(h.e) = 'object'`;

export const ASSIGNMENT_EVENTS = `
  insert into pancake.conversation_assignment_events (page_id, conversation_id, position, user_id, action, at, user_name, editor_id, editor_name, raw)
  select page_id, conversation_id, position, ${jsonText("usr->'id'")}, action,
         ${apiTime(`coalesce(entry->>'inserted_at', entry->>'assigned_at', entry->>'created_at')`)},
         ${jsonText("usr->'name'")}, coalesce(${jsonText("payload->'editor_id'")}, ${jsonText("entry->'editor_id'")}), coalesce(${jsonText("payload->'editor_name'")}, ${jsonText("entry->'editor_name'")}), entry
  from (${ASSIGNMENT_USERS}) a
  where ${jsonText("usr->'id'")} is not null
  on conflict do nothing`;

/** Conversations without assignee_ids or current_assign_users: the users their history leaves assigned. */
export const ASSIGNEES_FROM_HISTORY = `
  insert into pancake.conversation_assignees (page_id, conversation_id, user_id, user_name, raw)
  select e.page_id, e.conversation_id, e.user_id, e.user_name, jsonb_build_object('id', e.user_id, 'name', e.user_name)
  from (
    select distinct on (page_id, conversation_id, user_id) page_id, conversation_id, user_id, user_name, action
    from pancake.conversation_assignment_events order by page_id, conversation_id, user_id, position desc
  ) e
  join pancake.conversations c on c.page_id = e.page_id and c.id = e.conversation_id
  where e.action = 'assigned' and jsonb_typeof(c.raw->'assignee_ids') is distinct from 'array'
    and jsonb_array_length(case when jsonb_typeof(c.raw->'current_assign_users') = 'array' then c.raw->'current_assign_users' else '[]'::jsonb end) = 0
  on conflict do nothing`;

/** A phone entry's number: a string, or an object's phone_number; trimmed, null when blank. */
const phone = (entry: string) => `nullif(btrim(case when jsonb_typeof(${entry}) = 'object' then ${jsonText(`${entry}->'phone_number'`)} else ${jsonText(entry)} end), '')`;

export const CUSTOMER_PHONES = `
  insert into pancake.customer_phone_numbers (page_id, page_customer_id, phone_number, position, raw)
  select page_id, id, phone, (row_number() over (partition by page_id, id order by ordinality))::int, entry
  from (
    select distinct on (c.page_id, c.id, ${phone('p.entry')}) c.page_id, c.id, ${phone('p.entry')} as phone, p.ordinality, p.entry
    from pancake.customers c cross join lateral ${elements("c.raw->'phone_numbers'")} with ordinality as p(entry, ordinality)
    where ${phone('p.entry')} is not null
    order by c.page_id, c.id, ${phone('p.entry')}, p.ordinality
  ) numbers`;

export const DETAIL_PHONES = `
  update pancake.conversation_details d set phone_numbers = x.phones
  from (
    select page_id, conversation_id, string_agg(phone, ',' order by first) as phones
    from (
      select d.page_id, d.conversation_id, ${phone('p.entry')} as phone, min(p.n) as first
      from pancake.conversation_details d
      cross join lateral (
        select entry, ordinality as n from ${elements("d.raw->'conv_phone_numbers'")} with ordinality as c(entry, ordinality)
        union all
        select entry, 1000000 + ordinality from ${elements("d.raw->'recent_phone_numbers'")} with ordinality as r(entry, ordinality)
      ) p
      where ${phone('p.entry')} is not null
      group by 1, 2, 3
    ) numbers
    group by page_id, conversation_id
  ) x
  where d.page_id = x.page_id and d.conversation_id = x.conversation_id and d.phone_numbers is distinct from x.phones`;
