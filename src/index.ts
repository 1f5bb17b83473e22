// The library entry: `import { createPancakeClient } from 'pancake-sync'`. One typed method per
// Pancake API endpoint (reads, iterators and writes), with the CLI's rate limiting, retries and token
// redaction. client.ts re-exports each endpoint family's parameter types, so a family added there is
// public here without touching this file.

export * from './pancake/client.js';
export { PancakeArgumentError, PancakeError, StuckWalkError, isRetryable, type PancakeErrorKind } from './pancake/errors.js';
export type { HttpStats } from './pancake/http.js';
export type { Instant } from './pancake/time.js';
export type * from './pancake/types.js';
export type * from './pancake/types.js';
export type * from './pancake/types.js';
export type { Logger } from './logger.js';
