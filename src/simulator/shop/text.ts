// Vietnamese shop chatter. Real pages are full of diacritics, emoji, line breaks and phone numbers,
// and those are exactly what breaks encodings, HTML stripping and phone detection downstream, so the
// simulator serves them on purpose.

import type { Random } from './random.js';

const SURNAMES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const FEMALE_MIDDLE = ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Mỹ', 'Bảo'];
const MALE_MIDDLE = ['Văn', 'Minh', 'Quốc', 'Đức', 'Gia', 'Hoàng'];
const FEMALE_GIVEN = ['Lan', 'Hương', 'Mai', 'Linh', 'Trang', 'Hà', 'Phương', 'Thảo', 'Vy', 'Ngân', 'Yến', 'Nhung', 'Trâm', 'Quỳnh'];
const MALE_GIVEN = ['Tuấn', 'Hùng', 'Dũng', 'Nam', 'Khánh', 'Long', 'Huy', 'Phúc', 'Thắng', 'Sơn', 'Đạt', 'Khoa'];

export interface PersonName {
  name: string;
  gender: 'female' | 'male';
}

export function personName(rng: Random): PersonName {
  const female = rng.chance(0.65);
  const middle = rng.pick(female ? FEMALE_MIDDLE : MALE_MIDDLE);
  const given = rng.pick(female ? FEMALE_GIVEN : MALE_GIVEN);
  // Facebook display names are often just the given name or carry a nickname.
  const style = rng.int(0, 9);
  const full = `${rng.pick(SURNAMES)} ${middle} ${given}`;
  const name = style === 0 ? `${given} ${rng.pick(['Bé', 'Xinh', 'Nhỏ', 'Official'])}` : style === 1 ? given : full;
  return { name, gender: female ? 'female' : 'male' };
}

const SHOPS = [
  'Thời Trang Hoa Mai',
  'Mỹ Phẩm Thiên Nhiên Bống',
  'Giày Dép Sài Gòn Xinh',
  'Mẹ Và Bé An Nhiên',
  'Phụ Kiện Điện Thoại Minh Long',
  'Đặc Sản Miền Tây Út Hiền',
  'Trà Sữa Nhà Làm Mây',
  'Nhà Sách Cá Chép',
];

export function shopName(index: number, rng: Random): string {
  const base = SHOPS[index % SHOPS.length] as string;
  return index < SHOPS.length ? base : `${base} ${rng.pick(['Quận 1', 'Hà Nội', 'Đà Nẵng', 'Cần Thơ'])} ${index}`;
}

export const TAG_TEXTS = ['Chốt đơn', 'Khách quen', 'Hỏi giá', 'Đã giao', 'Hoàn hàng', 'Spam', 'Khách sỉ', 'Chờ chuyển khoản'];
export const TAG_COLORS = ['#e71115', '#ee11e2', '#1f8ef1', '#13b04b', '#f5a623', '#7b7b7b', '#8e44ad', '#16a085'];

export function lightenColor(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},0.4)`;
}

const PRODUCTS = ['áo thun', 'váy hoa', 'quần jean', 'áo khoác', 'son kem', 'kem chống nắng', 'giày sneaker', 'túi xách', 'ốp lưng', 'bánh pía'];
const SIZES = ['S', 'M', 'L', 'XL', '37', '38', '39'];

const CUSTOMER_LINES = [
  'Shop ơi {p} này còn size {s} không ạ?',
  'Giá bao nhiêu vậy shop?',
  'Cho em xin giá {p} với ạ',
  'Ship về Hà Nội mất mấy ngày shop?',
  'Có freeship không shop 😅',
  'Em lấy 2 cái nha',
  'Ok shop, em chốt đơn nhé ❤️',
  'Màu đen còn không ạ?',
  'Hôm qua em đặt rồi mà chưa thấy giao 😢',
  'Cảm ơn shop nhiều ạ 🥰',
  'Hàng có giống hình không shop?',
  '{p} này mặc đi làm được không ạ?',
  'Dạ vâng',
  'Alo shop ơi',
  'Em chuyển khoản rồi nha\nShop check giúp em với',
  'Cho em đổi sang size {s} được không?',
  '👍',
];

const PAGE_LINES = [
  'Dạ còn ạ 😊',
  'Dạ {p} bên em giá 189.000đ ạ',
  'Dạ shop chào chị, chị cần tư vấn mẫu nào ạ?',
  'Dạ chị cho em xin SĐT và địa chỉ nhận hàng nhé',
  'Dạ đơn nội thành 1-2 ngày, ngoại thành 3-4 ngày ạ',
  'Dạ bên em freeship đơn từ 300k ạ 🚚',
  'Dạ em lên đơn cho chị rồi nha ❤️',
  'Dạ size {s} còn ít thôi chị ơi, chị lấy sớm nha',
  'Dạ hàng y hình 100% ạ\nChị yên tâm nha',
  'Dạ em cảm ơn chị đã ủng hộ shop ạ 🥰',
  'Dạ em kiểm tra rồi, đơn đang trên đường giao ạ',
];

export function fillLine(template: string, rng: Random): string {
  return template.replace('{p}', rng.pick(PRODUCTS)).replace('{s}', rng.pick(SIZES));
}

export function customerLine(rng: Random): string {
  return fillLine(rng.pick(CUSTOMER_LINES), rng);
}

export function pageLine(rng: Random): string {
  return fillLine(rng.pick(PAGE_LINES), rng);
}

/** The Vietnamese mobile numbers in a text, in order (what Pancake detects as phone numbers). */
export function phonesIn(text: string): string[] {
  return text.match(/\b0[35789]\d{8}\b/g) ?? [];
}

/** Vietnamese mobile numbers: 10 digits starting 03/05/07/08/09. */
export function phoneNumber(rng: Random): string {
  return `0${rng.pick(['3', '5', '7', '8', '9'])}${rng.digits(8).replace(/^./, String(rng.int(0, 9)))}`;
}

export function customerPhoneLine(phone: string, rng: Random): string {
  return rng.pick([`Sđt em ${phone} nha shop`, `${phone}`, `Giao giúp em tới số ${phone} ạ`, `Số em là ${phone}, gọi trước khi giao nha`]);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The `message` field: what Pancake renders, while `original_message` keeps the plain text. Line
 * breaks become numbered `<br key='n_0' />`, a `\r` before them stays, and a message without text
 * (attachments only) is an empty `<div></div>`, as in the real answers.
 */
export function toHtml(text: string): string {
  let n = 0;
  return `<div>${escapeHtml(text).replace(/\n/g, () => `<br key='n_${n++}' />`)}</div>`;
}
