import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelay, slowDownDelay } from '../../src/fastmoss/retry-timing.ts';

const timing = {
  baseMs: 500,
  maxMs: 30_000,
  floorMs: 100,
  maxRetryAfterMs: 10_000,
  slowDownMs: 1_000,
};

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-04-02T10:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500);
  });

  it('reads an HTTP date relative to now, a past date as 0', () => {
    expect(parseRetryAfter('Thu, 02 Apr 2026 10:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 02 Apr 2026 09:59:00 GMT', now)).toBe(0);
  });

  it('ignores a missing or unreadable header', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined();
  });
});

describe('retryDelay', () => {
  it("honours the server's Retry-After, capped", () => {
    expect(retryDelay(1, 2000, () => 0.5, timing)).toEqual({
      delayMs: 2000,
      source: 'retry-after',
    });
    expect(retryDelay(1, 0, () => 0.5, timing)).toEqual({ delayMs: 0, source: 'retry-after' });
    expect(retryDelay(3, 120_000, () => 0.5, timing).delayMs).toBe(10_000);
  });

  it('backs off exponentially with full jitter between the floor and the ceiling', () => {
    expect(retryDelay(1, undefined, () => 0, timing)).toEqual({ delayMs: 100, source: 'backoff' });
    expect(retryDelay(1, undefined, () => 0.999_999, timing).delayMs).toBe(500);
    expect(retryDelay(2, undefined, () => 0.999_999, timing).delayMs).toBe(1000);
    expect(retryDelay(4, undefined, () => 0.999_999, timing).delayMs).toBe(4000);
    expect(retryDelay(4, undefined, () => 0.5, timing).delayMs).toBe(2050);
  });

  it('never exceeds the cap however many attempts failed', () => {
    expect(retryDelay(30, undefined, () => 0.999_999, timing).delayMs).toBe(30_000);
  });
});

describe('slowDownDelay (code 30003, access frequency limit exceeded)', () => {
  it('waits at least a second, doubling per attempt, with at most a quarter of jitter', () => {
    expect(slowDownDelay(1, undefined, () => 0, timing)).toEqual({
      delayMs: 1000,
      source: 'backoff',
    });
    expect(slowDownDelay(1, undefined, () => 0.999_999, timing).delayMs).toBe(1250);
    expect(slowDownDelay(2, undefined, () => 0, timing).delayMs).toBe(2000);
    expect(slowDownDelay(3, undefined, () => 0, timing).delayMs).toBe(4000);
    expect(slowDownDelay(20, undefined, () => 0, timing).delayMs).toBe(30_000);
  });

  it("takes the server's Retry-After only when it asks for longer", () => {
    expect(slowDownDelay(1, 200, () => 0, timing)).toEqual({ delayMs: 1000, source: 'backoff' });
    expect(slowDownDelay(1, 5000, () => 0, timing)).toEqual({
      delayMs: 5000,
      source: 'retry-after',
    });
  });
});
