/*
 * Two streaks across rankings that stop a run before it spends calls for nothing, and hold new
 * requests back while a streak is running so that the stop comes after a bounded number of calls
 * whatever the concurrency:
 *
 * - AccessStreak: refusals (code 30001, no access permission) in a row. Until FastMoss has once
 *   answered with access (a page, or "not found"), no more requests are in flight than refusals
 *   still allowed, so a plan the account has no access to at all costs at most `limit` calls.
 * - ReachabilityStreak: rankings whose request gave up because FastMoss could not be reached at
 *   all (refused connection, DNS, TLS), with no HTTP answer in between. While FastMoss is
 *   unreachable, no new request starts while those already out (in flight or retrying) probe
 *   it, so the stop comes after at most max(limit, requests in flight when it began) x
 *   ETL_MAX_ATTEMPTS connection attempts; before any answer the access streak keeps that to
 *   `limit` in flight.
 *
 * Pure bookkeeping, no I/O: the client reports what happened and awaits `admit` before a start.
 */

/** Rankings in a row that could not reach FastMoss at all, after which the run stops. */
export const UNREACHABLE_RANKINGS_TO_STOP = 3;

/** Resolves waiters when the state they wait on may have changed. */
class Wakeups {
  private waiters: (() => void)[] = [];

  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  wakeAll(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
  }
}

export type AccessAnswer = 'access' | 'refused' | 'other';

export class AccessStreak {
  private proven = false;
  private refusals = 0;
  private unanswered = 0;
  private stopped = false;
  private readonly wakeups = new Wakeups();

  constructor(private readonly limit: number) {}

  /**
   * Waits until one more request may be in flight, and counts it in flight (in the same turn,
   * so concurrent callers cannot all pass on one free place). Then `answered` or `leave`.
   */
  async enter(): Promise<void> {
    while (!this.stopped && !this.proven && this.unanswered + this.refusals >= this.limit) {
      await this.wakeups.wait();
    }
    this.unanswered += 1;
  }

  /** Gives back a place taken by `enter` without sending the request. */
  leave(): void {
    this.unanswered = Math.max(0, this.unanswered - 1);
    this.wakeups.wakeAll();
  }

  /**
   * A request `started` has been answered (or failed below HTTP: `other`). True when this answer
   * makes `limit` refusals in a row: the run must stop.
   */
  answered(answer: AccessAnswer): boolean {
    this.unanswered = Math.max(0, this.unanswered - 1);
    if (answer === 'access') {
      this.proven = true;
      this.refusals = 0;
    } else if (answer === 'refused') {
      this.refusals += 1;
    }
    const stop = this.refusals >= this.limit;
    if (stop) this.stopped = true;
    this.wakeups.wakeAll();
    return stop;
  }

  /** Refusals in a row so far. */
  get inARow(): number {
    return this.refusals;
  }

  /** The run stopped for another reason: let every waiter go (it will find the run stopped). */
  release(): void {
    this.stopped = true;
    this.wakeups.wakeAll();
  }
}

export class ReachabilityStreak {
  /**
   * Requests that have started and had no HTTP answer since: in flight with their first
   * attempt, or retrying after failing to reach FastMoss. Counting the first ones too matters:
   * a request that gave up while another's first attempt was still out must not let a new one
   * start as if nobody probed (on a busy machine it let a fourth ranking make three attempts).
   */
  private readonly probing = new Set<symbol>();
  /** Rankings given up as unreachable since the last HTTP answer. */
  private readonly gaveUp = new Set<string>();
  private unreachable = false;
  private stopped = false;
  private readonly wakeups = new Wakeups();

  constructor(private readonly limit: number) {}

  /**
   * Whether a request may make its first attempt now: not while FastMoss is unreachable and
   * requests already out (in flight or retrying) probe it. Otherwise wait for `changed`.
   */
  mayStart(): boolean {
    return this.stopped || !this.unreachable || this.probing.size === 0;
  }

  /** `request` makes an attempt now (once `mayStart` let it, and for each retry). */
  started(request: symbol): void {
    this.probing.add(request);
  }

  /** Resolves at the next change that can make `mayStart` true. */
  changed(): Promise<void> {
    return this.wakeups.wait();
  }

  /** Any HTTP answer: FastMoss is reachable; the streak starts again from nothing. */
  reached(request: symbol): void {
    this.probing.delete(request);
    this.gaveUp.clear();
    this.unreachable = false;
    this.wakeups.wakeAll();
  }

  /** An attempt of `request` could not reach FastMoss; it will be retried. */
  failedToReach(request: symbol): void {
    this.unreachable = true;
    this.probing.add(request);
  }

  /**
   * `request`, for `ranking`, gave up after its attempts without reaching FastMoss. True when
   * this makes `limit` rankings in a row: the run must stop.
   */
  gaveUpOn(request: symbol, ranking: string): boolean {
    this.probing.delete(request);
    this.gaveUp.add(ranking);
    const stop = this.gaveUp.size >= this.limit;
    if (stop) this.stopped = true;
    this.wakeups.wakeAll();
    return stop;
  }

  /** `request` ended some other way (another error): it no longer probes. */
  settled(request: symbol): void {
    if (this.probing.delete(request)) this.wakeups.wakeAll();
  }

  /** Rankings given up as unreachable in a row so far. */
  get inARow(): number {
    return this.gaveUp.size;
  }

  release(): void {
    this.stopped = true;
    this.wakeups.wakeAll();
  }
}
