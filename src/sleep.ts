// The project's one sleep (the client's retries and pace, the warehouse's lock and start-up polls): a
// stop signal cuts it short, rejecting with the signal's reason (pancake-sync aborts with an
// `interrupted` error, which the runner recognises), and it leaves no timer behind either way.

/** Waits `ms`; rejects with `signal.reason` as soon as the signal aborts (or at once if it has). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
