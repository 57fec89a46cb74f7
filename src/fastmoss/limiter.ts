/**
 * A budget of request starts shared beyond this process (e.g. by every worker on one database).
 * `waitForStart` resolves when one more request may start now; the client calls it once per
 * attempt, after its own RequestLimiter has admitted the attempt, so a slot of the shared budget
 * is never held by a request still waiting for a local concurrency slot.
 */
export interface RequestStartGate {
  waitForStart(): Promise<void>;
  /**
   * FastMoss said "access frequency limit exceeded": no request of any process sharing the gate
   * starts within the next `delayMs`. Optional; a gate without it slows only this client.
   */
  slowDown?(delayMs: number): Promise<void>;
}

/** Gives back the concurrency slot taken by `acquire`. Idempotent. */
export type ReleaseSlot = () => void;

export interface RequestLimiterOptions {
  /** Most request starts in any window of `windowMs`. */
  rps: number;
  /** Most requests in flight at once. */
  concurrency: number;
  /** Length of the rate window; a little over a second absorbs arrival jitter at the server. */
  windowMs?: number;
  /**
   * Starts allowed back to back. Default 1: starts are paced evenly, one per windowMs/rps, which
   * keeps upstream load smooth and leaves slack for jitter; n allows n per windowMs*n/rps.
   */
  burst?: number;
  now?: () => number;
  /** Called when a start had to wait for a slot or for the window; `waitedMs` > 0. */
  onWait?: (waitedMs: number) => void;
}

interface Waiter {
  enqueuedAt: number;
  grant: (release: ReleaseSlot) => void;
}

/**
 * Admits request starts, first come first served: never more than `rps` in ANY window of
 * `windowMs` (a sliding log of the last `burst` start times, not a refilling bucket, which would
 * let a full bucket plus its refill put 2x rps into one second), and never more than
 * `concurrency` in flight. One per client, shared by every request and retry.
 */
export class RequestLimiter {
  /** Starts allowed per (shortened) window. */
  private readonly capacity: number;
  private readonly concurrency: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly onWait: ((waitedMs: number) => void) | undefined;
  /** Start times of the last `capacity` admitted requests, oldest first. */
  private readonly recentStarts: number[] = [];
  private readonly queue: Waiter[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: RequestLimiterOptions) {
    if (!(options.rps > 0) || !(options.concurrency >= 1)) {
      throw new RangeError('RequestLimiter needs rps > 0 and concurrency >= 1');
    }
    this.capacity = Math.max(1, Math.min(Math.floor(options.burst ?? 1), Math.floor(options.rps)));
    this.concurrency = Math.floor(options.concurrency);
    this.windowMs = ((options.windowMs ?? 1000) * this.capacity) / options.rps;
    this.now = options.now ?? (() => performance.now());
    this.onWait = options.onWait;
  }

  /** Resolves when this request may start; call the returned function when it has finished. */
  acquire(): Promise<ReleaseSlot> {
    return new Promise((grant) => {
      this.queue.push({ enqueuedAt: this.now(), grant });
      this.pump();
    });
  }

  /** Requests waiting for a start. */
  get pending(): number {
    return this.queue.length;
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.concurrency) {
      const now = this.now();
      const waitMs = this.windowWait(now);
      if (waitMs > 0) {
        this.schedule(waitMs);
        return;
      }
      const waiter = this.queue.shift();
      if (!waiter) return;
      this.recentStarts.push(now);
      if (this.recentStarts.length > this.capacity) this.recentStarts.shift();
      this.inFlight += 1;
      const waited = now - waiter.enqueuedAt;
      if (waited > 0.5) this.onWait?.(Math.round(waited));
      waiter.grant(this.releaser());
    }
  }

  /** How long until one more start fits in the window ending now. */
  private windowWait(now: number): number {
    if (this.recentStarts.length < this.capacity) return 0;
    const oldest = this.recentStarts[0] ?? now;
    return Math.max(0, oldest + this.windowMs - now);
  }

  private schedule(waitMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.ceil(waitMs));
  }

  private releaser(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      this.pump();
    };
  }
}
