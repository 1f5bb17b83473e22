// Small coercions used by every stream's mapping. The API is loose with types (ids as numbers or
// strings, fields missing or null), and one odd record must never stop a run: anything that is not
// what a column expects becomes null, and the record stays whole in `raw`.

export function str(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function bool(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

export function int(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? Math.trunc(n) : null;
}

export function num(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/**
 * A record's id as its key column holds it: a non-empty string, or a finite number as text. Null
 * for anything else (missing, null, "", an object): such a record cannot be a row, or every one of
 * them would become the row 'undefined'.
 */
export function usableId(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}
