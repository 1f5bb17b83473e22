// The messages endpoint's whole answer: 34 top-level keys in the API's order (the one real answer
// captured without re-encoding shows it; see test/fixtures/real-samples/README.md, section 9). Every
// key but `messages` and `app` describes the conversation and its customer, so two batches of one
// conversation repeat them exactly; `app` is a digit string that changes from batch to batch.

import type { PancakeConversation, PancakeMessage } from '../../pancake/types.js';
import { adClicksAnswer, openThreadActivity } from '../shop/ad-clicks.js';
import type { SimulatorData } from '../shop/model.js';
import { pageContext } from '../shop/pages.js';
import { hashSeed } from '../shop/random.js';
import { senderKindOf } from '../shop/sender-kinds.js';

type Json = Record<string, unknown>;

/** "0912…" → "+84912…", the form reports_by_phone and available_for_report_phone_numbers use. */
const international = (phone: string) => `+84${phone.replace(/^0/, '')}`;

function orders(conversation: PancakeConversation): Json[] {
  const list = conversation.page_customer?.recent_orders;
  return Array.isArray(list) ? (list as Json[]) : [];
}

/** The customer as Pancake's CRM holds them; order totals appear only once they have ordered. */
function customerRecord(conversation: PancakeConversation, profileUpdatedAt: string | null): Json {
  const pc = conversation.page_customer ?? { id: '' };
  const bought = orders(conversation);
  const record: Json = {
    ad_clicks: ((conversation.ads ?? []) as Json[]).map((c) => ({ ...c })),
    address_source: [],
    can_inbox: conversation.type === 'INBOX',
    customer_id: pc.customer_id ?? conversation.customer_id ?? null,
    fb_id: pc.psid ?? null,
    global_id: pc.global_id ?? null,
    id: pc.id,
    is_followed: null,
    name: pc.name ?? null,
    personal_info: profileUpdatedAt ? { gender: pc.gender ?? null, job: null, lives_in: null, profile_updated_at: profileUpdatedAt, relationship_status: null } : {},
    // The order id is a number here (a string in notes).
    recent_phone_numbers: bought.map((o) => ({ order_id: o.id, phone_number: o.phone_number })),
    web_sources: [],
  };
  if (bought.length === 0) return record;
  return {
    ...record,
    currency: null,
    is_discount_by_level: true,
    last_order_at: String(bought.at(-1)!.last_update_status_at),
    order_count: bought.length,
    purchased_amount: 0,
    reward_point: 0,
    shop_customer_addresses: [],
    succeed_order_count: bought.filter((o) => o.status === 3).length,
    total_amount_referred: null,
  };
}

/** The batch of `messages` for `currentCount`, wrapped in everything else the API sends with it. */
export function messagesAnswer(data: SimulatorData, conversation: PancakeConversation, messages: PancakeMessage[], currentCount: number): Json {
  const ctx = pageContext(data, conversation.page_id);
  const pc = conversation.page_customer ?? { id: '' };
  const history = data.messages.get(conversation.id) ?? [];
  const lastCustomer = [...history].reverse().find((m) => senderKindOf(m, conversation.page_id) === 'customer');
  const captures = (conversation.recent_phone_numbers ?? []) as Array<Json & { phone_number: string }>;
  const phones = captures.map((p) => p.phone_number);
  const withProfile = pc.global_id !== null && pc.global_id !== undefined;
  const profileUpdatedAt = withProfile ? String(pc.inserted_at ?? conversation.inserted_at) : null;
  const batch = Math.floor(currentCount / 30);
  const notes = pc.notes as unknown[] | null | undefined;
  return {
    conversation_id: conversation.id,
    comment_count: 0,
    notes: Array.isArray(notes) && notes.length > 0 ? notes : null,
    suggested_posts: null,
    recent_orders: orders(conversation).map((o) => ({ ...o, address: '', commune_id: null, country_code: null, district_id: null, full_address: '', partner: null, province_id: null, viewing: null })),
    read_watermarks: lastCustomer
      ? [{ is_group_conv: null, message_id: lastCustomer.id, psid: pc.psid ?? null, watermark: Math.floor(Date.parse(`${lastCustomer.inserted_at}Z`) / 1000) }]
      : [],
    birthday: null,
    post: null,
    reported_count: 0,
    matched_wa_fb_customers: null,
    can_inbox: conversation.type === 'INBOX',
    customers: [customerRecord(conversation, profileUpdatedAt)],
    conv_from: { ...conversation.from },
    allow_use_data_for_training_ai: hashSeed(data.seed, conversation.id, 'ai') % 5 === 0 ? null : false,
    reports_by_phone: Object.fromEntries(phones.map((p) => [international(p), { order_fail: 0, order_success: 0, warning: 0 }])),
    extra_info: {},
    activities: openThreadActivity(conversation, ctx.ads),
    conv_customers: [{ fb_id: pc.psid ?? null, id: pc.id, name: pc.name ?? null }],
    is_banned: false,
    success: true,
    messages,
    gender: withProfile ? (pc.gender ?? null) : null,
    lives_in: null,
    banned_by: null,
    conv_phone_numbers: phones,
    global_id: pc.global_id ?? null,
    available_for_report_phone_numbers: phones.map(international),
    // Not conversation data: it differs between two batches of one conversation.
    app: String(1 + ((hashSeed(data.seed, conversation.id) + batch * 7) % 80)),
    conv_recent_phone_numbers: captures.map((p) => ({ ...p })),
    // A boolean despite its name.
    last_commented_at: false,
    profile_updated_at: profileUpdatedAt,
    banned_count: 0,
    // Strings here, the conversation list's are objects; some answers (here WhatsApp's) hold objects too (seen).
    recent_phone_numbers: ctx.page.platform === 'whatsapp' ? phones.map((phone_number) => ({ phone_number })) : phones,
    ad_clicks: adClicksAnswer(conversation),
  };
}
