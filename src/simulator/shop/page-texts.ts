// What a page says without an employee typing it: the chat bot's flow (Botcake), the page's
// automatic greeting and away message, the platform's notices, the ads' post copy and the reviews
// customers leave. Two notices are platform wording that the real answers carry verbatim, so they
// are reproduced exactly here; everything else is the simulated shop's own.

import type { Random } from './random.js';

/** Facebook's notice after a customer answers the page's welcome message (platform wording). */
export function welcomeReplyNotice(customerName: string): string {
  return `${customerName} đã trả lời tin nhắn chào mừng tự động của bạn. Để thay đổi hoặc gỡ lời chào này, hãy truy cập phần Cài đặt tin nhắn.`;
}

/** Facebook's notice when a lead is qualified (platform wording). */
export const LEAD_STAGE_NOTICE = 'Đã đặt giai đoạn của khách hàng tiềm năng thành Đủ tiêu chuẩn';

const GREETINGS = [
  (name: string, shop: string) => `Chào ${name} ! ${shop} cảm ơn bạn đã nhắn tin, bạn cần tư vấn sản phẩm nào ạ? Nhân viên sẽ trả lời ngay trong ít phút!`,
  (name: string, shop: string) => `Chào ${name} ! Bạn để lại mẫu mình quan tâm và size nhé, ${shop} sẽ phản hồi sớm nhất có thể!`,
];

export function greeting(rng: Random, customerName: string, shopName: string): string {
  return rng.pick(GREETINGS)(customerName, shopName);
}

export function awayMessage(shopName: string, hotline: string): string {
  return `Chào bạn! Cảm ơn bạn đã nhắn tin cho ${shopName}. Hiện shop đã hết giờ làm việc, nhân viên sẽ trả lời bạn vào sáng mai nhé. Cần gấp bạn gọi hotline: ${hotline}. Cảm ơn bạn <3`;
}

/** The bot's numbers as the real answers carry them: numbers, not digit strings. */
export const BOTCAKE_APP_ID = 417_205_536_118_033;

export const BOT_START = 'Bắt đầu';

export const BOT_WELCOME_BUTTONS = ['Khách hàng lần đầu', 'Khách hàng cũ'];
export const BOT_SECOND_BUTTONS = ['Tư vấn qua điện thoại', 'Chat với nhân viên', 'Đặt hàng ngay'];

export interface BotMenu {
  text: string;
  buttons: string[];
}

/** The flow a customer walks through: start → first menu → second menu → a plain closing text. */
export function botWelcome(customerName: string, shopName: string): BotMenu {
  return { text: `Chào ${customerName} đến với ${shopName}. Bạn cần ${shopName} hỗ trợ gì cho bạn ?`, buttons: BOT_WELCOME_BUTTONS };
}

export function botSecondMenu(choice: string): BotMenu {
  return { text: ` ${choice}\n`, buttons: BOT_SECOND_BUTTONS };
}

export function botClosing(customerName: string): string {
  return `${customerName} vui lòng để lại HỌ TÊN & SĐT, shop sẽ gọi lại xác nhận đơn trong giờ hành chính nhé!\nCảm ơn bạn đã tin tưởng ❤️`;
}

const AD_TITLES = ['Quảng cáo Lượt tương tác mới', 'BST Hè - Giảm 30% toàn bộ váy hoa', 'Freeship toàn quốc đơn từ 299k', 'Combo son + kem chống nắng chỉ 199k', 'Xả kho cuối mùa - đồng giá 99k', 'Hàng mới về mỗi tuần - inbox nhận ưu đãi'];

export function adTitle(rng: Random): string {
  return rng.pick(AD_TITLES);
}

const AD_COPY = [
  '🔥 {t}\n- Chất liệu mát, form chuẩn, đủ size S–XL\n- Đổi trả trong 7 ngày nếu không vừa\n👉 Nhắn tin cho shop để được tư vấn size miễn phí!',
  '✨ {t} ✨\nShop cam kết hàng y hình 100%, kiểm tra trước khi thanh toán.\n📩 Inbox ngay để giữ mẫu bạn thích trước khi hết hàng!',
  '{t}\n☎️ Hotline hỗ trợ: 1900 6868\n👉 Bấm "Gửi tin nhắn" để nhận mã giảm giá 50k cho đơn đầu tiên',
];

/** The post copy of an ad, as the ad-click entry and the ads' context carry it. */
export function adCopy(rng: Random, title: string): string {
  return rng.pick(AD_COPY).replace('{t}', title);
}

const REVIEWS = ['Shop tư vấn nhiệt tình, hàng đẹp đúng mô tả', 'Giao hàng nhanh, đóng gói cẩn thận', 'Mua lần thứ 3 rồi, vẫn ưng như lần đầu', 'Giá hợp lý, chất vải ổn, 10 điểm'];

export function review(rng: Random): string {
  return rng.pick(REVIEWS);
}

const CARD_TITLES = ['Bảng size áo thun', 'Google Maps', 'Hướng dẫn chuyển khoản', 'Chính sách đổi trả'];

export function cardTitle(rng: Random): string {
  return rng.pick(CARD_TITLES);
}
