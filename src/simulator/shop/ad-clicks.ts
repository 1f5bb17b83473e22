// Ad clicks: a customer opening the thread from one of the page's ads. The click shows up in three
// places that must agree (test/fixtures/real-samples/README.md, section 1): an `ad-…` item in the
// messages (outside message_count), an entry in the conversation's `ads[]`/`ad_ids[]`, and the
// messages answer's `ad_clicks` (keyed by the customer's Pancake id) and `activities`.

import type { PancakeConversation, PancakeMessage } from '../../pancake/types.js';
import { adCopy } from './page-texts.js';
import type { Random } from './random.js';
import type { SimAd } from '../statistics/ads.js';
import { hourIndex } from '../statistics/state.js';
import { formatApiTime } from './time.js';

export interface AdClickEntry {
  ad_id: string;
  /** Whole seconds, no fraction, like every ads[] time. */
  inserted_at: string;
  post_id: string | null;
  [field: string]: unknown;
}

/** An ad delivering at `ms`; when none does (a click far outside the simulated ads), the nearest one. */
export function adAt(ads: readonly SimAd[], rng: Random, ms: number): SimAd | null {
  const hour = hourIndex(ms);
  const running = ads.filter((ad) => hour >= ad.startHour && hour < ad.endHour);
  if (running.length > 0) return rng.pick(running);
  const distance = (ad: SimAd) => (hour < ad.startHour ? ad.startHour - hour : hour - ad.endHour);
  return [...ads].sort((a, b) => distance(a) - distance(b))[0] ?? null;
}

/** `ad-` + psid + ad id + the click's UTC day as unix seconds ÷ 100, printed as a float ("17749152.0"). */
export function adClickId(psid: string, adId: string, ms: number): string {
  const day = Math.floor(ms / 86_400_000) * 86_400;
  return `ad-${psid}${adId}${day / 100}.0`;
}

const barePost = (postId: string) => postId.slice(postId.lastIndexOf('_') + 1);

/** The item in the messages: empty text, one `ad_click` attachment whose keys vary (and lack ad_id once in a while). */
export function adClickMessage(conversation: PancakeConversation, psid: string, ad: SimAd, ms: number, rng: Random, pageName: string): PancakeMessage {
  const url = `https://www.facebook.com/${barePost(ad.post_id)}`;
  const copy = adCopy(rng, ad.name);
  const media = `https://content.pancake.vn/2/s720x720/fwebp/${rng.alnum(24).toLowerCase()}.jpg`;
  const postAttachments = [{ description: copy, image_data: { height: 720, width: 720 }, type: ad.media === 'video' ? 'video_direct_response' : 'photo', url: media }];
  const variant = rng.next();
  const attachment =
    variant < 0.5 ? { ad_id: ad.ad_id, click_from: 'facebook', post_attachments: postAttachments, type: 'ad_click', url }
    : variant < 0.8 ? { ad_click_photo_url: media, ad_id: ad.ad_id, name: copy, post_attachments: postAttachments, type: 'ad_click', url }
    : { ad_click_photo_url: null, name: copy, post_attachments: postAttachments, type: 'ad_click', url };
  return {
    id: adClickId(psid, ad.ad_id, ms),
    conversation_id: conversation.id,
    page_id: conversation.page_id,
    from: { id: conversation.page_id, name: pageName },
    message: '<div></div>',
    original_message: '',
    type: 'INBOX',
    // Whole seconds, like the click time in ads[] and ad_clicks.
    inserted_at: formatApiTime(Math.floor(ms / 1000) * 1000, 6),
    attachments: [attachment],
    is_hidden: false,
    is_removed: false,
    has_phone: false,
    seen: false,
  };
}

/** Records the click in the conversation's ads[] and ad_ids[] (oldest first), once per click. */
export function recordClick(conversation: PancakeConversation, ad: SimAd, ms: number, rng: Random): void {
  const entry: AdClickEntry = { ad_id: ad.ad_id, inserted_at: formatApiTime(Math.floor(ms / 1000) * 1000, 0), post_id: rng.chance(0.02) ? null : ad.post_id };
  conversation.ads = [...(conversation.ads ?? []), entry];
  conversation.ad_ids = [...(conversation.ad_ids ?? []), ad.ad_id];
}

/** The messages answer's `ad_clicks`: the customer's clicks under their Pancake id, or null. */
export function adClicksAnswer(conversation: PancakeConversation): Record<string, AdClickEntry[] | null> {
  const customerId = String(conversation.page_customer?.id ?? conversation.customers?.[0]?.id ?? '');
  const clicks = (conversation.ads ?? []) as AdClickEntry[];
  return { [customerId]: clicks.length > 0 ? clicks.map((c) => ({ ...c })) : null };
}

/** The messages answer's `activities`: the thread's opening by an ad, that is the oldest click. */
export function openThreadActivity(conversation: PancakeConversation, ads: readonly SimAd[]): unknown[] {
  const first = ((conversation.ads ?? []) as AdClickEntry[])[0];
  if (!first) return [];
  const ad = ads.find((a) => a.ad_id === first.ad_id);
  const media = `https://content.pancake.vn/2/s720x720/fwebp/${first.ad_id}.jpg`;
  const context = { ad_title: ad?.name ?? null, ...(ad?.media === 'video' ? { video_url: media } : { photo_url: media }), post_id: ad ? barePost(ad.post_id) : null };
  return [{ ad_id: first.ad_id, ads_context_data: context, inserted_at: first.inserted_at, source: 'ADS', type: 'OPEN_THREAD' }];
}
