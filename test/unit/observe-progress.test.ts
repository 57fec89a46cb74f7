import { afterEach, describe, expect, it } from 'vitest';
import {
  createProgressReporter,
  etaSeconds,
  formatProgress,
  type ProgressReporter,
  progressRate,
} from '../../src/observe/progress.ts';

describe('progressRate and etaSeconds', () => {
  it('derive the rate and the time left from the rankings finished so far', () => {
    expect(progressRate(120, 50)).toBe(2.4);
    expect(etaSeconds({ done: 120, failed: 3, total: 480 }, 50)).toBe(150);
  });

  it('have no rate and no ETA before anything has finished', () => {
    expect(progressRate(0, 0)).toBe(0);
    expect(etaSeconds({ done: 0, failed: 0, total: 480 }, 10)).toBeUndefined();
  });

  it('have nothing left once everything has finished', () => {
    expect(etaSeconds({ done: 480, failed: 0, total: 480 }, 200)).toBe(0);
    expect(etaSeconds({ done: 0, failed: 0, total: 0 }, 0)).toBe(0);
  });
});

describe('formatProgress', () => {
  it('shows a bar, done of total, failures, the rate and the ETA', () => {
    expect(formatProgress({ done: 120, failed: 3, total: 480 }, 50, { bar: true })).toBe(
      '[#####---------------] 120/480 rankings 25% | 3 failed | 2.4/s | ETA 2 min 30 s',
    );
  });

  it('leaves the bar out for plain lines and rounds fast rates', () => {
    expect(formatProgress({ done: 300, failed: 0, total: 600 }, 20, { bar: false })).toBe(
      '300/600 rankings 50% | 0 failed | 15/s | ETA 20 s',
    );
  });

  it('shows an unknown ETA before the first ranking finishes', () => {
    expect(formatProgress({ done: 0, failed: 0, total: 10 }, 3, { bar: false })).toBe(
      '0/10 rankings 0% | 0 failed | 0.0/s | ETA --',
    );
  });
});

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 200, write: (text: string) => writes.push(text) } };
}

let reporter: ProgressReporter | undefined;
afterEach(() => reporter?.finish());

describe('createProgressReporter', () => {
  it('on a terminal redraws one line in place and clears it on finish', () => {
    let now = 0;
    const { writes, stream } = fakeStream(true);
    reporter = createProgressReporter({ total: 4, stream, clock: () => now });
    now = 1_000;
    reporter.rankingFinished('loaded');
    now = 1_050;
    reporter.rankingFinished('failed');
    now = 2_000;
    reporter.rankingFinished('loaded');
    expect(writes).toEqual([
      '\r\x1b[2K[#####---------------] 1/4 rankings 25% | 0 failed | 1.0/s | ETA 3 s',
      '\r\x1b[2K[###############-----] 3/4 rankings 75% | 1 failed | 1.5/s | ETA 1 s',
    ]);
    reporter.finish();
    expect(writes.at(-1)).toBe('\r\x1b[2K');
    expect(writes.join('')).not.toContain('\n');
  });

  it('on a terminal always draws the last ranking, however soon it comes', () => {
    let now = 0;
    const { writes, stream } = fakeStream(true);
    reporter = createProgressReporter({ total: 2, stream, clock: () => now });
    now = 500;
    reporter.rankingFinished('loaded');
    now = 510;
    reporter.rankingFinished('loaded');
    expect(writes.at(-1)).toContain('2/2 rankings 100%');
  });

  it('elsewhere writes plain lines at each further 10% and after the interval', () => {
    let now = 0;
    const { writes, stream } = fakeStream(false);
    reporter = createProgressReporter({ total: 20, stream, clock: () => now, intervalSeconds: 30 });
    for (let ranking = 1; ranking <= 5; ranking++) {
      now = ranking * 1_000;
      reporter.rankingFinished(ranking === 3 ? 'failed' : 'loaded');
    }
    now = 40_000;
    reporter.rankingFinished('skipped');
    reporter.finish();
    expect(writes).toEqual([
      '1/20 rankings 5% | 0 failed | 1.0/s | ETA 19 s\n',
      '2/20 rankings 10% | 0 failed | 1.0/s | ETA 18 s\n',
      '4/20 rankings 20% | 1 failed | 1.0/s | ETA 16 s\n',
      '6/20 rankings 30% | 1 failed | 0.1/s | ETA 1 min 33 s\n',
    ]);
  });
});
