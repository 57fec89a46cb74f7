/** How long to wait before the next attempt. Pure: the clock and the dice are passed in. */
export interface RetryTimingOptions {
  /** Ceiling of the first backoff; doubles per failed attempt. */
  baseMs: number;
  /** Largest backoff ceiling. */
  maxMs: number;
  /** Smallest delay, so full jitter never hammers the server at 0 ms. */
  floorMs: number;
  /** Largest `Retry-After` honoured; a server asking for longer gets this. */
  maxRetryAfterMs: number;
  /**
   * First wait after FastMoss says "access frequency limit exceeded" (30003); doubles per failed
   * attempt, up to `maxMs`. At least 1 s in production; tests shrink it.
   */
  slowDownMs: number;
}

export const DEFAULT_RETRY_TIMING: RetryTimingOptions = {
  baseMs: 500,
  maxMs: 30_000,
  floorMs: 100,
  maxRetryAfterMs: 30_000,
  slowDownMs: 1_000,
};

/**
 * `Retry-After` as milliseconds from `nowMs`: delay-seconds (`"2"`) or an HTTP date. Undefined
 * when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date names its weekday and month; Date.parse would also take "-3" as a year.
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const dateMs = Date.parse(text);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}

export interface RetryDelay {
  delayMs: number;
  source: 'retry-after' | 'backoff';
}

/**
 * The wait after `failedAttempts` failures (1 after the first). The server's `Retry-After` wins,
 * capped; otherwise exponential backoff with full jitter: uniform in
 * [floor, min(max, base * 2^(failedAttempts-1))].
 */
export function retryDelay(
  failedAttempts: number,
  retryAfterMs: number | undefined,
  random: () => number,
  options: RetryTimingOptions = DEFAULT_RETRY_TIMING,
): RetryDelay {
  if (retryAfterMs !== undefined) {
    return {
      delayMs: Math.min(Math.max(0, retryAfterMs), options.maxRetryAfterMs),
      source: 'retry-after',
    };
  }
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, failedAttempts - 1));
  const floor = Math.min(options.floorMs, ceiling);
  return { delayMs: Math.round(floor + random() * (ceiling - floor)), source: 'backoff' };
}

/**
 * The wait after `failedAttempts` answers of "access frequency limit exceeded": never less than
 * `slowDownMs`, doubling per attempt up to `maxMs`, plus up to a quarter of jitter so that
 * processes told at once do not come back at once. A longer `Retry-After` wins.
 */
export function slowDownDelay(
  failedAttempts: number,
  retryAfterMs: number | undefined,
  random: () => number,
  options: RetryTimingOptions = DEFAULT_RETRY_TIMING,
): RetryDelay {
  const growing = Math.min(
    options.maxMs,
    options.slowDownMs * 2 ** Math.max(0, failedAttempts - 1),
  );
  const backoff = Math.round(growing * (1 + random() / 4));
  const asked = Math.min(Math.max(0, retryAfterMs ?? 0), options.maxRetryAfterMs);
  return asked > backoff
    ? { delayMs: asked, source: 'retry-after' }
    : { delayMs: backoff, source: 'backoff' };
}
