import type { PancakeMessage } from '../../pancake/types.js';
import { int, str } from '../coercions.js';
import type { RowOf } from '../../warehouse/tables/declare.js';
import { messageAttachments } from '../../warehouse/tables/inbox.js';

// Every attachment of a message as a typed row. Attachments seen: photo, video, reaction,
// replied_message, template, address, ad_click, and files that carry no `type` at all, only
// `file_url`, `mime_type` and `size` (docs/pancake-api.md). A video's playable link is
// `video_data.url`; its `url` is a thumbnail. Links on the platform's CDN stop working after about
// two days: the row says where the media was, not that it is still there.

export type MessageAttachmentRow = RowOf<typeof messageAttachments>;

const record = (value: unknown): Record<string, unknown> | null => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null);

/** The attachment's type, or `file` for one that has none but carries a file's fields. */
export function attachmentType(a: Record<string, unknown>): string | null {
  return str(a.type) ?? (a.file_url !== undefined || a.mime_type !== undefined ? 'file' : null);
}

/** One row per attachment object, numbered from 1 in the message's order. */
export function mapMessageAttachments(m: PancakeMessage, pageId: string, conversationId: string): MessageAttachmentRow[] {
  if (!Array.isArray(m.attachments)) return [];
  const rows: MessageAttachmentRow[] = [];
  m.attachments.forEach((value, i) => {
    const a = record(value);
    if (!a) return;
    const playable = str(record(a.video_data)?.url);
    const size = int(a.size);
    rows.push({
      page_id: pageId,
      message_id: String(m.id),
      position: i + 1,
      conversation_id: conversationId,
      type: attachmentType(a),
      url: playable ?? str(a.url) ?? str(a.file_url),
      thumbnail_url: playable !== null ? str(a.url) : null,
      mime_type: str(a.mime_type),
      size: size === null ? null : String(size),
      name: str(a.name) ?? str(a.file_name),
      raw: a,
    });
  });
  return rows;
}
