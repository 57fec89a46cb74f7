import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RequestLimiter, START_TOLERANCE_MS } from '../../src/fastmoss/limiter.ts';

function maxInWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (const start of times) {
    most = Math.max(most, times.filter((t) => t >= start && t < start + windowMs).length);
  }
  return most;
}

describe('RequestLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts at most rps requests in any one-second window, even with bursts allowed', async () => {
    const limiter = new RequestLimiter({
      rps: 5,
      burst: 5,
      concurrency: 100,
      windowMs: 1000,
      now: () => Date.now(),
    });
    const starts: number[] = [];
    const take = async () => {
      const { release } = await limiter.acquire();
      starts.push(Date.now());
      release();
    };
    const burst = Array.from({ length: 23 }, take);
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all(burst);
    // A refilling bucket would allow 5 at t=0 and 5 more spread within that same second.
    expect(maxInWindow(starts, 1000)).toBe(5);
    expect(starts).toHaveLength(23);
    // ... and it does not wait longer than it must: 23 starts in 4 full windows.
    expect(Math.max(...starts) - Math.min(...starts)).toBe(4000);
  });

  it('paces starts evenly by default, one per window/rps', async () => {
    const limiter = new RequestLimiter({ rps: 4, concurrency: 100, now: () => Date.now() });
    const starts: number[] = [];
    const all = Array.from({ length: 6 }, async () => {
      (await limiter.acquire()).release();
      starts.push(Date.now());
    });
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all(all);
    expect(starts.map((t) => t - (starts[0] ?? 0))).toEqual([0, 250, 500, 750, 1000, 1250]);
    expect(maxInWindow(starts, 1000)).toBe(4);
  });

  it('keeps at most concurrency requests in flight', async () => {
    const limiter = new RequestLimiter({
      rps: 100,
      burst: 100,
      concurrency: 2,
      now: () => Date.now(),
    });
    const releases: Array<() => void> = [];
    let granted = 0;
    for (let i = 0; i < 5; i += 1) {
      void limiter.acquire().then(({ release }) => {
        granted += 1;
        releases.push(release);
      });
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(granted).toBe(2);
    releases[0]?.();
    releases[0]?.(); // releasing twice frees one slot only
    await vi.advanceTimersByTimeAsync(0);
    expect(granted).toBe(3);
    expect(limiter.pending).toBe(2);
  });

  it('spaces starts by 1/rps seconds below one request per second', async () => {
    const limiter = new RequestLimiter({ rps: 0.5, concurrency: 4, now: () => Date.now() });
    const starts: number[] = [];
    const all = Array.from({ length: 3 }, async () => {
      (await limiter.acquire()).release();
      starts.push(Date.now());
    });
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all(all);
    expect(starts.map((t) => t - (starts[0] ?? 0))).toEqual([0, 2000, 4000]);
  });

  it('reports how long a start waited', async () => {
    const waits: number[] = [];
    const limiter = new RequestLimiter({
      rps: 1,
      concurrency: 1,
      now: () => Date.now(),
      onWait: (ms) => waits.push(ms),
    });
    (await limiter.acquire()).release();
    const second = limiter.acquire();
    await vi.advanceTimersByTimeAsync(1000);
    (await second).release();
    expect(waits).toEqual([1000]);
  });

  it('gives each start a permit that expires START_TOLERANCE_MS after its grant', async () => {
    const limiter = new RequestLimiter({ rps: 5, concurrency: 2, now: () => Date.now() });
    const first = await limiter.acquire();
    await vi.advanceTimersByTimeAsync(START_TOLERANCE_MS);
    expect(first.permit.onTime()).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    // Written now, it would follow the next grant closer than a spacing: not written at all.
    expect(first.permit.onTime()).toBe(false);
    first.release();
    // The missed grant still counts: the next start waits its spacing after it, erring slow.
    const next = limiter.acquire();
    let granted = false;
    void next.then(() => {
      granted = true;
    });
    await vi.advanceTimersByTimeAsync(200 - START_TOLERANCE_MS - 2);
    expect(granted).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    expect(granted).toBe(true);
    expect((await next).permit.onTime()).toBe(true);
  });

  it('admits a lower priority number before earlier waiters of higher ones, equals and unnumbered in arrival order', async () => {
    const limiter = new RequestLimiter({ rps: 100, concurrency: 1, now: () => Date.now() });
    const order: string[] = [];
    const holder = await limiter.acquire();
    const waiting = [
      ['ranking 2 page 1', 2],
      ['bare request', undefined],
      ['ranking 3 page 1', 3],
      ['ranking 1 page 2', 1],
      ['ranking 2 page 2', 2],
      ['ranking 1 page 3', 1],
    ] as const;
    const all = waiting.map(async ([name, priority]) => {
      const { release } = await limiter.acquire(priority);
      order.push(name);
      release();
    });
    holder.release();
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(all);
    expect(order).toEqual([
      'ranking 1 page 2',
      'ranking 1 page 3',
      'ranking 2 page 1',
      'ranking 2 page 2',
      'ranking 3 page 1',
      'bare request',
    ]);
  });
});
