// The simulated pages. Page ids are opaque strings: Facebook pages have digits, other channels a
// prefix. The second page of every data set is a website chat (`web_<digits>`, platform "web"), so
// code that assumes numeric ids meets one by default; it has only inbox threads (no ads, bot,
// comments or reviews). Each page object carries its current page token in
// settings.page_access_token, as the real page list does.

import type { ApiTag, PancakePage } from '../../pancake/types.js';
import { type SimAd, adsOf } from '../statistics/ads.js';
import { pageTokenFor } from './access-tokens.js';
import { WHATSAPP_PAGE_INDEX, whatsappPageId } from './channel-ids.js';
import type { Employee, SimulatorData } from './model.js';
import { Random, hashSeed } from './random.js';
import { TAG_COLORS, TAG_TEXTS, lightenColor, personName, phoneNumber, shopName } from './text.js';
import { formatField } from './time.js';

/** What a page's conversations need to know about their page. */
export interface PageContext {
  page: PancakePage;
  employees: Employee[];
  tags: ApiTag[];
  /** The page's ads (none on other channels than Facebook). */
  ads: SimAd[];
  /** Facebook pages get ads, the bot, comments and reviews; other channels (web chat) only inbox threads. */
  facebook: boolean;
  /** The bot flow's id (a number, as the API sends it). */
  flowId: number;
  /** The phone number the page's away message gives. */
  hotline: string;
}


/** Index of the page that is not on Facebook, when a data set has that many pages. */
export const WEB_PAGE_INDEX = 1;

function pageTags(rng: Random): ApiTag[] {
  let tagId = rng.int(1, 90);
  return rng.sample(TAG_TEXTS.map((text, i) => ({ text, color: TAG_COLORS[i] as string })), 6).map(({ text, color }) => {
    tagId += rng.int(1, 7);
    // Some tags carry is_lead_event, some are switched off (is_deactive): both keys are optional.
    const lead = rng.chance(0.35) ? { is_lead_event: false } : {};
    const off = rng.chance(0.2) ? { is_deactive: true } : {};
    return { color, id: tagId, ...off, ...lead, lighten_color: lightenColor(color), text };
  });
}

/** The channel a page id's prefix names (`web_…` a website chat, `pzl_…` personal Zalo, …); digits: Facebook. */
function platformOf(id: string): string {
  const prefix = /^([a-z]+)_/i.exec(id)?.[1]?.toLowerCase();
  if (!prefix) return 'facebook';
  return ({ web: 'web', pzl: 'personal_zalo', zl: 'zalo', igo: 'instagram', ig: 'instagram', tt: 'tiktok', waba: 'whatsapp', wa: 'whatsapp' } as Record<string, string>)[prefix] ?? prefix;
}

/** `id`: the page id to use (DataOptions.pageIds); by default digits, `web_…` for WEB_PAGE_INDEX, `wa_c.us@…` for WHATSAPP_PAGE_INDEX. */
export function createPage(data: SimulatorData, seed: number, index: number, nowMs: number, timezone: number, id?: string): PageContext {
  const rng = Random.of('page', seed, index);
  let generated = index === WEB_PAGE_INDEX ? `web_${rng.digits(16)}` : index === WHATSAPP_PAGE_INDEX ? whatsappPageId(rng) : rng.digits(16);
  while (data.pages.some((p) => p.id === generated)) generated = rng.digits(16);
  if (id !== undefined && data.pages.some((p) => p.id === id)) throw new Error(`page id ${id} is given twice`);
  id ??= generated;
  const platform = platformOf(id);
  const web = platform !== 'facebook';
  const employees: Employee[] = [];
  const staff = rng.int(3, 5);
  for (let i = 0; i < staff; i++) employees.push({ id: rng.uuid(), name: personName(rng).name, fb_id: rng.digits(15) });
  const tags = pageTags(rng);
  const name = shopName(index, rng);
  const page: PancakePage = {
    id,
    name: platform === 'web' ? `${name} Website` : web ? `${name} (${platform})` : name,
    platform,
    timezone,
    inserted_at: formatField(id, 'inserted_at', nowMs - rng.int(300, 2_000) * 86_400_000 - rng.int(0, 86_399_999)),
    is_activated: true,
    active_user_ids: employees.map((e) => e.id),
    role_in_page: 'ADMINISTER',
    settings: { auto_create_order: rng.chance(0.5), multi_tag: true, page_access_token: pageTokenFor(seed, id) },
    shop_id: rng.int(1_000_000, 9_999_999),
    username: null,
    avatar_url: `https://content.pancake.vn/2/s200x200/fwebp/${rng.alnum(24).toLowerCase()}.jpg`,
    // Staff as the page list shows them: phone numbers as "84…" without "+", or null.
    users: employees.map((e) => ({ fb_id: e.fb_id, name: e.name, page_id: id, phone_number: rng.chance(0.3) ? `84${phoneNumber(rng).slice(1)}` : null, status: 'active', user_id: e.id })),
  };
  data.pages.push(page);
  data.conversations.set(id, []);
  data.employees.set(id, employees);
  data.tags.set(id, tags);
  return pageContext(data, id);
}

export function pageContext(data: SimulatorData, pageId: string): PageContext {
  const page = data.pages.find((p) => p.id === pageId);
  if (!page) throw new Error(`Unknown page ${pageId}`);
  return {
    page,
    employees: data.employees.get(pageId) ?? [],
    tags: data.tags.get(pageId) ?? [],
    ads: adsOf(data, pageId),
    facebook: page.platform === 'facebook',
    flowId: 40_000_000 + (hashSeed('bot-flow', data.seed, pageId) % 10_000_000),
    hotline: phoneNumber(Random.of('hotline', data.seed, pageId)),
  };
}
