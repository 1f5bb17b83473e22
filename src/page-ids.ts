// Page ids are opaque strings: Facebook pages have digit ids, other channels carry a prefix
// (`web_1664524051101747`, `waba_…`, personal Zalo, Instagram, …). What an id must not contain is what
// would change a URL path, a list in the configuration or a log line: separators, slashes,
// whitespace, quotes and control characters.

const PAGE_ID = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,199}$/;

/** How a valid page id looks, for error messages. */
export const PAGE_ID_FORM = 'letters, digits and _ . @ + - (e.g. 1234567890123456 or web_1664524051101747)';

export function isValidPageId(id: string): boolean {
  return PAGE_ID.test(id);
}
