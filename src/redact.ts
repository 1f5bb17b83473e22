// Tokens travel as query parameters (docs/pancake-api.md), so any URL, error
// message or object that leaves the process must pass through here first. Two rules:
//  - a field NAMED like a secret (access_token, page_access_token, token, secret, password,
//    api_key, ..., camelCase too) has its value replaced by MASK, wherever it is;
//  - a secret the process KNOWS (the tokens it was given or generated) is replaced by MASK inside
//    any text, whatever the field.

export const MASK = '***';

// Matched against the key in snake_case: `accessToken` → `access_token`. `token_for_business`
// (a platform user id, not a credential) does not end in a secret word and is kept.
const SECRET_KEY = /(?:^|_)(?:token|secret|password|passwd|pwd|api_?key|private_key|credentials?)$|^(?:authorization|cookie|set_cookie)$/;
const keyVerdicts = new Map<string, boolean>();

/**
 * The last three letters of every name SECRET_KEY accepts (tok|en, secr|et, passw|ord, pas|swd,
 * pwd, api_|key, credent|ial(s), authorizat|ion, coo|kie), as one number: most keys are told apart
 * by three character codes, without a lookup (the warehouse asks about every key of every record).
 */
const SECRET_ENDINGS = new Set(['ken', 'ret', 'ord', 'swd', 'pwd', 'key', 'ial', 'als', 'ion', 'kie'].map((e) => (e.charCodeAt(0) << 16) | (e.charCodeAt(1) << 8) | e.charCodeAt(2)));

/** Whether a field of this name holds a credential, so its value must never be stored or printed. */
export function isSecretKey(key: string): boolean {
  const n = key.length;
  if (n < 3) return false;
  const [a, b, c] = [key.charCodeAt(n - 3), key.charCodeAt(n - 2), key.charCodeAt(n - 1)];
  // ASCII ends lower-cased by one bit; any other character (toLowerCase maps some to ASCII letters) takes the full test.
  if (a < 128 && b < 128 && c < 128 && !SECRET_ENDINGS.has(((a | 32) << 16) | ((b | 32) << 8) | (c | 32))) return false;
  let verdict = keyVerdicts.get(key);
  if (verdict === undefined) {
    verdict = SECRET_KEY.test(key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
    if (keyVerdicts.size > 10_000) keyVerdicts.clear(); // keys repeat; a hostile answer must not grow this forever
    keyVerdicts.set(key, verdict);
  }
  return verdict;
}

/** Whether the value of a secret-named field is masked: flags and nulls say nothing secret. */
export function isMaskable(value: unknown): boolean {
  return value !== null && value !== undefined && typeof value !== 'boolean';
}

const knownSecrets = new Set<string>();
let knownPattern: RegExp | null = null;
let shortestKnown = Infinity;
/** The known secrets as they appear inside JSON text too (JSON.stringify escapes quotes, backslashes, controls). */
let knownInJsonPattern: RegExp | null = null;

/** Registers a secret value (a token) so that it is masked wherever it appears, not only in URLs. */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < 8 || knownSecrets.has(value)) return;
  knownSecrets.add(value);
  // Longest first, so that a token containing another is masked whole.
  const sorted = [...knownSecrets].sort((a, b) => b.length - a.length);
  knownPattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
  const inJson = sorted.flatMap((secret) => {
    const escaped = JSON.stringify(secret).slice(1, -1);
    return escaped === secret ? [secret] : [secret, escaped];
  });
  knownInJsonPattern = new RegExp(inJson.map(escapeRegExp).join('|'));
  shortestKnown = Math.min(shortestKnown, value.length);
}

/** `text` with every known secret replaced by MASK; cheap when the text cannot contain one. */
export function maskKnownSecrets(text: string): string {
  if (knownPattern === null || text.length < shortestKnown) return text;
  knownPattern.lastIndex = 0;
  if (!knownPattern.test(text)) return text;
  knownPattern.lastIndex = 0;
  return text.replace(knownPattern, MASK);
}

/**
 * Whether JSON text (JSON.stringify's) may hold a known secret, so that its strings need masking:
 * the text as a whole is searched once instead of each string in it.
 */
export function mayHoldKnownSecret(json: string): boolean {
  if (knownInJsonPattern === null || json.length < shortestKnown) return false;
  return knownInJsonPattern.test(json);
}

// `name=value` in URLs and connection strings, for any secret-like name (sslpassword, api_key...).
const SECRET_PARAM = /\b([A-Za-z_]*(?:token|secret|password|passwd|api_?key)=)[^&\s"'#]+/gi;
// `scheme://user:password@host`
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/?#]+@/gi;
// `"key": "value"` in JSON text (log lines, error bodies).
const JSON_FIELD = /"((?:[^"\\]|\\.)*)"(\s*:\s*)"(?:[^"\\]|\\.)*"/g;

/** A text (a log line, a message, a URL) with secrets masked. */
export function redact(text: string): string {
  const out = text
    .replace(SECRET_PARAM, `$1${MASK}`)
    .replace(URL_PASSWORD, `$1${MASK}@`)
    .replace(JSON_FIELD, (whole, key: string, colon: string) => (isSecretKey(key) ? `"${key}"${colon}"${MASK}"` : whole));
  return maskKnownSecrets(out);
}

/**
 * Deep copy of a JSON-like value with secret-named fields masked and every string redacted.
 * Iterative, so that a value nested thousands of levels deep cannot overflow the stack.
 */
export function redactValue<T>(value: T): T {
  return mapJson(value, (text) => redact(text), (key) => key) as T;
}

/**
 * The JSON-walking core shared with the warehouse's cleaning and the capture's anonymizer: copies
 * `value` with `text` applied to every string value (told the key it sits under; inside an array,
 * the array's key), `key` to every object key, secret-named fields masked, and, past
 * `maxDepth` levels of nesting, the rest of a branch handed to `tooDeep` (which returns what to
 * keep in its place). Iterative: depth costs heap, never stack.
 */
export function mapJson(
  value: unknown,
  text: (s: string, under: string | null) => string,
  key: (k: string) => string,
  options: { maxDepth?: number; tooDeep?: (branch: unknown) => unknown } = {},
): unknown {
  const maxDepth = options.maxDepth ?? Infinity;
  const scalar = (v: unknown, under: string | null): unknown => (typeof v === 'string' ? text(v, under) : v instanceof Date ? v.toISOString() : v);
  if (!isContainer(value)) return scalar(value, null);
  const root = emptyLike(value);
  const stack: Frame[] = [frameOf(value, root, 1, null)];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    if (frame.next >= frame.size) {
      stack.pop();
      continue;
    }
    const index = frame.next++;
    const name = frame.keys ? (frame.keys[index] as string) : null;
    const child = name === null ? (frame.source as unknown[])[index] : (frame.source as Record<string, unknown>)[name];
    let copy: unknown;
    if (name !== null && isSecretKey(name) && isMaskable(child)) {
      copy = MASK;
    } else if (isContainer(child)) {
      if (frame.depth >= maxDepth && options.tooDeep) {
        copy = options.tooDeep(child);
      } else {
        copy = emptyLike(child);
        stack.push(frameOf(child, copy as Container, frame.depth + 1, name ?? frame.under));
      }
    } else {
      copy = scalar(child, name ?? frame.under);
    }
    if (name === null) (frame.target as unknown[]).push(copy === undefined ? null : copy);
    else if (copy !== undefined) (frame.target as Record<string, unknown>)[key(name)] = copy;
  }
  return root;
}

type Container = unknown[] | Record<string, unknown>;

interface Frame {
  source: Container;
  target: Container;
  keys: string[] | null;
  size: number;
  next: number;
  depth: number;
  /** The key this container sits under (an array's items inherit it). */
  under: string | null;
}

export function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null && !(value instanceof Date);
}

function emptyLike(value: Container): Container {
  return Array.isArray(value) ? [] : {};
}

function frameOf(source: Container, target: Container, depth: number, under: string | null): Frame {
  const keys = Array.isArray(source) ? null : Object.keys(source);
  return { source, target, keys, size: keys ? keys.length : (source as unknown[]).length, next: 0, depth, under };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
