import { isContainer, isMaskable, isSecretKey, mapJson, maskKnownSecrets, MASK } from '../redact.js';

// What a value must become before Postgres stores it: text without the characters Postgres
// refuses, no secret (see redact.ts), and a shape Postgres and this process can handle. A record
// that cannot be stored as it is gets reduced in one of the stated ways below, never dropped:
//  - nesting deeper than MAX_JSON_DEPTH levels: the deeper branch is kept as a JSON string;
//  - a row whose JSON is over MAX_ROW_JSON_CHARS: its strings longer than CUT_STRING_CHARS are cut,
//    with a marker saying how much was dropped; if that is not enough, `raw` becomes a stub.

/** Levels of nesting kept as JSON; real records have about ten. */
export const MAX_JSON_DEPTH = 64;
/** A row's JSON size (characters) above which its long strings are cut. */
export const MAX_ROW_JSON_CHARS = 32 * 1024 * 1024;
/** Length a string is cut to when its row is too large. */
export const CUT_STRING_CHARS = 1024 * 1024;

/**
 * Postgres text and jsonb refuse NUL characters and lone UTF-16 surrogates, which chat text from
 * the API can contain. Replace them rather than lose the whole batch.
 */
export function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.toWellFormed().replace(/\u0000/g, '');
}

/** A text value as it is stored: cleaned, and any secret this process knows masked. */
export function storableText(text: string): string {
  return maskKnownSecrets(cleanText(text));
}

/**
 * A JSON value as it is stored: strings cleaned and masked, keys cleaned, secret-named fields
 * masked, and branches deeper than MAX_JSON_DEPTH kept as JSON strings (`onTooDeep` is told).
 * Stack-safe at any depth.
 */
export function storableJson(value: unknown, onTooDeep: () => void = () => undefined): unknown {
  return mapJson(value, storableText, cleanText, {
    maxDepth: MAX_JSON_DEPTH,
    tooDeep: (branch) => {
      onTooDeep();
      return jsonText(branch);
    },
  });
}

/** `value` with every string longer than CUT_STRING_CHARS cut, saying so at its end. */
export function cutLongStrings(value: unknown): unknown {
  return mapJson(value, cutString, (key) => key);
}

function cutString(text: string): string {
  if (text.length <= CUT_STRING_CHARS) return text;
  return `${text.slice(0, CUT_STRING_CHARS).toWellFormed()}… [cut by pancake-sync: ${text.length - CUT_STRING_CHARS} more characters]`;
}

/** What replaces a `raw` that stays too large once its long strings are cut. */
export function rawStub(jsonChars: number): Record<string, unknown> {
  return { pancake_sync_reduced: `the record was ${jsonChars} characters of JSON, too large to store; its typed columns hold what could be kept` };
}

/**
 * JSON text of `value` with the same cleaning and masking as storableJson, at any depth: an
 * explicit stack instead of JSON.stringify's recursion.
 */
export function jsonText(value: unknown): string {
  const out: string[] = [];
  const stack: Array<{ source: unknown[] | Record<string, unknown>; keys: string[] | null; next: number; written: number }> = [];
  const emit = (item: unknown, name: string | null): void => {
    if (name !== null && isSecretKey(name) && isMaskable(item)) out.push(JSON.stringify(MASK));
    else if (isContainer(item)) {
      out.push(Array.isArray(item) ? '[' : '{');
      stack.push({ source: item, keys: Array.isArray(item) ? null : Object.keys(item), next: 0, written: 0 });
    } else out.push(scalarJson(item));
  };
  emit(value, null);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as (typeof stack)[number];
    const size = frame.keys ? frame.keys.length : (frame.source as unknown[]).length;
    if (frame.next >= size) {
      out.push(frame.keys ? '}' : ']');
      stack.pop();
      continue;
    }
    const index = frame.next++;
    if (frame.keys) {
      const name = frame.keys[index] as string;
      const item = (frame.source as Record<string, unknown>)[name];
      if (item === undefined || typeof item === 'function') continue;
      out.push(`${frame.written++ > 0 ? ',' : ''}${JSON.stringify(cleanText(name))}:`);
      emit(item, name);
    } else {
      if (frame.written++ > 0) out.push(',');
      emit((frame.source as unknown[])[index] ?? null, null);
    }
  }
  return out.join('');
}

function scalarJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(storableText(value));
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  return 'null';
}
