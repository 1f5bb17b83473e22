// The client's defaults, in one place: the library (createPancakeClient) uses them when an option is
// left out, and the configuration table (src/settings.ts) shows them as the settings' defaults.

/** The API refuses a since/until range longer than one month: 30 days is the one limit every window keeps. */
export const MAX_RANGE_SECONDS = 30 * 86_400;
/** The same limit in days (30): windows of days stay strictly inside it. */
export const MAX_RANGE_DAYS = MAX_RANGE_SECONDS / 86_400;
/** Requests per second per token: what public clients use as Pancake's limit (docs/pancake-api.md). */
export const DEFAULT_RATE_LIMIT = 5;
/** Above this a limit is a typo rather than a plan. */
export const MAX_RATE_LIMIT = 1000;
/** Per request attempt, body included. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Retries of a failed request; rate limits do not use them. */
export const DEFAULT_RETRIES = 6;
/** Requests in flight at once, over all tokens. */
export const DEFAULT_CONCURRENCY = 8;
/** The longest Retry-After obeyed before a request fails instead of waiting. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 5 * 60_000;
/** Zone of date_range strings when a page does not carry its own. */
export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';
export const DEFAULT_BASE_URL = 'https://pages.fm';
/** How long one request may keep being rate-limited before it fails. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 5 * 60_000;
/** How long a page's requests may be held back by rate limits in one run before they fail. */
export const DEFAULT_RATE_LIMIT_RUN_WAIT_MS = 60 * 60_000;
