import { formatDuration } from './duration.ts';
import { createTerminal, stderrTerminal, type Terminal, type TerminalStream } from './terminal.ts';

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
    `ETA ${eta === undefined ? '--' : formatDuration(Math.round(eta))}`,
  ].join(' | ');
}

const REDRAW_MS = 100;

/**
 * On a terminal, the bottom line redrawn in place (at most every 100 ms, and every second while
 * idle so the rate and ETA stay current), with log lines printed above it. Elsewhere, as in a log
 * file, a plain line every `intervalSeconds` and at each further 10% of the total.
 */
export function createProgressReporter(options: {
  total: number;
  /** Where to draw: stderr's terminal (shared with the logger) unless given. */
  stream?: TerminalStream;
  terminal?: Terminal;
  clock?: () => number;
  intervalSeconds?: number;
}): ProgressReporter {
  const terminal =
    options.terminal ??
    (options.stream === undefined ? stderrTerminal() : createTerminal(options.stream));
  const clock = options.clock ?? Date.now;
  const intervalMs = (options.intervalSeconds ?? 30) * 1000;
  const tty = terminal.isTTY;
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
      terminal.setStatus(line());
    } else {
      const decile = counts.total > 0 ? Math.floor((counts.done * 10) / counts.total) : 10;
      if (!force && decile <= lastDecile && now - lastWriteAt < intervalMs) return;
      lastDecile = Math.max(lastDecile, decile);
      terminal.print(`${line()}\n`);
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
      terminal.clearStatus();
    },
  };
}
