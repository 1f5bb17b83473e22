// One conversation before its messages (identity, customer, tags, assignees), shared by the initial
// data set and the live changes. The messages come from conversation-script.ts and messages.ts;
// conversation-summary.ts derives what the API shows from them.

import type { ApiTag, PancakeConversation } from '../../pancake/types.js';
import { whatsappCustomer } from './channel-ids.js';
import type { PageContext } from './pages.js';
import type { Random } from './random.js';
import { personName } from './text.js';
import { formatField } from './time.js';

export type ConversationType = 'INBOX' | 'COMMENT' | 'RATING';

/** What the API shows for a conversation without messages, tags or assignees yet. */
export function emptyConversationState(): Pick<
  PancakeConversation,
  'message_count' | 'snippet' | 'seen' | 'has_phone' | 'tags' | 'tag_histories' | 'assignee_ids' | 'current_assign_users' | 'assignee_histories' | 'last_sent_by' | 'recent_phone_numbers' | 'ads' | 'ad_ids'
> {
  return {
    message_count: 0,
    snippet: null,
    seen: true,
    has_phone: false,
    tags: [],
    tag_histories: [],
    assignee_ids: [],
    current_assign_users: [],
    assignee_histories: [],
    last_sent_by: null,
    recent_phone_numbers: [],
    ads: [],
    ad_ids: [],
  };
}

/**
 * A conversation without messages yet: identity, customer and the page-side state (tags,
 * assignees). Ids as the API forms them: inbox `<page_id>_<psid>`; a comment thread
 * `<post>_<comment>` (not starting with the page id) on the post `<page_id>_<post>`; a review
 * `<page_id>_<review>`, which is its post id too. Comment and review threads have no ads keys.
 */
export function newConversation(ctx: PageContext, rng: Random, type: ConversationType, atMs: number): PancakeConversation {
  const pageId = ctx.page.id;
  const person = personName(rng);
  const whatsapp = ctx.page.platform === 'whatsapp' ? whatsappCustomer(pageId, rng) : null;
  const psid = whatsapp?.psid ?? rng.digits(rng.chance(0.5) ? 16 : 17);
  const fbId = whatsapp?.fbId ?? psid;
  const customerId = rng.uuid();
  const pageCustomerId = rng.uuid();
  const post = rng.digits(16);
  const id = type === 'COMMENT' ? `${post}_${rng.digits(15)}` : type === 'RATING' ? `${pageId}_${post}` : (whatsapp?.conversationId ?? `${pageId}_${psid}`);
  const at = formatField(id, 'inserted_at', atMs);
  const inbox = type === 'INBOX';
  const conversation: PancakeConversation = {
    id,
    page_id: pageId,
    type,
    inserted_at: at,
    updated_at: at,
    customer_id: customerId,
    customers: [{ fb_id: fbId, id: pageCustomerId, name: person.name }],
    page_customer: { id: pageCustomerId, customer_id: customerId, psid, name: person.name, gender: person.gender },
    // Facebook inbox senders have a pseudo e-mail; comments, reviews and other channels do not.
    from: inbox && ctx.facebook ? { id: psid, name: person.name, email: `${psid}@facebook.com` } : { id: fbId, name: person.name },
    post_id: type === 'COMMENT' ? `${pageId}_${post}` : type === 'RATING' ? id : null,
    assignee_group_id: null,
    ...emptyConversationState(),
  };
  if (!inbox) {
    delete conversation.ads;
    delete conversation.ad_ids;
  }
  assignTagsAndAssignees(ctx, rng, conversation);
  return conversation;
}

/**
 * Re-tags and re-assigns, as employees do all day. At the real rates: a `null` first in `tags` in
 * about 62 % of conversations (a tag that was deleted), one in 60 just `[null]`, 1 in 20 untagged.
 */
export function assignTagsAndAssignees(ctx: PageContext, rng: Random, conversation: PancakeConversation): void {
  const draw = rng.next();
  let tags: Array<ApiTag | null>;
  if (draw < 0.05) tags = [];
  else if (draw < 0.067) tags = [null];
  else {
    tags = rng.sample(ctx.tags, rng.int(1, 3)).map((tag) => ({ ...tag }));
    if (rng.chance(0.65)) tags.unshift(null);
  }
  const assignees = rng.sample(ctx.employees, rng.int(0, 2));
  conversation.tags = tags;
  conversation.assignee_ids = assignees.map((e) => e.id);
  conversation.current_assign_users = assignees.map((e) => ({ id: e.id, name: e.name, fb_id: e.fb_id }));
}
