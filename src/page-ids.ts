// Page ids are opaque strings: Facebook pages have digit ids, other channels carry a prefix
// (`web_1664524051101747`, `waba_…`, personal Zalo, Instagram, …). A page id becomes a URL path
// segment, a folder name of a capture, an item of a list in the configuration and part of log lines,
// so this is the one check every id passes wherever it comes from (settings, flags, the API's page
// list, the client): it must not contain what would change a path or a URL (separators, slashes,
// `%`, whitespace, quotes, control characters), nor be `.` or `..` (it starts with a letter or a
// digit), nor be longer than any real id.

const PAGE_ID = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,199}$/;

/** How a valid page id looks, for error messages. */
export const PAGE_ID_FORM = 'letters, digits and _ . @ + -, starting with a letter or digit, at most 200 characters (e.g. 1234567890123456 or web_1664524051101747)';

export function isValidPageId(id: unknown): id is string {
  return typeof id === 'string' && PAGE_ID.test(id);
}

/** Why `id` is not a page id, phrased to follow it ("… is not a page id"); null when it is one. */
export function pageIdProblem(id: unknown): string | null {
  if (isValidPageId(id)) return null;
  if (typeof id !== 'string') return `is not a page id (a ${id === null ? 'null' : typeof id})`;
  return id.length > 200 ? 'is not a page id (longer than 200 characters)' : 'is not a page id';
}

/** A page id as a log line or message shows it: quoted, cut to 60 characters, control characters escaped. */
export function showId(id: unknown): string {
  const text = typeof id === 'string' ? id : String(id);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
