import { coverageEnd, type RangeRequest } from './engines/coverage.js';

// The newest days of a page first, with the page's whole request budget. A backfill of months must
// not keep a user waiting for this week's conversations: the conversations walk already goes newest
// first and messages follow it, but every other stream of the page (customers, statistics, posts,
// ...) used to share the page token with them from the first second. Now:
//  - the walk (conversations) reads the newest days, then pauses at their edge (the horizon);
//  - the follower (messages) visits their conversations, newest first;
//  - every other stream of the page waits until both have caught up, or ended.
// Measured by bench/backfill.ts: `recent_first_ideal_ratio`, the time until the newest 7 days are
// complete ÷ the time their fewest requests take at the rate limit (bench/README.md, "Backfill").

/** How many of the newest days go first. */
export const NEWEST_DAYS = 7;
const DAY_MS = 86_400_000;

/** A page's newest days, from the walk's and the follower's side. */
export interface RecentFirst {
  /** Records updated from here on are the newest days. */
  readonly horizon: Date;
  /** Settles once the walk has read everything from the horizon on (or has ended). */
  readonly reached: Promise<void>;
  /** Settles once the newest days are complete, or can no longer be completed by this run. */
  readonly complete: Promise<void>;
  walkReachedHorizon(): void;
  followerCaughtUp(): void;
  /** Whether the walk has reached the horizon and the follower is not done yet. */
  readonly followerBehind: boolean;
}

export function createRecentFirst(settings: Pick<RangeRequest, 'until' | 'safetyLagMs' | 'now'>, withFollower: boolean): RecentFirst {
  let reach: () => void = () => undefined;
  let catchUp: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const caughtUp = withFollower ? new Promise<void>((resolve) => (catchUp = resolve)) : Promise.resolve();
  let hasReached = false;
  let hasCaughtUp = !withFollower;
  return {
    horizon: new Date(coverageEnd(settings).getTime() - NEWEST_DAYS * DAY_MS),
    reached,
    complete: Promise.all([reached, caughtUp]).then(() => undefined),
    walkReachedHorizon() {
      hasReached = true;
      reach();
    },
    followerCaughtUp() {
      hasCaughtUp = true;
      catchUp();
    },
    get followerBehind() {
      return hasReached && !hasCaughtUp;
    },
  };
}

/**
 * The follower's visits, watched: once the walk has reached the horizon, no visit of a parent of the
 * newest days is running and `noneLeft` says none waits, the follower has caught up. Parents without
 * an update time count as newest (they are visited first).
 */
export function watchNewestVisits<Parent extends { updated_at: Date | null }>(recent: RecentFirst, visit: (parent: Parent) => Promise<void>, noneLeft: () => Promise<boolean>): (parent: Parent) => Promise<void> {
  let running = 0;
  const check = async (): Promise<void> => {
    if (running > 0 || !recent.followerBehind) return;
    // A failed look only delays the others: the follower's end completes the newest days anyway.
    if (await noneLeft().catch(() => false)) recent.followerCaughtUp();
  };
  void recent.reached.then(check);
  return async (parent) => {
    if (parent.updated_at !== null && parent.updated_at < recent.horizon) return visit(parent);
    running += 1;
    try {
      await visit(parent);
    } finally {
      running -= 1;
      void check();
    }
  };
}
