// One item of a conversation from its planned step, in the shapes of the real answers
// (test/fixtures/real-samples/README.md): customers (texts, photos, phone numbers, bot postbacks,
// quotes), employees (texts with \r\n, photo-only messages, template cards without uid, reactions),
// the bot (button templates whose HTML is empty and whose text is only in original_message), the
// page's automatic notices (no admin_name) and ad clicks.

import { createHash } from 'node:crypto';
import type { PancakeConversation, PancakeMessage } from '../../pancake/types.js';
import { adAt, adClickMessage, recordClick } from './ad-clicks.js';
import { BOTCAKE_APP_ID, LEAD_STAGE_NOTICE, awayMessage, botClosing, botSecondMenu, botWelcome, cardTitle, greeting, welcomeReplyNotice, type BotMenu } from './page-texts.js';
import type { Random } from './random.js';
import type { PageContext } from './pages.js';
import type { Step } from './conversation-script.js';
import { isFromPage, noticeFromId } from './channel-ids.js';
import { customerLine, customerPhoneLine, pageLine, phoneNumber, phonesIn, toHtml } from './text.js';
import { formatApiTime } from './time.js';

export interface Thread {
  ctx: PageContext;
  conversation: PancakeConversation;
  rng: Random;
  /** The items before this one, oldest first: replies quote them, ad clicks must not repeat an id. */
  history: readonly PancakeMessage[];
}

/** The id of a thread's next item (exported for its regression test). */
export function messageId(thread: Pick<Thread, 'conversation' | 'rng' | 'history'>): string {
  const { conversation, rng } = thread;
  // A comment thread's items are comments: `<post>_<comment>`, the first one being the thread itself.
  if (conversation.type === 'COMMENT') return thread.history.length === 0 ? conversation.id : `${conversation.id.split('_')[0]}_${rng.digits(15)}`;
  // Unique by construction: two conversations' random streams can run into the same state.
  return `m_${rng.alnum(24)}${createHash('sha1').update(conversation.id).digest('hex').slice(0, 16)}`;
}

function photo(rng: Random): Record<string, unknown> {
  return { type: 'photo', url: `https://content.pancake.vn/1/s960x960/fwebp/${rng.alnum(24).toLowerCase()}.jpg`, image_data: { width: 960, height: 960 } };
}

/** A quote of an earlier item with text from the other side, carrying that item's own `from`. */
function quote(thread: Thread, fromPage: boolean): Record<string, unknown> | null {
  const pageId = thread.conversation.page_id;
  const candidates = thread.history.filter((m) => isFromPage(m, pageId) === fromPage && m.original_message && !m.id.startsWith('ad-'));
  const quoted = candidates.length > 0 ? thread.rng.pick(candidates.slice(-5)) : null;
  return quoted ? { attachments: [], from: { ...quoted.from }, id: quoted.id, message: quoted.original_message, type: 'replied_message' } : null;
}

const REACTION = { emoji: '❤', reaction: 'other', type: 'reaction' } as const;

interface Content {
  text: string;
  html?: string;
  attachments: unknown[];
}

function customerContent(thread: Thread, postback: string | undefined): Content {
  const { rng } = thread;
  if (postback) return { text: postback, attachments: [] };
  if (rng.chance(0.03)) return { text: '', attachments: [photo(rng)] };
  const text = rng.chance(0.03) ? customerPhoneLine(phoneNumber(rng), rng) : customerLine(rng);
  const replied = rng.chance(0.04) ? quote(thread, true) : null;
  return { text, attachments: [...(replied ? [replied] : []), ...(rng.chance(0.05) ? [{ ...REACTION }] : [])] };
}

function employeeContent(thread: Thread, card: boolean): Content {
  const { rng } = thread;
  if (card) {
    const title = cardTitle(rng);
    const element = { default_action: { type: 'web_url', url: 'https://maps.app.goo.gl/shop' }, image_url: `https://content.pancake.vn/1/${rng.alnum(20).toLowerCase()}.png`, subtitle: `${title} của shop`, title };
    return { text: '', attachments: [{ payload: { elements: [element], sharable: false, template_type: 'generic' }, title, type: 'template' }] };
  }
  if (rng.chance(0.1)) return { text: '', attachments: Array.from({ length: rng.int(1, 2) }, () => photo(rng)) };
  // Employees type in the Pancake app, which sends Windows line ends.
  const text = pageLine(rng).replace(/\n/g, '\r\n');
  const replied = rng.chance(0.03) ? quote(thread, false) : null;
  return { text, attachments: [...(replied ? [replied] : []), ...(rng.chance(0.07) ? [{ ...REACTION }] : [])] };
}

function botButtons(thread: Thread, menu: BotMenu): Content {
  const { rng, ctx } = thread;
  const ck = rng.alnum(16).toLowerCase();
  const buttons = menu.buttons.map((title) => ({
    // The payload is a JSON string, with the flow id inside as a number.
    payload: JSON.stringify({ bk: rng.alnum(10).toLowerCase(), btk: rng.alnum(16).toLowerCase(), btnt: 'blocks', ck, flid: ctx.flowId, id: 'BotcakeAI.Payload', tp: 'welcome' }),
    title,
    type: 'postback',
  }));
  const title = toHtml(menu.text).slice(5, -6);
  return { text: menu.text, html: '<div></div>', attachments: [{ payload: { buttons, template_type: 'button', text: menu.text }, title, type: 'template' }] };
}

/**
 * The item for `step` at `ms`; null when it cannot be made (an ad click whose id the thread already
 * has). An employee's typed message gets milliseconds unless `exact` (a live change at a given time).
 */
export function buildMessage(thread: Thread, step: Step, ms: number, exact = false): PancakeMessage | null {
  const { ctx, conversation, rng } = thread;
  const page = ctx.page;
  const person = conversation.from?.name ?? '';
  const psid = String(conversation.page_customer?.psid ?? conversation.from?.id ?? '');
  const pageFrom = { ai_generated: false, email: `${page.id}@facebook.com`, id: page.id, name: page.name };
  if (step.kind === 'ad_click') {
    const ad = adAt(ctx.ads, rng, ms);
    if (!ad) return null;
    const item = adClickMessage(conversation, psid, ad, ms, rng, page.name);
    if (thread.history.some((m) => m.id === item.id)) return null;
    recordClick(conversation, ad, ms, rng);
    return item;
  }
  let content: Content;
  let from: Record<string, unknown>;
  let seen = true;
  let at = ms;
  switch (step.kind) {
    case 'customer':
      content = customerContent(thread, step.postback);
      from = { ...conversation.from };
      if (conversation.type === 'INBOX' && ctx.facebook) from = { ai_generated: false, ...from };
      break;
    case 'employee': {
      const employee = rng.pick(ctx.employees);
      const card = ctx.facebook && rng.chance(0.02);
      content = employeeContent(thread, card);
      // Template cards come with uid null and a whole second; typed messages carry milliseconds.
      from = card ? { admin_name: employee.name, ...pageFrom, uid: null } : { admin_name: employee.name, id: page.id, name: page.name, uid: employee.id };
      if (!card && !exact) at = ms + rng.int(1, 999);
      break;
    }
    case 'bot': {
      const menu = step.bot === 'welcome' ? botWelcome(person, page.name) : step.bot === 'second' ? botSecondMenu(step.choice ?? '') : null;
      content = menu ? botButtons(thread, menu) : { text: botClosing(person), attachments: [] };
      from = { admin_id: page.id, admin_name: 'Botcake', ...(step.bot === 'welcome' ? { ai_generated: false, email: pageFrom.email } : {}), app_id: BOTCAKE_APP_ID, flow_id: ctx.flowId, id: page.id, name: page.name };
      seen = false;
      break;
    }
    case 'notice': {
      const text =
        step.notice === 'welcome_reply' ? welcomeReplyNotice(person)
        : step.notice === 'greeting' ? greeting(rng, person, page.name)
        : step.notice === 'away' ? awayMessage(page.name, ctx.hotline)
        : LEAD_STAGE_NOTICE;
      content = { text, attachments: [] };
      // On WhatsApp the page's notices carry another form of its id (channel-ids.ts).
      from = page.platform === 'whatsapp' ? { id: noticeFromId(page.id), name: page.name } : pageFrom;
      break;
    }
  }
  return {
    id: messageId(thread),
    conversation_id: conversation.id,
    page_id: page.id,
    from: from as PancakeMessage['from'],
    message: content.html ?? toHtml(content.text),
    original_message: content.text,
    type: conversation.type === 'COMMENT' ? 'COMMENT' : 'INBOX',
    inserted_at: formatApiTime(at, 6),
    attachments: content.attachments,
    is_hidden: false,
    is_removed: false,
    has_phone: step.kind === 'customer' && phonesIn(content.text).length > 0,
    seen,
  };
}
