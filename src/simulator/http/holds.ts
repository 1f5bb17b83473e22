// Held answers: requests a test picks wait, unanswered, until it lets them go. A test that must act
// while a client is at a known point of its work (kill a process after its n-th request, stop a
// worker while it holds a task) holds the requests from that point on instead of racing the client
// with a polling timer: however slow the machine, the client cannot get past the point meanwhile.

import type { RequestLogEntry } from './request-log.js';

/** One holdRequests() call: what it holds, and how to let the requests go. */
export interface RequestHold {
  /** Requests waiting now. */
  readonly waiting: number;
  /** Resolves when a first request is held. */
  readonly reached: Promise<void>;
  /** Answers every held request and holds no more. */
  release(): void;
}

interface ActiveHold {
  which: (entry: RequestLogEntry) => boolean;
  waiting: number;
  reached: () => void;
  released: Promise<void>;
  release: () => void;
}

export class RequestHolds {
  private readonly active = new Set<ActiveHold>();

  add(which: (entry: RequestLogEntry) => boolean): RequestHold {
    let reached!: () => void;
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const hold: ActiveHold = { which, waiting: 0, reached, released, release: () => {} };
    hold.release = () => {
      this.active.delete(hold);
      release();
    };
    this.active.add(hold);
    return {
      get waiting() {
        return hold.waiting;
      },
      reached: reachedPromise,
      release: hold.release,
    };
  }

  /**
   * Decided on arrival, in arrival order: every active hold sees every request (so a predicate may
   * count them); a request waits until every hold that picked it is released. Null: not held.
   */
  check(entry: RequestLogEntry): Promise<void> | null {
    const picked = [...this.active].filter((hold) => hold.which(entry));
    if (picked.length === 0) return null;
    for (const hold of picked) {
      hold.waiting += 1;
      hold.reached();
    }
    return Promise.all(picked.map((hold) => hold.released.then(() => void (hold.waiting -= 1)))).then(() => undefined);
  }

  /** Lets every request go (the server is closing). */
  releaseAll(): void {
    for (const hold of [...this.active]) hold.release();
  }
}
