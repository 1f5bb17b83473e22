import pLimit from 'p-limit';

// Visiting the parents a per-parent stream walks (conversations, for messages) newest first, while
// the stream that stores them may still be walking. Parents are taken from the warehouse in slices
// and handed to `concurrency` visits without waiting for a slice to end, so a slow visit never
// leaves the others idle. A parent still being visited, or whose visit ended while the slice naming
// it was read, is never taken twice. The upstream is followed through the warehouse (what it
// committed is what `next` finds) and its promise: once it has ended, a pass that finds nothing
// left and nothing in flight ends the visits.

/** Parents taken at once: with the visits running, at most this many wait, which bounds memory. */
const SLICE = 500;

/** How long to look again later when nothing new was found but the upstream or a visit is still busy. */
const POLL_MS = 100;

/**
 * Passes that still found parents once the upstream had ended; what is left after them (parents
 * changed again and again during the run) waits for the next run, and status shows it.
 */
const MAX_PASSES_AFTER_UPSTREAM = 3;

export interface ParentVisits<Parent extends { id: string }> {
  concurrency: number;
  /** Settles when the stream that stores the parents has ended; absent when it is not running. */
  upstream?: Promise<unknown>;
  /** Up to `limit` parents waiting for a visit, newest first, after `after` (null: from the newest). */
  next(after: Parent | null, limit: number): Promise<Parent[]>;
  visit(parent: Parent): Promise<void>;
  /** Called before each slice is taken (for progress): whether the upstream still runs. */
  onSlice?(upstreamRunning: boolean): void;
}

export async function visitParents<Parent extends { id: string }>(options: ParentVisits<Parent>): Promise<void> {
  const limit = pLimit(options.concurrency);
  const inFlight = new Set<string>();
  // Plain callbacks rather than Promise.race over the visits: every race leaves a reaction on each
  // pending visit, and a long backfill makes thousands of them.
  let onEnd: Array<() => void> = [];
  let onIdle: Array<() => void> = [];
  const call = (callbacks: Array<() => void>): void => callbacks.forEach((callback) => callback());
  const visitEnded = (): Promise<void> => new Promise((resolve) => onEnd.push(resolve));
  const drainTo = async (count: number): Promise<void> => {
    while (inFlight.size > count) await visitEnded();
  };
  /** Until no visit is in flight, the upstream ends, or `ms` pass. */
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        onIdle = onIdle.filter((callback) => callback !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      onIdle.push(done);
    });
  let failure: { error: unknown } | null = null;
  let upstreamDone = options.upstream === undefined;
  void options.upstream?.finally(() => {
    upstreamDone = true;
    call(onIdle);
  });
  // When each parent's last visit ended, counted in visits ended: a slice whose query began before
  // a visit ended may still show that parent as waiting (the query read the warehouse before the
  // visit committed), and must not start it again. A later pass finds it if it really waits.
  let visitsEnded = 0;
  const endedAt = new Map<string, number>();
  const launch = (parent: Parent): void => {
    inFlight.add(parent.id);
    void limit(() => options.visit(parent))
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => {
        inFlight.delete(parent.id);
        endedAt.set(parent.id, ++visitsEnded);
        const ended = onEnd;
        onEnd = [];
        call(ended);
        if (inFlight.size === 0) call(onIdle);
      });
  };
  const settle = async (): Promise<void> => {
    await drainTo(0);
    if (failure) throw failure.error;
  };

  for (let passesAfter = 0; ; ) {
    const finalPass = upstreamDone;
    let after: Parent | null = null;
    let launched = 0;
    let deferred = 0;
    // One pass: newest first. A parent that changes while the pass runs moves ahead of where the
    // pass stands; the next pass takes it.
    for (;;) {
      if (failure) return settle();
      // The next slice is taken when the visits are about to run out of queued parents.
      await drainTo(options.concurrency);
      options.onSlice?.(!upstreamDone);
      const queriedAfter = visitsEnded;
      const slice = await options.next(after, SLICE);
      for (const parent of slice) {
        if (inFlight.has(parent.id)) continue;
        if ((endedAt.get(parent.id) ?? 0) > queriedAfter) {
          deferred += 1;
          continue;
        }
        launch(parent);
        launched += 1;
      }
      if (slice.length < SLICE) break;
      after = slice[slice.length - 1]!;
    }
    if (launched === 0 && deferred === 0 && inFlight.size === 0 && finalPass) return settle();
    if (finalPass && launched + deferred > 0 && ++passesAfter >= MAX_PASSES_AFTER_UPSTREAM) return settle();
    // Look again only when the visits are about to run out of work (while parents are queued
    // beyond the visits running, a query would only find those again), and then not more often
    // than every POLL_MS unless the visits or the upstream have ended.
    await drainTo(options.concurrency);
    if (inFlight.size > 0 || !upstreamDone) await pause(POLL_MS);
  }
}
