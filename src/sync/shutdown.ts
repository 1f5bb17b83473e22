import type { Logger } from '../logger.js';
import { PancakeError } from '../pancake/errors.js';

// SIGTERM (a scheduler stopping the job) or SIGINT (Ctrl-C) during a run: the API pages already in
// hand are stored and committed, no new request is sent, the run is recorded as `interrupted` and the
// process exits. The HTTP client refuses new requests once the signal below is aborted, so every
// stream ends at its next request, with its last page committed. A second signal stops at once.

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Aborts `controller` on the first SIGTERM/SIGINT. Other listeners of those signals (the embedded
 * Postgres stops its server on them) are set aside meanwhile; a second signal gives them back and
 * delivers the signal again, for an immediate stop. Returns the function that uninstalls all this.
 */
export function stopOnSignals(controller: AbortController, log: Logger): () => void {
  const setAside = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const restore = () => {
    for (const signal of SIGNALS) {
      process.removeListener(signal, onSignal);
      for (const listener of setAside.get(signal) ?? []) if (!process.listeners(signal).includes(listener)) process.on(signal, listener);
    }
  };
  function onSignal(signal: NodeJS.Signals): void {
    if (controller.signal.aborted) {
      log.warn(`${signal} again: stopping at once`);
      restore();
      process.kill(process.pid, signal);
      return;
    }
    log.warn(`${signal}: finishing the API pages in hand, then stopping (send it again to stop at once); the next run resumes from here`);
    controller.abort(new PancakeError(`stopped by ${signal} before this request was sent`, { kind: 'interrupted' }));
  }
  for (const signal of SIGNALS) {
    process.removeAllListeners(signal);
    process.on(signal, onSignal);
  }
  return restore;
}

/** Whether a stream (or the run) ended because the process is stopping. */
export function isInterruption(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof PancakeError && e.kind === 'interrupted') return true;
  }
  return false;
}
