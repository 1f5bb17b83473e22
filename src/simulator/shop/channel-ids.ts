// Ids of channels other than Facebook, in the forms Pancake's official WhatsApp example shows: the
// page `wa_c.us@84…`, a customer `wa_c.us@62…` (its fb_id), and the conversation
// `wa_84…@c.us_62…@c.us` (page number and customer number, each `@c.us`). One account's number
// comes in several forms, so the page's own automatic notices carry `84…@c.us`, not the page id:
// a client that compares `from.id` with the page id alone takes them for the customer's.

import type { PancakeMessage } from '../../pancake/types.js';
import type { Random } from './random.js';

/** Index of the WhatsApp page, when a data set has that many pages (the web chat is index 1). */
export const WHATSAPP_PAGE_INDEX = 2;

const WHATSAPP_PAGE = /^wa_c\.us@(\d+)$/;

export function whatsappPageId(rng: Random): string {
  return `wa_c.us@84${rng.digits(9)}`;
}

/** Every id the page's own items may carry in `from.id`. */
export function pageAliases(pageId: string): string[] {
  const number = WHATSAPP_PAGE.exec(pageId)?.[1];
  return number ? [pageId, `${number}@c.us`] : [pageId];
}

/** Whether an item's `from` is the page, in any form of its id. */
export function isFromPage(message: PancakeMessage, pageId: string): boolean {
  return message.from?.id === pageId || pageAliases(pageId).includes(String(message.from?.id));
}

/** The id the page's automatic notices carry: another form of the page id on WhatsApp. */
export function noticeFromId(pageId: string): string {
  return pageAliases(pageId).at(-1)!;
}

export interface CustomerIds {
  psid: string;
  fbId: string;
  conversationId: string;
}

/** A WhatsApp customer of `pageId` (a `wa_c.us@…` page): its ids in the official example's forms. */
export function whatsappCustomer(pageId: string, rng: Random): CustomerIds {
  const page = WHATSAPP_PAGE.exec(pageId)?.[1] ?? pageId;
  const customer = `62${rng.digits(10)}`;
  return { psid: `${customer}@c.us`, fbId: `wa_c.us@${customer}`, conversationId: `wa_${page}@c.us_${customer}@c.us` };
}
