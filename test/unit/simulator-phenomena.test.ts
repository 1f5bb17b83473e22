import { describe, expect, it } from 'vitest';
import type { PancakeConversation, PancakeMessage } from '../../src/pancake/types.js';
import { countMessages, countSenderKinds, createSimulatorData, isAdClickItem, pageTokenFor, parseApiTime, senderKindOf, simulatedStatistics } from '../../src/simulator/index.js';
import { appendMessages, createConversation } from '../../src/simulator/live/conversation-changes.js';
import { Random } from '../../src/simulator/shop/random.js';

// Every phenomenon of the real answers (test/fixtures/real-samples/README.md) is in the default data
// set, at about the real rate. The real figure is in each test's comment; bounds leave room for a
// small sample, not for a phenomenon to vanish.

const NOW = new Date('2026-04-10T00:00:00Z');
const data = createSimulatorData({ now: NOW });
const [facebook, web] = data.pages;
const all = [...data.conversations.values()].flat();
const fb = data.conversations.get(facebook!.id)!;
const inbox = fb.filter((c) => c.type === 'INBOX');
const items = (c: PancakeConversation): PancakeMessage[] => data.messages.get(c.id) ?? [];
const attachments = (m: PancakeMessage) => (m.attachments ?? []) as Array<Record<string, unknown>>;
const share = (part: number, whole: number) => part / whole;
const seconds = (m: PancakeMessage) => parseApiTime(m.inserted_at) / 1000;

describe('the default data set serves the real phenomena', () => {
  it('ad clicks: 42 of 56 inbox threads (75 %) came from ads, some several times on different days, outside message_count', () => {
    const withAds = inbox.filter((c) => (c.ads ?? []).length > 0);
    expect(share(withAds.length, inbox.length)).toBeGreaterThan(0.6);
    expect(share(withAds.length, inbox.length)).toBeLessThan(0.9);
    const several = withAds.filter((c) => c.ads!.length >= 2);
    expect(several.length).toBeGreaterThan(5);
    for (const c of withAds) {
      const clicks = items(c).filter(isAdClickItem);
      expect(clicks.map((m) => m.inserted_at.slice(0, 19))).toEqual(c.ads!.map((a) => (a as { inserted_at: string }).inserted_at));
      expect(c.ad_ids).toEqual(c.ads!.map((a) => (a as { ad_id: string }).ad_id));
      expect(new Set(clicks.map((m) => m.inserted_at.slice(0, 10))).size).toBe(clicks.length);
      expect(c.message_count).toBe(items(c).length - clicks.length);
    }
    // Older clicks can lie beyond the first two batches of 30.
    expect(withAds.some((c) => items(c).findIndex(isAdClickItem) < items(c).length - 60)).toBe(true);
    // COMMENT and RATING threads have no ads keys at all.
    expect(fb.filter((c) => c.type !== 'INBOX').every((c) => !('ads' in c) && !('ad_ids' in c))).toBe(true);
  });

  it('an ad click item: ad-<psid><ad_id><day>, empty, one ad_click attachment (ad_id sometimes missing), then notice, greeting, customer', () => {
    const ads = simulatedStatistics.adsOf(data, facebook!.id);
    const clicks = inbox.flatMap((c) => items(c).map((m, i) => ({ c, m, i })).filter(({ m }) => isAdClickItem(m)));
    expect(clicks.length).toBeGreaterThan(50);
    for (const { c, m, i } of clicks) {
      const psid = String(c.page_customer?.psid);
      const ad = attachments(m)[0]!;
      const adId = m.id.slice(3 + psid.length).replace(/\d{8}\.0$/, '');
      expect(m.id).toBe(`ad-${psid}${adId}${Math.floor(seconds(m) / 86_400) * 864}.0`);
      expect(ads.map((a) => a.ad_id)).toContain(adId);
      expect([m.message, m.original_message, m.seen, Object.keys(m.from!).sort(), attachments(m).length, ad.type]).toEqual(['<div></div>', '', false, ['id', 'name'], 1, 'ad_click']);
      if ('ad_id' in ad) expect(ad.ad_id).toBe(adId);
      const next = items(c).slice(i + 1, i + 4);
      const gaps = next.map((n) => seconds(n) - seconds(m));
      if (next.length === 3) {
        expect(next.map((n) => senderKindOf(n, c.page_id))).toEqual(['page_notice', 'page_notice', 'customer']);
        expect(gaps[0]).toBeGreaterThanOrEqual(2);
        expect(gaps[2]).toBeLessThanOrEqual(8);
      }
    }
    // 1 of the 4 real ad-click items lacks ad_id.
    const missing = clicks.filter(({ m }) => !('ad_id' in attachments(m)[0]!)).length;
    expect(share(missing, clicks.length)).toBeGreaterThan(0.1);
    expect(share(missing, clicks.length)).toBeLessThan(0.35);
    // The clicked ad was delivering at that hour, so clicks join to its spend.
    const delivering = clicks.filter(({ m }) => ads.some((a) => m.id.includes(a.ad_id) && seconds(m) / 3600 >= a.startHour && seconds(m) / 3600 < a.endHour));
    expect(delivering.length).toBe(clicks.length);
  });

  it('who sent what, at about the real shares (226 items: 79 customer, 125 employee, 6 bot, 12 notices, 4 ad clicks)', () => {
    const total = countMessages(data);
    const kinds = countSenderKinds(data);
    expect(Object.values(kinds).reduce((a, b) => a + b, 0)).toBe(total);
    expect(share(kinds.customer, total)).toBeGreaterThan(0.3);
    expect(share(kinds.employee, total)).toBeGreaterThan(0.3);
    expect(share(kinds.bot, total)).toBeGreaterThan(0.004);
    expect(share(kinds.page_notice, total)).toBeGreaterThan(0.02);
    expect(share(kinds.page_notice, total)).toBeLessThan(0.1);
    expect(share(kinds.ad_click, total)).toBeGreaterThan(0.01);
    expect(share(kinds.ad_click, total)).toBeLessThan(0.05);
    // The web page has none of Facebook's automation: no ads, no Botcake; its only bots are AI or
    // automated replies sent under an employee's account.
    expect(countSenderKinds(data, web!.id)).toMatchObject({ ad_click: 0 });
    const webBots = data.conversations.get(web!.id)!.flatMap((c) => items(c).filter((m) => senderKindOf(m, c.page_id) === 'bot'));
    expect(webBots.every((m) => m.from?.ai_generated === true || m.from?.is_automated === true)).toBe(true);
  });

  it('Botcake: numeric flow_id and app_id, no uid; templates with empty HTML, JSON-string payloads; postbacks equal the buttons', () => {
    // AI and automated replies are bots too, sent under an employee's account: simulator-official-shapes.test.ts.
    const isBotcake = (m: PancakeMessage, c: PancakeConversation) => senderKindOf(m, c.page_id) === 'bot' && m.from?.ai_generated !== true && m.from?.is_automated !== true;
    const flows = inbox.filter((c) => items(c).some((m) => isBotcake(m, c)));
    expect(flows.length).toBeGreaterThan(5);
    for (const c of flows) {
      const list = items(c);
      list.forEach((m, i) => {
        if (!isBotcake(m, c)) return;
        expect(m.from).toMatchObject({ admin_name: 'Botcake', admin_id: c.page_id, flow_id: expect.any(Number), app_id: expect.any(Number) });
        expect(m.from).not.toHaveProperty('uid');
        const template = attachments(m).find((a) => a.type === 'template');
        if (!template) return;
        expect([m.message, (m.original_message ?? '').length > 0]).toEqual(['<div></div>', true]);
        const buttons = (template.payload as { buttons: Array<{ title: string; payload: string }> }).buttons;
        for (const b of buttons) expect(JSON.parse(b.payload)).toMatchObject({ flid: m.from!.flow_id, id: 'BotcakeAI.Payload' });
        const answer = list[i + 1];
        if (answer && senderKindOf(answer, c.page_id) === 'customer') expect(buttons.map((b) => b.title)).toContain(answer.original_message);
      });
    }
  });

  it('page notices without admin_name: welcome-reply notices, greetings, away messages and lead-stage notices', () => {
    const texts = all.flatMap((c) => items(c).filter((m) => senderKindOf(m, c.page_id) === 'page_notice')).map((m) => m.original_message ?? '');
    expect(texts.filter((t) => t.includes('đã trả lời tin nhắn chào mừng tự động của bạn')).length).toBeGreaterThan(20);
    expect(texts.filter((t) => /^Chào .+ ! /.test(t)).length).toBeGreaterThan(20);
    expect(texts.filter((t) => t.includes('hết giờ làm việc')).length).toBeGreaterThan(0);
    expect(texts.filter((t) => t === 'Đã đặt giai đoạn của khách hàng tiềm năng thành Đủ tiêu chuẩn').length).toBeGreaterThan(0);
  });

  it('attachment-only items (32 of 226), staff template cards with uid null, reactions and quotes', () => {
    const list = all.flatMap(items);
    const empty = list.filter((m) => m.original_message === '');
    expect(empty.every((m) => attachments(m).length > 0 && m.message === '<div></div>')).toBe(true);
    expect(share(empty.length, list.length)).toBeGreaterThan(0.04);
    expect(share(empty.length, list.length)).toBeLessThan(0.25);
    expect(list.filter((m) => m.from?.uid === null && attachments(m)[0]?.type === 'template').length).toBeGreaterThan(0);
    expect(list.filter((m) => attachments(m).some((a) => a.type === 'reaction')).length).toBeGreaterThan(20);
    const quotes = list.filter((m) => attachments(m).some((a) => a.type === 'replied_message'));
    expect(quotes.length).toBeGreaterThan(20);
    const ids = new Set(list.map((m) => m.id));
    expect(quotes.every((m) => attachments(m).every((a) => a.type !== 'replied_message' || ids.has(String(a.id))))).toBe(true);
  });

  it('COMMENT threads (3 of 60) and reviews (1 of 60) with their own ids, a review without messages', () => {
    const comments = fb.filter((c) => c.type === 'COMMENT');
    const reviews = all.filter((c) => c.type === 'RATING');
    expect(share(comments.length, fb.length)).toBeGreaterThan(0.02);
    expect(share(comments.length, fb.length)).toBeLessThan(0.12);
    expect(reviews.length).toBeGreaterThan(0);
    for (const c of comments) {
      expect(c.id.startsWith(c.page_id)).toBe(false);
      expect(c.post_id).toBe(`${c.page_id}_${c.id.split('_')[0]}`);
      expect(items(c)[0]!.id).toBe(c.id);
    }
    for (const c of reviews) {
      expect([c.id, c.message_count, items(c).length, c.snippet?.startsWith('[Review 👍] ')]).toEqual([c.post_id, 0, 0, true]);
      expect(c.id.startsWith(`${c.page_id}_`)).toBe(true);
    }
  });

  it('tags: a null first in 37 of 60, one [null], a "Tag removed" entry in the history', () => {
    const nullFirst = all.filter((c) => c.tags?.[0] === null).length;
    expect(share(nullFirst, all.length)).toBeGreaterThan(0.5);
    expect(share(nullFirst, all.length)).toBeLessThan(0.75);
    expect(all.filter((c) => c.tags?.length === 1 && c.tags[0] === null).length).toBeGreaterThan(0);
    expect(all.every((c) => (c.tags ?? []).slice(1).every((t) => t !== null))).toBe(true);
    expect(all.filter((c) => JSON.stringify(c.tag_histories).includes('{"id":null,"text":"Tag removed"}')).length).toBeGreaterThan(0);
  });

  it('birthdays: "2007-00-00"-style texts in page customers are object birthdays {date: 0, month: 0, year} of the same people in conversations', () => {
    const customers = [...data.entities.customers.values()].flat();
    const yearOnly = customers.filter((c) => /^\d{4}-00-00$/.test(String(c.birthday)));
    expect(yearOnly.length).toBeGreaterThan(0);
    const objects = all.filter((c) => c.page_customer?.birthday !== null && typeof c.page_customer?.birthday === 'object');
    expect(objects.length).toBeGreaterThan(0);
    for (const c of objects) {
      const b = c.page_customer!.birthday as { date: number; month: number; year: number };
      const text = `${b.year}-${String(b.month).padStart(2, '0')}-${String(b.date).padStart(2, '0')}`;
      expect(customers.find((k) => k.id === c.page_customer!.id)?.birthday).toBe(text);
    }
  });

  it('a page of another channel with a prefixed id; every page carries its own page token in settings', () => {
    expect(web).toMatchObject({ id: expect.stringMatching(/^web_\d+$/), platform: 'web' });
    expect(data.conversations.get(web!.id)!.every((c) => c.type === 'INBOX' && c.id.startsWith(`${web!.id}_`))).toBe(true);
    for (const page of data.pages) expect((page.settings as { page_access_token: string }).page_access_token).toBe(pageTokenFor(data.seed, page.id));
  });

  it('types that differ between places: order_id a string in notes, a number as the order id', () => {
    const notes = all.flatMap((c) => ((c.page_customer?.notes as Array<{ order_id: unknown }> | null) ?? []).map((n) => ({ c, n })));
    const linked = notes.filter(({ n }) => n.order_id !== null);
    expect(linked.length).toBeGreaterThan(0);
    for (const { c, n } of linked) {
      expect(typeof n.order_id).toBe('string');
      expect((c.page_customer!.recent_orders as Array<{ id: number }>).map((o) => o.id)).toContain(Number(n.order_id));
    }
    const captures = all.flatMap((c) => c.recent_phone_numbers ?? []);
    expect(captures.length).toBeGreaterThan(0);
    for (const p of captures) expect(p).toMatchObject({ captured: p.phone_number, length: p.phone_number.length, m_id: expect.any(String), offset: expect.any(Number), status: expect.any(Number) });
  });

  it('the live shop brings the same phenomena: new threads and new messages with ad clicks, bots, comments', () => {
    const live = createSimulatorData({ now: NOW, pages: 1, conversationsPerPage: 5 });
    const rng = new Random(9);
    const pageId = live.pages[0]!.id;
    const created = Array.from({ length: 200 }, (_, i) => createConversation(live, rng, pageId, NOW.getTime() + i * 1000));
    const kinds = new Set(created.flatMap((c) => (live.messages.get(c.id) ?? []).map((m) => senderKindOf(m, pageId))));
    expect(kinds).toEqual(new Set(['customer', 'employee', 'bot', 'page_notice', 'ad_click']));
    expect(new Set(created.map((c) => c.type))).toEqual(new Set(['INBOX', 'COMMENT', 'RATING']));
    const target = created.find((c) => c.type === 'INBOX')!;
    const before = target.ads?.length ?? 0;
    let added = 0;
    for (let i = 0; i < 100; i++) added += appendMessages(live, rng, target.id, 2, NOW.getTime() + 300_000 + i * 60_000).filter(isAdClickItem).length;
    expect(added).toBeGreaterThan(0);
    expect(target.ads!.length).toBe(before + added);
    expect(target.message_count).toBe(live.messages.get(target.id)!.filter((m) => !isAdClickItem(m)).length);
    expect(() => appendMessages(live, rng, created.find((c) => c.type === 'RATING')!.id, 1, NOW.getTime() + 10_000_000)).toThrow(/review/);
  });
});
