// The inbox as the API sends it: pages, conversations and their messages (docs/pancake-api.md).
// Fields marked optional are ones the reference says may be missing; every record also carries
// fields we do not model, which is why streams keep the whole object in `raw`.

import type { ApiParticipant, ApiSuccess, ApiTag, ApiTimestamp } from './common.js';

export interface PancakePage {
  id: string;
  name: string;
  platform?: string;
  /** Hours from UTC, e.g. 7 for Vietnam. */
  timezone?: number | null;
  inserted_at?: ApiTimestamp;
  is_activated?: boolean;
  active_user_ids?: string[];
  settings?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface ListPagesResponse extends ApiSuccess {
  categorized?: {
    activated?: PancakePage[];
    activated_page_ids?: string[];
    hidden?: PancakePage[];
    inactivated?: PancakePage[];
    nopermission?: PancakePage[];
  };
  /** Legacy / OpenAPI shape; `categorized.activated` is preferred. */
  pages?: PancakePage[];
}

/** The lists of the page list: where a page's subscription and the user's rights put it. */
export type PageListStatus = 'activated' | 'inactivated' | 'hidden' | 'nopermission';

/** The page list, list by list (a page in none of them is deleted in Pancake). */
export type CategorizedPages = Record<PageListStatus, PancakePage[]>;

export interface GeneratePageTokenResponse extends ApiSuccess {
  page_access_token: string;
}

export type ConversationType = 'INBOX' | 'COMMENT' | 'LIVESTREAM' | (string & {});

export interface PancakeConversation {
  id: string;
  page_id: string;
  type?: ConversationType;
  inserted_at: ApiTimestamp;
  /**
   * Missing from the official WhatsApp example (with message_count, seen and snippet): the sync and
   * doctor read it as optional; typed as present for the simulator, which always knows it.
   */
  updated_at: ApiTimestamp;
  customer_id?: string | null;
  customers?: ApiParticipant[];
  page_customer?: { id: string; customer_id?: string; psid?: string; name?: string; gender?: string | null; [field: string]: unknown } | null;
  from?: ApiParticipant | null;
  message_count?: number;
  snippet?: string | null;
  seen?: boolean;
  has_phone?: boolean;
  post_id?: string | null;
  /** Tag objects; the real API may put `null` entries in this list. */
  tags?: Array<ApiTag | null>;
  tag_histories?: unknown[];
  assignee_ids?: string[];
  current_assign_users?: unknown[];
  assignee_histories?: unknown[];
  last_sent_by?: ApiParticipant | null;
  /** Objects here (seen); the sync also accepts strings, as the messages answer sends them. */
  recent_phone_numbers?: Array<{ phone_number: string; m_id?: string; [field: string]: unknown }>;
  ads?: unknown[];
  ad_ids?: string[];
  [field: string]: unknown;
}

export interface ListConversationsResponse extends ApiSuccess {
  conversations: PancakeConversation[];
}

export interface PancakeMessage {
  id: string;
  conversation_id: string;
  page_id: string;
  from?: ApiParticipant | null;
  /** HTML. */
  message?: string | null;
  /** Plain text: what analysts want. */
  original_message?: string | null;
  type?: string;
  inserted_at: ApiTimestamp;
  attachments?: unknown[];
  is_hidden?: boolean;
  is_removed?: boolean;
  has_phone?: boolean;
  seen?: boolean;
  [field: string]: unknown;
}

export interface ListMessagesResponse extends ApiSuccess {
  conversation_id?: string;
  messages: PancakeMessage[];
  customers?: unknown[];
  activities?: unknown[];
  recent_phone_numbers?: unknown[];
  read_watermarks?: unknown[];
  [field: string]: unknown;
}

export type ConversationOrder = 'inserted_at' | 'updated_at';
