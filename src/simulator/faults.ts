import type { DocumentedCode } from './codes.ts';
import { seededRandom } from './random.ts';

/** A fault the simulator can answer with instead of serving the request. */
export type FaultKind =
  /** HTTP 200 with that documented code of FastMoss's guide and its message. */
  | `${DocumentedCode}`
  | '429'
  | '5xx'
  | 'html'
  | 'html200'
  | 'stall'
  | 'truncated'
  | 'reset'
  | 'envelope'
  | 'quota'
  | 'unauthorized';

/** One scripted answer: `ok` serves the request normally (auth and validation still apply). */
export type ScriptStep = 'ok' | FaultKind;

export interface FaultOptions {
  /** HTTP 429 with `Retry-After: retryAfterSeconds`. */
  rate429?: number;
  /** HTTP 500/502/503/504. */
  rate5xx?: number;
  /** An HTML error page, HTTP 502 or 200, `text/html`. */
  rateHtml?: number;
  /** No answer for `stallMs`; then the request is served if `stallThenAnswer`, else never. */
  rateStall?: number;
  /** Half the JSON body, then a clean end of a chunked response. */
  rateTruncated?: number;
  /** The socket destroyed without an answer. */
  rateReset?: number;
  /** HTTP 200 with code 40001 "Service exception" (the same as `rate40001`, an older name). */
  rateErrorEnvelope?: number;
  /** HTTP 200 with code 30002 "Data limit exceeded" (the same as `rate30002`, an older name). */
  rateQuota?: number;
  /** HTTP 200 with code 10001, parameter error. */
  rate10001?: number;
  /** HTTP 200 with code 20001, resource not found. */
  rate20001?: number;
  /** HTTP 200 with code 30001, no access permission. */
  rate30001?: number;
  /** HTTP 200 with code 30002, data limit exceeded. */
  rate30002?: number;
  /** HTTP 200 with code 30003, access frequency limit exceeded. */
  rate30003?: number;
  /** HTTP 200 with code 40001, service exception. */
  rate40001?: number;
  /** Sent with 429s. Default 1. */
  retryAfterSeconds?: number;
  /** Default 60 000. */
  stallMs?: number;
  /** Default false: a stalled request is never answered. */
  stallThenAnswer?: boolean;
  /** Answers for the next requests, one each, before any random fault is drawn. */
  script?: ScriptStep[];
}

const RANDOM_FAULTS = [
  ['rate429', '429'],
  ['rate5xx', '5xx'],
  ['rateHtml', 'html'],
  ['rateStall', 'stall'],
  ['rateTruncated', 'truncated'],
  ['rateReset', 'reset'],
  ['rateErrorEnvelope', 'envelope'],
  ['rateQuota', 'quota'],
  ['rate10001', '10001'],
  ['rate20001', '20001'],
  ['rate30001', '30001'],
  ['rate30002', '30002'],
  ['rate30003', '30003'],
  ['rate40001', '40001'],
] as const;

/**
 * Decides each request's fate: the script first, then one seeded draw against the cumulative
 * rates, so a given seed and request order always gives the same faults.
 */
export class FaultPlan {
  private options: FaultOptions = {};
  private script: ScriptStep[] = [];
  private random: () => number;

  constructor(
    options: FaultOptions,
    private readonly seed: number,
  ) {
    this.random = seededRandom(seed);
    this.set(options);
  }

  set(options: FaultOptions): void {
    this.options = { ...options };
    this.script = [...(options.script ?? [])];
  }

  get settings(): Readonly<FaultOptions> {
    return this.options;
  }

  /** Restarts the random sequence, and the script from its beginning. */
  reset(): void {
    this.random = seededRandom(this.seed);
    this.script = [...(this.options.script ?? [])];
  }

  next(): ScriptStep {
    const scripted = this.script.shift();
    if (scripted !== undefined) return scripted;
    const rates = RANDOM_FAULTS.map(([option, kind]) => [this.options[option] ?? 0, kind] as const);
    if (!rates.some(([rate]) => rate > 0)) return 'ok';
    let point = this.random();
    for (const [rate, kind] of rates) {
      point -= rate;
      if (point < 0) return kind === 'html' && this.random() < 0.5 ? 'html200' : kind;
    }
    return 'ok';
  }

  /** A second seeded draw, for choices within a fault (which 5xx status). */
  draw(): number {
    return this.random();
  }
}
