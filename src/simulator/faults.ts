import { seededRandom } from './random.ts';

/** A fault the simulator can answer with instead of serving the request. */
export type FaultKind =
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
  /** HTTP 200 with code != 0: "System busy, please try again later". */
  rateErrorEnvelope?: number;
  /** HTTP 200 with a quota-exhausted envelope. */
  rateQuota?: number;
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
