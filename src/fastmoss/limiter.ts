import type { RunStopError } from './errors.ts';

/**
 * How late a request's first byte may be written after the moment its start was granted. A start
 * is paced by the moment it was granted, but its bytes leave later: after the grant come the
 * request's signature, undici's dispatch and, for a new connection, the connect, and on a starved
 * machine each of those waits for the CPU. Two starts granted a spacing apart can then be written
 * almost together, and the server sees more than `rps` in a second. So the client checks the
 * permit right before the write (see send-on-time.ts) and, past this, sends nothing and asks for a
 * new start. Spacings hold at the socket to within this much, out of the 5% margin of the
 * 1,050 ms windows (50 ms over a window); the rest absorbs delays on the way to the server.
 */
export const START_TOLERANCE_MS = 15;

/**
 * Leave to start one request, checked again right before its first byte is written: a start the
 * machine delayed past its tolerance is not sent at all (no call is made) and a new one is asked
 * for, so late starts never bunch up behind punctual ones at the server.
 */
export interface StartPermit {
  /** True while the request may still be written now. */
  onTime(): boolean;
}

/**
 * Calls of one ranking counted against the day's cap ahead of their starts. The ranking takes one
 * for each start; a start past them is counted alone, as without a reservation.
 */
export interface CallReservation {
  /** Takes one reserved call for a start; false when none is left. */
  take(): boolean;
  /**
   * Makes the calls not taken yet exactly `calls`: the surplus is given back to the day, a
   * shortfall is reserved too (throwing the cap's error, reserving nothing, if the day lacks it).
   */
  resize(calls: number): Promise<void>;
  /** Gives back every call not taken. Idempotent. */
  release(): Promise<void>;
}

/** No reservation: every start is counted alone. */
export const NO_RESERVATION: CallReservation = {
  take: () => false,
  resize: async () => {},
  release: async () => {},
};

/** A permit for a start whose moment no one keeps: always on time. */
export const UNPACED_START: StartPermit = { onTime: () => true };

/**
 * A budget of request starts shared beyond this process (e.g. by every worker on one database).
 * `waitForStart` resolves when one more request may start now; the client calls it once per
 * attempt, after its own RequestLimiter has admitted the attempt, so a slot of the shared budget
 * is never held by a request still waiting for a local concurrency slot. When a gate is given, its
 * permit, not the limiter's, decides whether the request may still be written.
 */
export interface RequestStartGate {
  /**
   * `missed`: the permit this same request was given last and could not use in time (nothing
   * was sent). A gate that counts calls when it grants a start must not count this one again.
   * `calls`: the ranking's reservation; a start it still covers was counted when it was taken.
   */
  waitForStart(missed?: StartPermit, calls?: CallReservation): Promise<StartPermit>;
  /**
   * Counts `calls` calls against a daily spend cap before the first of them starts, so a ranking
   * begins only when the day can pay for every page of it: one stopped by the cap halfway would
   * have its paid pages thrown away and bought again. Throws the cap's error, counting nothing,
   * when fewer remain. Optional; a gate without a cap need not have it.
   */
  reserveCalls?(calls: number): Promise<CallReservation>;
  /**
   * FastMoss stopped this client's run for the whole account (`error`, a used-up quota): the
   * other processes sharing the gate stop before their next start, without paying for the same
   * refusal. Optional; best effort.
   */
  recordStop?(error: RunStopError): Promise<void>;
  /**
   * FastMoss said "access frequency limit exceeded": no request of any process sharing the gate
   * starts within the next `delayMs`. Optional; a gate without it slows only this client.
   */
  slowDown?(delayMs: number): Promise<void>;
}

/** Gives back the concurrency slot taken by `acquire`. Idempotent. */
export type ReleaseSlot = () => void;

/** An admitted start: its concurrency slot, and leave to write it within the tolerance. */
export interface LimiterGrant {
  release: ReleaseSlot;
  /** On time until START_TOLERANCE_MS (or the `toleranceMs` option) after the grant. */
  permit: StartPermit;
}

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
  /** How late after its grant a start may still be written; default START_TOLERANCE_MS. */
  toleranceMs?: number;
  /** Called when a start had to wait for a slot or for the window; `waitedMs` > 0. */
  onWait?: (waitedMs: number) => void;
}

interface Waiter {
  enqueuedAt: number;
  /** Lower first; equal ones in arrival order. */
  priority: number;
  grant: (grant: LimiterGrant) => void;
}

/**
 * Admits request starts, the lowest `priority` number first, first come first served among equals:
 * never more than `rps` in ANY window of
 * `windowMs` (a sliding log of the last `burst` start times, not a refilling bucket, which would
 * let a full bucket plus its refill put 2x rps into one second), and never more than
 * `concurrency` in flight. One per client, shared by every request and retry. The pacing is of
 * grants; a grant's permit keeps it at the socket: a start written more than the tolerance after
 * its grant is not written (the client asks again, and the missed grant stays in the log, erring
 * slow), so any `rps + 1` writes span at least `windowMs` less the tolerance.
 */
export class RequestLimiter {
  /** Starts allowed per (shortened) window. */
  private readonly capacity: number;
  private readonly concurrency: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly toleranceMs: number;
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
    this.toleranceMs = options.toleranceMs ?? START_TOLERANCE_MS;
    this.onWait = options.onWait;
  }

  /**
   * Resolves when this request may start; call the grant's `release` when it has finished, and
   * check its permit right before writing the request. A waiter of lower `priority` is admitted
   * before any of higher; without one, after every waiter that has one.
   */
  acquire(priority = Number.POSITIVE_INFINITY): Promise<LimiterGrant> {
    return new Promise((grant) => {
      const waiter = { enqueuedAt: this.now(), priority, grant };
      // From the back: a new waiter usually goes last, or just ahead of the few it outranks.
      let at = this.queue.length;
      while (at > 0 && (this.queue[at - 1]?.priority ?? 0) > priority) at -= 1;
      this.queue.splice(at, 0, waiter);
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
      const grantedAt = now;
      waiter.grant({
        release: this.releaser(),
        permit: { onTime: () => this.now() - grantedAt <= this.toleranceMs },
      });
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
