// What every answer of the Pancake API shares: zone-less timestamps, the success flag, tags and
// the participants of a conversation (docs/pancake-api.md).

/** A zone-less ISO-8601 string such as "2026-03-31T14:00:18.127647" (UTC). */
export type ApiTimestamp = string;

export interface ApiSuccess {
  success?: boolean;
  message?: string;
}

export interface ApiTag {
  id: number | string;
  text: string;
  color?: string | null;
  lighten_color?: string | null;
  is_lead_event?: boolean;
  description?: string | null;
  [field: string]: unknown;
}

export interface ApiParticipant {
  id: string;
  name?: string | null;
  email?: string | null;
  fb_id?: string | null;
  admin_name?: string | null;
  uid?: string | null;
  /** An AI reply sent under a staff account (seen). */
  ai_generated?: boolean;
  /** An automated reply sent under a staff account (seen). */
  is_automated?: boolean;
  [field: string]: unknown;
}
