import { describe, expect, it } from 'vitest';
import { AccessStreak, ReachabilityStreak } from '../../src/fastmoss/run-stop-streaks.ts';

/** Whether `promise` has settled after the current turn's microtasks. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('AccessStreak', () => {
  it('before any access, keeps in flight no more requests than refusals still allowed', async () => {
    const streak = new AccessStreak(3);
    await streak.enter();
    await streak.enter();
    await streak.enter();
    const fourth = streak.enter();
    expect(await settled(fourth)).toBe(false);
    expect(streak.answered('refused')).toBe(false);
    expect(await settled(fourth)).toBe(false);
    expect(streak.answered('refused')).toBe(false);
    expect(streak.answered('refused')).toBe(true);
    // Stopped: the waiter is let go, to find the run stopped.
    expect(await settled(fourth)).toBe(true);
  });

  it('an answer with access lifts the limit and starts the count again', async () => {
    const streak = new AccessStreak(3);
    await streak.enter();
    expect(streak.answered('refused')).toBe(false);
    await streak.enter();
    expect(streak.answered('access')).toBe(false);
    expect(streak.inARow).toBe(0);
    for (let i = 0; i < 10; i += 1) await streak.enter();
    expect(streak.answered('refused')).toBe(false);
    expect(streak.answered('other')).toBe(false);
    expect(streak.answered('refused')).toBe(false);
    expect(streak.answered('refused')).toBe(true);
  });
});

describe('ReachabilityStreak', () => {
  it('holds new requests while others probe, and stops at the third ranking given up', () => {
    const streak = new ReachabilityStreak(3);
    const [a, b, c] = [Symbol('a'), Symbol('b'), Symbol('c')];
    expect(streak.mayStart()).toBe(true);
    streak.failedToReach(a);
    expect(streak.mayStart()).toBe(false);
    expect(streak.gaveUpOn(a, 'US day 1')).toBe(false);
    // Nobody probes any more: the next request may try.
    expect(streak.mayStart()).toBe(true);
    streak.failedToReach(b);
    expect(streak.gaveUpOn(b, 'US day 2')).toBe(false);
    streak.failedToReach(c);
    expect(streak.gaveUpOn(c, 'US day 3')).toBe(true);
  });

  it('a request whose first attempt is still out keeps new ones back after another gave up', () => {
    const streak = new ReachabilityStreak(3);
    const [a, b] = [Symbol('a'), Symbol('b')];
    streak.started(a);
    streak.started(b);
    streak.failedToReach(a);
    expect(streak.gaveUpOn(a, 'US day 1')).toBe(false);
    // b has not been answered yet: it probes, so no fresh request joins it.
    expect(streak.mayStart()).toBe(false);
    streak.failedToReach(b);
    expect(streak.mayStart()).toBe(false);
    streak.settled(b);
    expect(streak.mayStart()).toBe(true);
  });

  it('any HTTP answer resets the streak', () => {
    const streak = new ReachabilityStreak(3);
    const [a, b] = [Symbol('a'), Symbol('b')];
    streak.failedToReach(a);
    streak.gaveUpOn(a, 'US day 1');
    streak.failedToReach(b);
    streak.gaveUpOn(b, 'US day 2');
    streak.reached(Symbol('c'));
    expect(streak.inARow).toBe(0);
    expect(streak.mayStart()).toBe(true);
  });
});
