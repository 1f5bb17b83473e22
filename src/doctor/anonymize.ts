import { createHmac, randomBytes } from 'node:crypto';
import { isRecord } from '../pancake/http.js';
import { mapJson, redact } from '../redact.js';

// Personal data out of captured answers, replaced consistently so that the capture still works as
// a fixture: the same name, phone or customer id gets the same stand-in in every file (conversation
// ids, e-mails and folder names included), texts keep their length, whitespace and markup, and
// structure, types, numbers and timestamps are untouched. Tokens are removed outright.

const TOKEN_KEY = /(^|_)(access_token|token|secret)$/i;
const NAME_KEYS = new Set(['name', 'admin_name', 'fb_name', 'user_name', 'full_name', 'customer_name', 'display_name', 'first_name', 'last_name']);
const TEXT_KEYS = new Set(['message', 'original_message', 'snippet', 'm_content', 'content', 'note', 'address', 'full_address', 'recipient_location', 'description']);
const CUSTOMER_ID_KEYS = new Set(['psid', 'fb_id', 'customer_id', 'global_id', 'customer_fb_id']);
/** Objects whose own `id` is a customer's. */
const CUSTOMER_OBJECTS = new Set(['customers', 'customer', 'page_customer', 'conv_from', 'conv_customers']);
/** A Vietnamese phone number standing alone (not digits inside a longer id). */
const PHONE = /(?<![\w+])(?:\+84|84|0)(?:[ .]?\d){8,10}(?![\w])/g;
const REDACTED = '***REDACTED***';

export interface Anonymizer {
  /** First pass: learn the personal values of an answer (call for every answer before `apply`). */
  collect(body: unknown, pageId: string | null): void;
  /** Second pass: a copy with personal data replaced and tokens removed. */
  apply<T>(body: T): T;
  /** A single string (e.g. a conversation id used as a folder name). */
  replace(text: string): string;
}

/** `secrets` are removed wherever they appear; `pageIds` are the shop's, not personal, and stay. */
export function createAnonymizer(secrets: readonly string[] = [], pageIds: readonly string[] = []): Anonymizer {
  const key = randomBytes(32);
  const names = new Map<string, string>();
  const ids = new Map<string, string>();
  const phones = new Map<string, string>();
  let known: Array<[string, string]> | null = null; // longest first, built after collecting

  const digits = (seed: string, n: number): string => {
    let out = '';
    for (let round = 0; out.length < n; round++) out += BigInt(`0x${createHmac('sha256', key).update(`${round}:${seed}`).digest('hex')}`).toString().slice(1);
    return out.slice(0, n);
  };
  const fakeId = (id: string): string => {
    const pool = digits(id, id.length);
    let i = 0;
    return id.replace(/[0-9a-zA-Z]/g, (c) => {
      const d = pool[i++] ?? '0';
      if (/\d/.test(c)) return d;
      if (/[a-f]/.test(c)) return 'abcdef'[Number(d) % 6]!;
      return /[A-Z]/.test(c) ? String.fromCharCode(65 + Number(d)) : String.fromCharCode(103 + Number(d));
    });
  };
  const fakePhone = (phone: string): string => {
    const prefix = /^(\+84|84|0)/.exec(phone)?.[0] ?? '';
    const pool = digits(phone, phone.length);
    let i = 0;
    return prefix + phone.slice(prefix.length).replace(/\d/g, () => pool[i++] ?? '0');
  };
  const addName = (value: string) => {
    if (value.trim().length >= 2 && !names.has(value)) names.set(value, `Person ${names.size + 1}`);
  };
  const addId = (value: unknown) => {
    const id = typeof value === 'number' ? String(value) : value;
    if (typeof id === 'string' && id.length >= 6 && !ids.has(id) && !pageIds.includes(id)) ids.set(id, fakeId(id));
  };
  const addPhones = (text: string) => {
    for (const match of text.match(PHONE) ?? []) if (!phones.has(match)) phones.set(match, fakePhone(match));
  };

  // Iterative, like applying below: an answer nested thousands of levels deep costs heap, not stack.
  const collectValue = (root: unknown, pageId: string | null): void => {
    const stack: Array<[value: unknown, key: string, parentKey: string]> = [[root, '', '']];
    while (stack.length > 0) {
      const [value, key, parentKey] = stack.pop()!;
      if (typeof value === 'string') {
        if (NAME_KEYS.has(key) && parentKey !== 'series') addName(value); // series names are labels the mapping reads
        if (CUSTOMER_ID_KEYS.has(key)) addId(value);
        if (key === 'thread_id' || key === 'conversation_id') addId(value.split('_').at(-1));
        if (key === 'id' && CUSTOMER_OBJECTS.has(parentKey)) addId(value);
        if (key === 'id' && parentKey === 'from' && value !== pageId) addId(value);
        addPhones(value);
      } else if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], key, parentKey]);
      } else if (isRecord(value)) {
        const entries = Object.entries(value);
        for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i]![1], entries[i]![0], key]);
      }
    }
  };

  const replace = (text: string): string => {
    known ??= [...ids, ...names, ...phones].sort((a, b) => b[0].length - a[0].length);
    let out = text;
    for (const [from, to] of known) if (out.includes(from)) out = out.split(from).join(to);
    return redact(out);
  };

  const applyText = (value: string, key: string | null): string => {
    if ((key !== null && TOKEN_KEY.test(key)) || secrets.includes(value)) return REDACTED;
    if (key !== null && NAME_KEYS.has(key)) return names.get(value) ?? replace(value);
    if (key !== null && TEXT_KEYS.has(key)) return scramble(value);
    return replace(value);
  };

  return {
    collect(body, pageId) {
      known = null;
      collectValue(body, pageId);
    },
    // mapJson walks with a stack of its own and masks secret-named fields (redact.ts).
    apply: <T>(body: T) => mapJson(body, applyText, replace) as T,
    replace,
  };
}

/**
 * A text of the same length and shape: letters become x/X, digits 0; whitespace, punctuation,
 * emoji and HTML markup (tags, entities) stay. The same text always gives the same result, so a
 * snippet still equals the start of its message.
 */
export function scramble(text: string): string {
  return text.replace(/(<[^>]*>|&[#\w]+;)|(\p{L})|(\d)/gu, (_m, markup: string | undefined, letter: string | undefined) => {
    if (markup) return markup;
    if (letter) return letter === letter.toUpperCase() && letter !== letter.toLowerCase() ? 'X' : 'x';
    return '0';
  });
}
