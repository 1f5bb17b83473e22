// What the API derives from a conversation's items, recomputed after every change so the invariants
// hold however the data changed: updated_at is the newest item's time (or a later re-tag),
// message_count counts every item but ad clicks (the API leaves those out), snippet and last_sent_by
// follow the newest counted item, and the phone numbers customers typed are listed newest first.

import { activityTime } from './channel-shape.js';
import { isFromPage } from './channel-ids.js';
import type { PancakeConversation, PancakeMessage } from '../../pancake/types.js';
import { hashSeed } from './random.js';
import { isAdClickItem, senderKindOf } from './sender-kinds.js';
import { phonesIn } from './text.js';
import { formatField, parseApiTime } from './time.js';

/** Snippets are cut to 61 characters (markers included, "[Botcake] " excepted), then "..." follows. */
const SNIPPET_LENGTH = 61;

/** The snippet the conversation list shows for its newest counted item. */
export function snippetOf(message: PancakeMessage, pageId: string): string {
  const attachments = Array.isArray(message.attachments) ? (message.attachments as Array<{ type?: string }>) : [];
  const media = attachments.some((a) => a.type !== 'reaction' && a.type !== 'replied_message');
  const text = `${media ? '[Attachment] ' : ''}${message.original_message ?? ''}`;
  const cut = Array.from(text).length > SNIPPET_LENGTH ? `${Array.from(text).slice(0, SNIPPET_LENGTH).join('')}...` : text;
  return senderKindOf(message, pageId) === 'bot' ? `[Botcake] ${cut}` : cut;
}

/** A review's snippet: the only text a review thread has (it has no messages). */
export function reviewSnippet(text: string): string {
  const full = `[Review 👍] ${text}`;
  return Array.from(full).length > SNIPPET_LENGTH ? `${Array.from(full).slice(0, SNIPPET_LENGTH).join('')}...` : full;
}

/** Phone numbers customers typed, newest first, once each, as the conversation list describes them. */
export function phoneCaptures(conversation: PancakeConversation, messages: readonly PancakeMessage[]): Array<Record<string, unknown> & { phone_number: string }> {
  const out: Array<Record<string, unknown> & { phone_number: string }> = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (senderKindOf(m, conversation.page_id) !== 'customer') continue;
    const text = m.original_message ?? '';
    for (const phone of phonesIn(text)) {
      if (out.some((p) => p.phone_number === phone)) continue;
      // m_content (the message text) is there for about half of them in real answers.
      const content = text.length <= 40 ? { m_content: text } : {};
      out.push({ captured: phone, length: phone.length, ...content, m_id: m.id, offset: text.indexOf(phone), phone_number: phone, status: hashSeed(m.id, phone) % 4 });
    }
  }
  return out;
}

/**
 * Recomputes what the API derives from the items; `updatedMs` may be later than the newest item (a
 * re-tag). A thread without items (a review) only moves its updated_at, and only forwards.
 */
export function summarize(conversation: PancakeConversation, messages: readonly PancakeMessage[], updatedMs?: number): void {
  const newest = messages[messages.length - 1];
  const newestMs = newest ? parseApiTime(newest.inserted_at) : parseApiTime(activityTime(conversation));
  if (newest || updatedMs !== undefined) conversation.updated_at = formatField(conversation.id, 'updated_at', Math.max(updatedMs ?? newestMs, newestMs));
  if (!newest) return;
  const counted = messages.filter((m) => !isAdClickItem(m));
  conversation.message_count = counted.length;
  const last = counted[counted.length - 1];
  if (last) {
    conversation.snippet = snippetOf(last, conversation.page_id);
    const kind = senderKindOf(last, conversation.page_id);
    // The list shows the bot as the bare page, everyone else as their message's sender.
    conversation.last_sent_by = kind === 'bot' ? { id: conversation.page_id, name: last.from?.name ?? null } : { ...(last.from ?? { id: '' }) };
  }
  const phones = phoneCaptures(conversation, counted);
  conversation.recent_phone_numbers = phones;
  conversation.has_phone = phones.length > 0;
  // Read state: the page wrote last, or every customer item was read (bots and ad clicks say seen:false
  // about themselves, which is not the page's read state).
  conversation.seen = (last !== undefined && isFromPage(last, conversation.page_id)) || counted.every((m) => senderKindOf(m, conversation.page_id) !== 'customer' || m.seen !== false);
}
