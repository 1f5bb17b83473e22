// Tokens travel as query parameters (docs/pancake-api.md), so any URL, error message or object that
// leaves the process must pass through here first.

const TOKEN_PARAM = /((?:page_)?access_token=)[^&\s"'#]+/gi;
const TOKEN_FIELD = /("(?:page_)?access_token"\s*:\s*")[^"]*"/gi;

const knownSecrets = new Set<string>();

/** Registers a secret value (a token) so that it is masked wherever it appears, not only in URLs. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 8) knownSecrets.add(value);
}

export function redact(text: string): string {
  let out = text.replace(TOKEN_PARAM, '$1***').replace(TOKEN_FIELD, '$1***"');
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  return out;
}

/** Deep copy of a JSON-like value with every string redacted and token-named fields masked. */
export function redactValue<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map(walk);
  if (value && typeof value === 'object') {
    if (value instanceof Date) return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = /access_token|^token$|password/i.test(key) && inner != null ? '***' : walk(inner);
    }
    return out;
  }
  return value;
}
