/** Where progress goes: stderr, or a fake in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressCounts {
  /** Rankings finished, whatever their outcome. */
  done: number;
  failed: number;
  total: number;
}

export type ProgressOutcome = 'loaded' | 'failed' | 'skipped';

export interface ProgressReporter {
  rankingFinished(outcome: ProgressOutcome): void;
  /** Stops reporting and clears the bar; prints nothing, as the caller prints the summary. */
  finish(): void;
}

/** `45s`, `2m05s`, `1h02m`: short enough for one terminal line. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  const minutes = Math.floor(whole / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** Rankings finished per second so far; 0 before any time has passed. */
export function progressRate(done: number, elapsedSeconds: number): number {
  return elapsedSeconds > 0 ? done / elapsedSeconds : 0;
}

/** Seconds left at the rate so far, or undefined while there is no rate to go by. */
export function etaSeconds(counts: ProgressCounts, elapsedSeconds: number): number | undefined {
  const rate = progressRate(counts.done, elapsedSeconds);
  if (counts.done >= counts.total) return 0;
  return rate > 0 ? (counts.total - counts.done) / rate : undefined;
}

function formatRate(rate: number): string {
  return `${rate < 10 ? rate.toFixed(1) : Math.round(rate)}/s`;
}

const BAR_WIDTH = 20;

/** E.g. `[#####---------------] 120/480 rankings 25% | 3 failed | 2.4/s | ETA 2m30s`. */
export function formatProgress(
  counts: ProgressCounts,
  elapsedSeconds: number,
  options: { bar: boolean },
): string {
  const fraction = counts.total > 0 ? Math.min(1, counts.done / counts.total) : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = options.bar ? `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ` : '';
  const eta = etaSeconds(counts, elapsedSeconds);
  return [
    `${bar}${counts.done}/${counts.total} rankings ${Math.floor(fraction * 100)}%`,
    `${counts.failed} failed`,
    formatRate(progressRate(counts.done, elapsedSeconds)),
    `ETA ${eta === undefined ? '--' : formatDuration(eta)}`,
  ].join(' | ');
}

const CLEAR_LINE = '\r\x1b[2K';
const REDRAW_MS = 100;

/**
 * On a terminal, one line redrawn in place (at most every 100 ms, and every second while idle so
 * the rate and ETA stay current). Elsewhere, as in a log file, a plain line every
 * `intervalSeconds` and at each further 10% of the total.
 */
export function createProgressReporter(options: {
  total: number;
  stream?: ProgressStream;
  clock?: () => number;
  intervalSeconds?: number;
}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const clock = options.clock ?? Date.now;
  const intervalMs = (options.intervalSeconds ?? 30) * 1000;
  const tty = stream.isTTY === true;
  const counts: ProgressCounts = { done: 0, failed: 0, total: options.total };
  const startedAt = clock();
  let lastWriteAt = Number.NEGATIVE_INFINITY;
  let lastDecile = 0;
  let finished = false;

  const line = () => formatProgress(counts, (clock() - startedAt) / 1000, { bar: tty });

  function draw(force: boolean): void {
    const now = clock();
    if (tty) {
      if (!force && now - lastWriteAt < REDRAW_MS) return;
      const columns = stream.columns ?? 0;
      const text = line();
      // A line wider than the terminal wraps, and \r would then redraw only its last part.
      stream.write(CLEAR_LINE + (columns > 1 ? text.slice(0, columns - 1) : text));
    } else {
      const decile = counts.total > 0 ? Math.floor((counts.done * 10) / counts.total) : 10;
      if (!force && decile <= lastDecile && now - lastWriteAt < intervalMs) return;
      lastDecile = Math.max(lastDecile, decile);
      stream.write(`${line()}\n`);
    }
    lastWriteAt = now;
  }

  const timer = setInterval(() => draw(false), tty ? 1000 : intervalMs);
  timer.unref();

  return {
    rankingFinished(outcome) {
      if (finished) return;
      counts.done++;
      if (outcome === 'failed') counts.failed++;
      draw(tty && counts.done === counts.total);
    },
    finish() {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      if (tty && lastWriteAt > Number.NEGATIVE_INFINITY) stream.write(CLEAR_LINE);
    },
  };
}
