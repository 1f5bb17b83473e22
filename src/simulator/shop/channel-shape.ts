// What a conversation of another channel leaves out, as Pancake's official WhatsApp example does:
// no `assignee_ids` (the assignees are only in `assignee_histories`), and for one conversation no
// `updated_at`, `message_count`, `seen` or `snippet` either. A client must store such a
// conversation, not reject it. The simulator keeps serving exactly what it holds, so these keys
// are removed from the held conversation itself; its place in an `updated_at` listing falls back to
// its `inserted_at` (conversation-listing.ts).

import type { PancakeConversation } from '../../pancake/types.js';

/** Applied whenever a WhatsApp conversation is made or changed; `bare` for the page's first one. */
export function applyChannelShape(conversation: PancakeConversation, platform: string | undefined, bare: boolean): void {
  if (platform !== 'whatsapp') return;
  delete conversation.assignee_ids;
  delete conversation.current_assign_users;
  if (!bare) return;
  const optional = conversation as Partial<PancakeConversation>;
  delete optional.updated_at;
  delete optional.message_count;
  delete optional.seen;
  delete optional.snippet;
}

/** The instant a conversation stands at in an `updated_at` listing: its updated_at, else its inserted_at. */
export function activityTime(conversation: PancakeConversation): string {
  return (conversation.updated_at as string | undefined) ?? conversation.inserted_at;
}
