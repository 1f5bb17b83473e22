import { parseApiTimestamp } from '../../pancake/time.js';
import type { PancakeMessage } from '../../pancake/types.js';
import type { SenderKind } from '../../warehouse/schema.js';
import { bool, str } from '../coercions.js';
import type { RowOf } from '../../warehouse/tables/declare.js';
import { messages } from '../../warehouse/tables/inbox.js';

// A message as a row of pancake.messages, and who sent it. The rules for `sender_kind` come from
// real answers (docs/pancake-api.md, "Who sent a message"): everything the page "sends" shares the
// page's id in `from`, so employees, bots, automatic notices and ad-click entries are told apart by
// the other fields.

export type MessageRow = RowOf<typeof messages>;

const BOT_NAMES = /^botcake$/i;

function attachmentsOf(m: PancakeMessage): Array<Record<string, unknown>> {
  return Array.isArray(m.attachments) ? m.attachments.filter((a): a is Record<string, unknown> => typeof a === 'object' && a !== null) : [];
}

/** An ad-click entry: the moment a customer opened the thread from an ad. Not a message anyone wrote. */
export function isAdClick(m: PancakeMessage): boolean {
  return String(m.id).startsWith('ad-') || attachmentsOf(m).some((a) => a.type === 'ad_click');
}

/** Which automation flag a reply sent under a staff account carries (seen: AI and automated replies). */
export function automationFlags(m: PancakeMessage): { ai_generated: boolean | null; is_automated: boolean | null } {
  return { ai_generated: bool(m.from?.ai_generated), is_automated: bool(m.from?.is_automated) };
}

/**
 * Who sent a message:
 * - ad_click: id `ad-…` or an `ad_click` attachment;
 * - customer: `from` is not the page (in any of the forms a channel writes the page's id in);
 * - bot: the page, with a bot's admin name ("Botcake") or a flow id, or a reply an employee's
 *   account sent with `ai_generated` or `is_automated` true (AI and automated replies);
 * - employee: the page, with an admin name (a person; `uid` is their Pancake user id);
 * - page_notice: the page without an admin (automatic greetings, away messages, platform notices).
 * Null when `from` is missing.
 */
export function senderKind(m: PancakeMessage, pageId: string): SenderKind | null {
  if (isAdClick(m)) return 'ad_click';
  const from = m.from;
  const fromId = str(from?.id);
  if (!from || fromId === null) return null;
  const adminName = str(from.admin_name);
  const pageSide = sameChannelId(fromId, pageId) || adminName !== null || str(from.uid) !== null || from.flow_id != null;
  if (!pageSide) return 'customer';
  if (from.flow_id != null || (adminName !== null && BOT_NAMES.test(adminName))) return 'bot';
  if (from.ai_generated === true || from.is_automated === true) return 'bot';
  if (adminName !== null) return 'employee';
  return 'page_notice';
}

/**
 * The part of an id every form of it shares. Channels other than Facebook write one account's id in
 * several forms: a prefixed page id (`web_1664…`, `pzl_…`, `igo_…`) whose messages carry the bare
 * number (inferred), and WhatsApp's `wa_c.us@84…` (page id), `84…@c.us` and `wa_84…@c.us` (the parts
 * of a conversation id) for one number (the official WhatsApp example).
 */
export function channelIdCore(id: string): string {
  return id
    .replace(/^[a-z]+_/i, '')
    .replace(/^c\.us@/i, '')
    .replace(/@(c\.us|s\.whatsapp\.net)$/i, '');
}

/** Whether two ids name the same account, whatever form each is written in. */
export function sameChannelId(a: string, b: string): boolean {
  return a === b || channelIdCore(a) === channelIdCore(b);
}

/**
 * The ad an ad-click entry came from: its attachment's `ad_id`, or, where that is missing (seen), the
 * id itself, which is `ad-` + the customer's psid + the ad id + the click day (unix seconds ÷ 100,
 * printed with a fraction, e.g. `17749152.0`).
 */
export function adIdOf(m: PancakeMessage, conversationId: string, pageId: string): string | null {
  for (const a of attachmentsOf(m)) {
    const id = str(a.ad_id);
    if (a.type === 'ad_click' && id) return id;
  }
  const id = String(m.id);
  if (!id.startsWith('ad-')) return null;
  const psid = conversationId.startsWith(`${pageId}_`) ? conversationId.slice(pageId.length + 1) : '';
  let rest = id.slice(3);
  if (psid && rest.startsWith(psid)) rest = rest.slice(psid.length);
  return /^(\d+?)\d{8}\.\d+$/.exec(rest)?.[1] ?? null;
}

export function mapMessage(m: PancakeMessage, pageId: string, conversationId: string): MessageRow {
  const kind = senderKind(m, pageId);
  const flags = automationFlags(m);
  const fromId = str(m.from?.id);
  const conversation = str(m.conversation_id) ?? conversationId;
  return {
    page_id: pageId,
    id: String(m.id),
    conversation_id: conversation,
    inserted_at: parseApiTimestamp(m.inserted_at),
    from_id: fromId,
    from_name: str(m.from?.name),
    is_from_page: kind === null ? null : kind !== 'customer',
    sender_kind: kind,
    // An AI or automated reply keeps the staff account it was sent under (its sender_kind is bot).
    sender_user_id: kind === 'employee' || (kind === 'bot' && (flags.ai_generated === true || flags.is_automated === true)) ? str(m.from?.uid) : null,
    sender_admin_name: kind === 'employee' || kind === 'bot' ? str(m.from?.admin_name) : null,
    ...flags,
    // original_message is the plain text; `message` is HTML and stays in raw. Bot templates carry an
    // empty HTML `<div></div>` and their text only in original_message (seen).
    text: str(m.original_message) ?? htmlToText(str(m.message)),
    type: str(m.type),
    attachment_count: attachmentsOf(m).length,
    ad_id: kind === 'ad_click' ? adIdOf(m, conversation, pageId) : null,
    has_phone: bool(m.has_phone),
    is_hidden: bool(m.is_hidden),
    is_removed: bool(m.is_removed),
    raw: m,
  };
}

function htmlToText(html: string | null): string | null {
  if (html === null) return null;
  return html
    .replace(/<br\s*[^>]*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
