// A busy shop's data (DataOptions.shape 'busy'): the conversations the default generator makes,
// dressed as the real answers are (test/fixtures/real-samples/README.md), so that what a sync costs
// per request and per row is measured on records of the real size. The default shop's items carry
// 13 keys, short stock phrases and 42-character ids (about 600 bytes each); real items carry 32 keys,
// 88-character ids and texts of every length up to several hundred characters (about 1,200 bytes).
//
// What changes, conversation by conversation, from a seeded stream of its own:
//  - typed texts (customers' and employees', not the bot's or the page's automatic ones) get the real
//    length distribution of `original_message`, Vietnamese with emoji, some with links; a quarter of
//    the customers' texts come with decomposed accents (NFD: "ễ" as "e" + two combining marks), as
//    some phone keyboards send them. A phone number a text held is kept, so the shop's phone
//    numbers (conversations, customers) stay the same;
//  - ids become 88 characters, photos' URLs 64, quotes follow their quoted item;
//  - every item gets the keys real items have, in the API's own order (the one capture that was not
//    re-encoded shows it), with `phone_info` and `message_tags` filled as the real ones are;
//  - the conversation's derived fields (snippet, last sender, phone captures) are recomputed.
// Message counts come from DataOptions.messagesPerConversation (1–48 by default for this shape: many
// short threads, a long tail of long ones). Everything else (times, senders, ad clicks, customers,
// statistics) is the default generator's.

import type { PancakeConversation, PancakeMessage } from '../../pancake/types.js';
import { summarize } from './conversation-summary.js';
import type { SimulatorData } from './model.js';
import { BOT_SECOND_BUTTONS, BOT_START, BOT_WELCOME_BUTTONS } from './page-texts.js';
import { Random, hashSeed } from './random.js';
import { senderKindOf } from './sender-kinds.js';
import { phonesIn, toHtml } from './text.js';
import { parseApiTime } from './time.js';

/** Counted messages of a busy shop's inbox thread unless the options say otherwise. */
export const BUSY_MESSAGES_PER_CONVERSATION = { min: 1, max: 48 } as const;

/** Lengths (characters) of the real non-empty `original_message`s at every 5th percentile, then the longest. */
const REAL_TEXT_LENGTHS = [2, 7, 10, 13, 16, 19, 21, 26, 31, 35, 39, 43, 53, 57, 67, 69, 90, 102, 126, 136, 153, 200, 260, 450, 710];

const WORDS = (
  'dạ vâng ạ shop ơi chị em anh nhé nha giá bao nhiêu còn hàng không size màu đen trắng đỏ hồng xanh be kem ' +
  'áo váy quần giày túi son kem dưỡng da mặt mụn nám sữa rửa mặt toner serum tinh chất chống nắng ship giao hàng ' +
  'tận nơi thanh toán chuyển khoản tiền mặt đơn hàng mã vận đơn đổi trả bảo hành chính hãng nhập khẩu Hàn Quốc ' +
  'Nhật Bản freeship toàn quốc nội thành ngoại thành hôm nay ngày mai tuần sau khuyến mãi giảm giá combo tặng kèm ' +
  'quà liệu trình buổi spa đặt lịch tư vấn miễn phí địa chỉ số điện thoại phường quận huyện tỉnh thành phố Hồ Chí Minh ' +
  'Hà Nội Đà Nẵng Cần Thơ nhận được rồi cảm ơn nhiều lắm đẹp quá xinh thật sự hài lòng lần sau ủng hộ tiếp'
).split(' ');

const EMOJI = ['😊', '❤️', '🥰', '😍', '👍', '🙏', '😢', '😅', '🎁', '🚚', '✨', '💯', '🔥', '👉', '🏠', '📞'];

/** What a customer taps in the bot's menus: postbacks, not typed texts. */
const POSTBACKS = new Set([BOT_START, ...BOT_WELCOME_BUTTONS, ...BOT_SECOND_BUTTONS]);

/** The keys of a real message item, in the order the API sends them. */
const ITEM_KEYS = [
  'id', 'message', 'type', 'seen', 'show_info', 'from', 'inserted_at', 'page_id', 'conversation_id', 'attachments', 'has_phone', 'is_removed', 'rich_message',
  'edit_history', 'can_hide', 'comment_count', 'like_count', 'parent_id', 'is_hidden', 'message_tags', 'can_comment', 'can_like', 'can_remove',
  'can_reply_privately', 'is_livestream_order', 'is_parent', 'is_parent_hidden', 'phone_info', 'private_reply_conversation', 'removed_by', 'user_likes', 'original_message',
] as const;

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Dresses every conversation of `data` as a busy shop's (see the header). */
export function dressAsBusyShop(data: SimulatorData): void {
  // The generator's state is 32 bits: two conversations' draws can meet, so an id is drawn again
  // until it is new (a real id names one message).
  const used = new Set<string>();
  for (const conversations of data.conversations.values()) {
    for (const conversation of conversations) {
      const messages = data.messages.get(conversation.id);
      if (!messages || messages.length === 0) continue;
      dressConversation(conversation, messages, Random.of('busy-shop', data.seed, conversation.id), used);
    }
  }
}

function dressConversation(conversation: PancakeConversation, messages: PancakeMessage[], rng: Random, used: Set<string>): void {
  const pageId = conversation.page_id;
  const ids = new Map<string, string>();
  const texts = new Map<string, string>();
  for (let i = 0; i < messages.length; i++) {
    const item = messages[i]!;
    const kind = senderKindOf(item, pageId);
    let text = item.original_message ?? '';
    if ((kind === 'customer' || kind === 'employee') && text !== '' && !POSTBACKS.has(text)) {
      text = typedText(rng, phonesIn(text), kind === 'employee');
      if (kind === 'customer' && rng.chance(0.25)) text = text.normalize('NFD');
    }
    const id = item.id.startsWith('m_') ? drawMessageId(rng, used) : item.id;
    ids.set(item.id, id);
    texts.set(item.id, text);
    messages[i] = realItem(item, id, text, kind === 'customer', rng);
  }
  // Quotes name the quoted item by its id and carry its text.
  for (const item of messages) {
    for (const attachment of item.attachments as Array<Record<string, unknown>>) {
      if (attachment.type !== 'replied_message' || typeof attachment.id !== 'string') continue;
      attachment.message = texts.get(attachment.id) ?? attachment.message;
      attachment.id = ids.get(attachment.id) ?? attachment.id;
    }
  }
  // A WhatsApp page's bare conversation (channel-shape.ts) has no summary to keep in step: it stays bare.
  if (conversation.updated_at !== undefined) summarize(conversation, messages, parseApiTime(conversation.updated_at));
}

/** A typed text of a real length; `phones` are kept in it, employees write Windows line ends. */
function typedText(rng: Random, phones: readonly string[], employee: boolean): string {
  const at = rng.int(0, REAL_TEXT_LENGTHS.length - 2);
  const [low, high] = [REAL_TEXT_LENGTHS[at]!, REAL_TEXT_LENGTHS[at + 1]!];
  const length = rng.int(low, high);
  const parts: string[] = [];
  let size = 0;
  let sentence = 0;
  while (size < length) {
    let word = rng.pick(WORDS);
    if (sentence === 0) word = word[0]!.toUpperCase() + word.slice(1);
    parts.push(word);
    size += word.length + 1;
    sentence += 1;
    if (sentence > 4 && rng.chance(0.15)) {
      const end = rng.chance(0.3) ? ` ${rng.pick(EMOJI)}` : rng.pick(['.', '!', '?', ' ạ.']);
      parts[parts.length - 1] += end;
      if (size < length && rng.chance(employee ? 0.4 : 0.15)) parts[parts.length - 1] += employee ? '\r\n' : '\n';
      sentence = 0;
    }
  }
  let text = parts.join(' ').replace(/\n /g, '\n');
  if (length > 120 && rng.chance(0.15)) text += ` https://example.com/${idChars(rng, rng.int(1, 14)).toLowerCase().replace(/[-_]/g, 'x')}`;
  for (const phone of phones) text = rng.chance(0.5) ? `${phone} ${text}` : `${text} ${phone}`;
  return text;
}

function realItem(item: PancakeMessage, id: string, text: string, fromCustomer: boolean, rng: Random): PancakeMessage {
  const phones = fromCustomer ? phonesIn(text) : [];
  const links = [...text.matchAll(/https:\/\/\S+/g)].map((m) => ({ length: m[0].length, link: m[0], offset: m.index, type: 'link' }));
  const attachments = (item.attachments as Array<Record<string, unknown>>).map((a) =>
    a.type === 'photo' ? { image_data: a.image_data, type: 'photo', url: `https://content.pancake.vn/1/${idChars(rng, 64).toLowerCase().replace(/[-_]/g, '0')}.jpg` } : a,
  );
  const values: Record<string, unknown> = {
    ...item,
    id,
    message: text === (item.original_message ?? '') ? item.message : toHtml(text),
    original_message: text,
    attachments,
    has_phone: phones.length > 0,
    show_info: hashSeed(id, 'show') % 8 !== 0,
    rich_message: null,
    edit_history: null,
    can_hide: false,
    comment_count: null,
    like_count: null,
    parent_id: null,
    message_tags: links,
    can_comment: false,
    can_like: false,
    can_remove: false,
    can_reply_privately: false,
    is_livestream_order: null,
    is_parent: false,
    is_parent_hidden: false,
    phone_info: phones.map((phone) => ({ captured: phone, length: phone.length, m_id: id, offset: text.indexOf(phone), phone_number: phone, status: hashSeed(id, phone) % 4 })),
    private_reply_conversation: null,
    removed_by: null,
    user_likes: false,
  };
  const ordered: Record<string, unknown> = {};
  for (const key of ITEM_KEYS) ordered[key] = values[key];
  for (const key of Object.keys(values)) if (!(key in ordered)) ordered[key] = values[key];
  return ordered as PancakeMessage;
}

/**
 * A real-looking message id that is not in `used` yet (and is added to it): drawn again while taken,
 * since two conversations' generators can reach the same state and draw the same ids.
 */
export function drawMessageId(rng: Random, used: Set<string>): string {
  let id: string;
  do id = `m_${idChars(rng, 86)}`;
  while (used.has(id));
  used.add(id);
  return id;
}

function idChars(rng: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ID_CHARS[rng.int(0, ID_CHARS.length - 1)];
  return out;
}

