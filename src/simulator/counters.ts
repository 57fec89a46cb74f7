import { type RankingKey, rankingKeyLabel } from '../domain/ranking.ts';

export type SimulatorOutcome =
  | 'ok'
  | 'unauthorized'
  | 'invalid'
  | 'notFound'
  | '429'
  | '5xx'
  | 'html'
  | 'stall'
  | 'truncated'
  | 'reset'
  | 'envelope'
  | 'quota'
  | 'rateLimited'
  /** A documented code answered as a fault or a ranking's quirk. */
  | '10001'
  | '20001'
  | '30001'
  | '30002'
  | '30003'
  | '40001'
  // Signed mode (signed-mode.ts).
  | 'tokenIssued'
  | 'tokenRefreshed'
  | 'tokenRefused'
  | 'refreshRefused'
  | 'tokenExpired'
  | 'badSignature';

function pageKey(label: string, page: number): string {
  return `${label}#${page}`;
}

/** What the simulator saw, so tests can prove call counts and the request rate. */
export class SimulatorCounters {
  /** Every request, unknown paths included. */
  total = 0;
  byOutcome = emptyOutcomes();
  /** Requests per `rankingKeyLabel(key)#page`, retries included, whatever the answer. */
  readonly byPage = new Map<string, number>();
  /** The `pagesize` each request asked for, per `rankingKeyLabel(key)`, in arrival order. */
  readonly pagesizes = new Map<string, number[]>();
  /** `performance.now()` at the arrival of each request, in arrival order. */
  readonly starts: number[] = [];

  recordStart(at: number): void {
    this.total += 1;
    this.starts.push(at);
  }

  recordPage(key: RankingKey, page: number, pagesize: number): void {
    const label = rankingKeyLabel(key);
    const name = pageKey(label, page);
    this.byPage.set(name, (this.byPage.get(name) ?? 0) + 1);
    const asked = this.pagesizes.get(label);
    if (asked) asked.push(pagesize);
    else this.pagesizes.set(label, [pagesize]);
  }

  /** The `pagesize` each request for a ranking asked for, in arrival order. */
  pagesizesFor(key: RankingKey): number[] {
    return this.pagesizes.get(rankingKeyLabel(key)) ?? [];
  }

  recordOutcome(outcome: SimulatorOutcome): void {
    this.byOutcome[outcome] += 1;
  }

  /** Requests for a ranking, or for one of its pages. */
  callsFor(key: RankingKey, page?: number): number {
    const label = rankingKeyLabel(key);
    if (page !== undefined) return this.byPage.get(pageKey(label, page)) ?? 0;
    let calls = 0;
    for (const [name, count] of this.byPage) {
      if (name.startsWith(`${label}#`)) calls += count;
    }
    return calls;
  }

  /** The most request arrivals in any window of `windowMs` (half-open: [t, t + windowMs)). */
  maxStartsInWindow(windowMs = 1000): number {
    const sorted = [...this.starts].sort((a, b) => a - b);
    let most = 0;
    let first = 0;
    for (let last = 0; last < sorted.length; last += 1) {
      while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= windowMs) first += 1;
      most = Math.max(most, last - first + 1);
    }
    return most;
  }

  reset(): void {
    this.total = 0;
    this.byOutcome = emptyOutcomes();
    this.byPage.clear();
    this.pagesizes.clear();
    this.starts.length = 0;
  }
}

function emptyOutcomes(): Record<SimulatorOutcome, number> {
  return {
    ok: 0,
    unauthorized: 0,
    invalid: 0,
    notFound: 0,
    '429': 0,
    '5xx': 0,
    html: 0,
    stall: 0,
    truncated: 0,
    reset: 0,
    envelope: 0,
    quota: 0,
    rateLimited: 0,
    '10001': 0,
    '20001': 0,
    '30001': 0,
    '30002': 0,
    '30003': 0,
    '40001': 0,
    tokenIssued: 0,
    tokenRefreshed: 0,
    tokenRefused: 0,
    refreshRefused: 0,
    tokenExpired: 0,
    badSignature: 0,
  };
}
