// The order of a conversation's items before any of them is written: who speaks, which automated
// sequences happen, and how long after the previous item each one comes. Real threads open in one of
// three ways (test/fixtures/real-samples/README.md): from an ad (the ad-click entry, Facebook's
// "replied to your welcome message" notice 2–6 s later, the page's greeting 1 s after that, then the
// customer 1 s later), through the bot's flow (the customer taps "start", the bot answers each tap),
// or with a plain customer message. Later visits (another ad click) come days later.

import { BOT_SECOND_BUTTONS, BOT_START, BOT_WELCOME_BUTTONS } from './page-texts.js';
import type { Random } from './random.js';

export type Notice = 'welcome_reply' | 'greeting' | 'away' | 'lead_stage';
export type BotStep = 'welcome' | 'second' | 'closing';

export type Step =
  | { kind: 'customer'; postback?: string }
  | { kind: 'employee' }
  | { kind: 'bot'; bot: BotStep; choice?: string }
  | { kind: 'notice'; notice: Notice }
  | { kind: 'ad_click' };

/** Seconds before an item: a new visit (at least a day later), a change of speaker, the same speaker, or a fixed span. */
export type Gap = 'session' | 'turn' | 'same' | readonly [number, number];

export interface PlannedStep {
  step: Step;
  gap: Gap;
}

export interface ScriptOptions {
  /** Ad clicks to fit in, each opening a visit (Facebook inbox threads); fewer when `count` is small. */
  clicks: number;
  /** Whether a visit that no ad opened may run the bot's flow. */
  bot: boolean;
  /** Whether the page sends automatic messages (greetings, away messages, lead notices). */
  notices: boolean;
  /** Who wrote last, when the steps continue an existing conversation; null for a new one. */
  after: 'customer' | 'page' | null;
}

const AD_OPENER: PlannedStep[] = [
  { step: { kind: 'ad_click' }, gap: 'session' },
  { step: { kind: 'notice', notice: 'welcome_reply' }, gap: [2, 6] },
  { step: { kind: 'notice', notice: 'greeting' }, gap: [1, 1] },
  { step: { kind: 'customer' }, gap: [1, 1] },
];

function botOpener(rng: Random): PlannedStep[] {
  const first = rng.pick(BOT_WELCOME_BUTTONS);
  return [
    { step: { kind: 'customer', postback: BOT_START }, gap: 'session' },
    { step: { kind: 'bot', bot: 'welcome' }, gap: [2, 4] },
    { step: { kind: 'customer', postback: first }, gap: [3, 12] },
    { step: { kind: 'bot', bot: 'second', choice: first }, gap: [2, 4] },
    { step: { kind: 'customer', postback: rng.pick(BOT_SECOND_BUTTONS) }, gap: [3, 12] },
    { step: { kind: 'bot', bot: 'closing' }, gap: [2, 4] },
  ];
}

const counted = (steps: readonly PlannedStep[]) => steps.filter((s) => s.step.kind !== 'ad_click').length;

/** Keeps the first `count` counted steps (and the ad click before them): a thread cut short by `count`. */
function cut(steps: PlannedStep[], count: number): PlannedStep[] {
  const out: PlannedStep[] = [];
  for (const s of steps) {
    if (s.step.kind !== 'ad_click' && counted(out) >= count) break;
    out.push(s);
  }
  return out;
}

function opener(rng: Random, options: ScriptOptions, ad: boolean): PlannedStep[] {
  if (ad) return AD_OPENER.map((s) => ({ ...s }));
  if (options.bot && rng.chance(0.8)) return botOpener(rng);
  const first: PlannedStep[] = [{ step: { kind: 'customer' }, gap: 'session' }];
  // Outside working hours the page answers a new visit automatically.
  if (options.notices && rng.chance(0.1)) first.push({ step: { kind: 'notice', notice: 'away' }, gap: [1, 2] });
  return first;
}

/** Runs of 1–3 items from each side in turn; a rare lead notice right after a customer's item. */
function chat(rng: Random, count: number, options: ScriptOptions, firstSpeaker: 'customer' | 'page', state: { lead: boolean }): PlannedStep[] {
  const out: PlannedStep[] = [];
  let who = firstSpeaker;
  while (out.length < count) {
    const run = rng.int(1, 3);
    for (let i = 0; i < run && out.length < count; i++) {
      out.push({ step: who === 'customer' ? { kind: 'customer' } : { kind: 'employee' }, gap: i === 0 ? 'turn' : 'same' });
      if (who === 'customer' && options.notices && !state.lead && out.length < count && rng.chance(0.01)) {
        state.lead = true;
        out.push({ step: { kind: 'notice', notice: 'lead_stage' }, gap: [1, 1] });
      }
    }
    who = who === 'customer' ? 'page' : 'customer';
  }
  return out;
}

/** Exactly `count` counted steps (ad clicks come on top: the API leaves them out of message_count). */
export function planScript(rng: Random, count: number, options: ScriptOptions): PlannedStep[] {
  const state = { lead: false };
  if (options.after !== null && options.clicks === 0) return chat(rng, count, options, options.after === 'page' ? 'customer' : 'page', state);
  // Each visit needs 3 items after its click; a short thread keeps one (cut) visit.
  const visits = options.clicks > 0 ? Math.max(1, Math.min(options.clicks, Math.floor(count / 3))) : 1;
  const openers = Array.from({ length: visits }, () => opener(rng, options, options.clicks > 0));
  let rest = count - openers.reduce((n, o) => n + counted(o), 0);
  if (rest < 0) return cut(openers.flat(), count);
  const steps: PlannedStep[] = [];
  openers.forEach((o, i) => {
    // The newest visit takes what is left; older ones a random share of it.
    const share = i === visits - 1 ? rest : rng.int(0, rest);
    rest -= share;
    const last = o.at(-1)!.step.kind;
    steps.push(...o, ...chat(rng, share, options, last === 'customer' || last === 'notice' ? 'page' : 'customer', state));
  });
  return steps;
}

/** Whole seconds, oldest first, the last one at `lastSecond`. */
export function planTimes(rng: Random, steps: readonly PlannedStep[], lastSecond: number): number[] {
  const seconds = new Array<number>(steps.length);
  let t = lastSecond;
  for (let k = steps.length - 1; k >= 0; k--) {
    seconds[k] = t;
    const gap = steps[k]!.gap;
    const long = rng.chance(0.06);
    t -=
      gap === 'session' ? rng.int(86_400, 20 * 86_400)
      : gap === 'turn' ? (long ? rng.int(3_600, 3 * 86_400) : rng.int(20, 1_200))
      : gap === 'same' ? (long ? rng.int(3_600, 3 * 86_400) : rng.int(2, 90))
      : rng.int(gap[0], gap[1]);
  }
  return seconds;
}
