// The one polling loop of the tests: every wait for a condition has a deadline, generous enough for
// a busy 2-core machine, and says what it was waiting for when it gives up. A test never sleeps for
// a fixed time to let something happen.

import { sleep } from '../../src/sleep.js';

/** Long enough for a child process to start and work on a loaded CI machine; a hang still ends. */
export const WAIT_TIMEOUT_MS = 120_000;

/**
 * Polls `condition` every `everyMs` until it holds; throws after `timeoutMs`, naming `what` (a
 * string, or a function that describes the state it saw).
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string | (() => string), options: { timeoutMs?: number; everyMs?: number } = {}): Promise<void> {
  const { timeoutMs = WAIT_TIMEOUT_MS, everyMs = 10 } = options;
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(everyMs);
  }
}
