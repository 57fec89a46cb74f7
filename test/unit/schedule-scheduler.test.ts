import { getTasks } from 'node-cron';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/domain/errors.ts';
import { createLogger } from '../../src/observe/logger.ts';
import type { CycleLock } from '../../src/schedule/cycle-lock.ts';
import type { CycleKind } from '../../src/schedule/cycles.ts';
import { startScheduler } from '../../src/schedule/scheduler.ts';

const NEVER_SOON = '0 0 1 1 *';
const openLock: CycleLock = {
  withLock: async (_kind, cycle) => {
    await cycle();
    return { ran: true };
  },
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function capturedLogger() {
  const lines: string[] = [];
  const logger = createLogger({
    pretty: false,
    destination: { write: (line: string) => void lines.push(line) },
  });
  const messages = () => lines.map((line) => JSON.parse(line) as { msg: string; cycle?: string });
  return { logger, messages };
}

describe('startScheduler', () => {
  it('fires cycles on their cron, skips one still running, and stop waits for it', async () => {
    const { logger, messages } = capturedLogger();
    const started: [CycleKind, Date][] = [];
    let finished = 0;
    const scheduler = startScheduler({
      // Six fields: every second, so the test sees several firings.
      crons: { daily: '* * * * * *', weekly: NEVER_SOON, monthly: NEVER_SOON },
      timezone: 'UTC',
      lock: openLock,
      logger,
      runCycle: async (kind, firedAt) => {
        started.push([kind, firedAt]);
        await sleep(4_000);
        finished++;
      },
    });
    await sleep(2_500);
    const stopping = scheduler.stop();
    expect(finished).toBe(0);
    await stopping;

    expect(started.map(([kind]) => kind)).toEqual(['daily']);
    expect(finished).toBe(1);
    const skips = messages().filter((record) => record.msg.startsWith('cycle skipped'));
    expect(skips.length).toBeGreaterThanOrEqual(1);
    expect(skips.every((record) => record.cycle === 'daily')).toBe(true);
    expect(messages().at(-1)?.msg).toBe('scheduler stopped');
  }, 10_000);

  it('passes the scheduled time, whole seconds, to the cycle', async () => {
    const { logger } = capturedLogger();
    const fired: Date[] = [];
    const scheduler = startScheduler({
      crons: { daily: NEVER_SOON, weekly: '* * * * * *', monthly: NEVER_SOON },
      lock: openLock,
      logger,
      runCycle: async (_kind, firedAt) => void fired.push(firedAt),
    });
    await sleep(1_300);
    await scheduler.stop();
    expect(fired.length).toBeGreaterThanOrEqual(1);
    expect(fired[0]?.getUTCMilliseconds()).toBe(0);
  }, 5_000);

  it('rejects a bad cron expression with a ConfigError and schedules nothing', () => {
    const before = getTasks().size;
    const { logger } = capturedLogger();
    expect(() =>
      startScheduler({
        crons: { daily: '30 25 * * *', weekly: NEVER_SOON, monthly: NEVER_SOON },
        lock: openLock,
        logger,
        runCycle: async () => undefined,
      }),
    ).toThrow(ConfigError);
    expect(getTasks().size).toBe(before);
  });

  it('rejects an unknown time zone with a ConfigError', () => {
    const { logger } = capturedLogger();
    expect(() =>
      startScheduler({
        crons: { daily: NEVER_SOON, weekly: NEVER_SOON, monthly: NEVER_SOON },
        timezone: 'Mars/Olympus_Mons',
        lock: openLock,
        logger,
        runCycle: async () => undefined,
      }),
    ).toThrow(ConfigError);
  });

  it('removes its cron tasks when stopped', async () => {
    const before = getTasks().size;
    const { logger } = capturedLogger();
    const scheduler = startScheduler({
      crons: { daily: NEVER_SOON, weekly: NEVER_SOON, monthly: NEVER_SOON },
      lock: openLock,
      logger,
      runCycle: async () => undefined,
    });
    expect(getTasks().size).toBe(before + 3);
    await scheduler.stop();
    expect(getTasks().size).toBe(before);
  });
});
