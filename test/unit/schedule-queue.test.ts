import { describe, expect, it } from 'vitest';
import type { CycleLock } from '../../src/schedule/cycle-lock.ts';
import { type CycleLogger, createCycleQueue } from '../../src/schedule/cycle-queue.ts';
import type { CycleKind } from '../../src/schedule/cycles.ts';

interface LogRecord {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

function recordingLogger(): CycleLogger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at = (level: LogRecord['level']) => (fields: Record<string, unknown>, message: string) =>
    void records.push({ level, message, fields });
  return { records, info: at('info'), warn: at('warn'), error: at('error') };
}

const openLock: CycleLock = {
  withLock: async (_kind, cycle) => {
    await cycle();
    return { ran: true };
  },
};

/** A cycle that stays running until the test calls `finish(kind)`. */
function controllableCycles() {
  const started: CycleKind[] = [];
  const finishers = new Map<CycleKind, () => void>();
  const runCycle = (kind: CycleKind) =>
    new Promise<void>((resolve) => {
      started.push(kind);
      finishers.set(kind, resolve);
    });
  const finish = async (kind: CycleKind) => {
    await Promise.resolve();
    finishers.get(kind)?.();
  };
  return { started, runCycle, finish };
}

const FIRED = new Date('2026-04-13T03:00:00Z');
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A queue whose daily cycle is running (until finished) with a weekly one waiting behind it. */
async function dailyRunningWeeklyWaiting() {
  const cycles = controllableCycles();
  const queue = createCycleQueue({
    runCycle: cycles.runCycle,
    lock: openLock,
    logger: recordingLogger(),
  });
  const daily = queue.trigger('daily', FIRED);
  const weekly = queue.trigger('weekly', FIRED);
  await flush();
  return { cycles, queue, daily, weekly };
}

describe('createCycleQueue', () => {
  it('runs the cycle with its kind and scheduled time and reports it ran', async () => {
    const calls: [CycleKind, string][] = [];
    const queue = createCycleQueue({
      runCycle: async (kind, firedAt) => void calls.push([kind, firedAt.toISOString()]),
      lock: openLock,
      logger: recordingLogger(),
    });
    await expect(queue.trigger('weekly', FIRED)).resolves.toBe('ran');
    expect(calls).toEqual([['weekly', '2026-04-13T03:00:00.000Z']]);
  });

  it('skips a kind fired again while it is still running, and logs the skip', async () => {
    const cycles = controllableCycles();
    const logger = recordingLogger();
    const queue = createCycleQueue({ runCycle: cycles.runCycle, lock: openLock, logger });
    const first = queue.trigger('daily', FIRED);
    await flush();
    await expect(queue.trigger('daily', FIRED)).resolves.toBe('busy');
    await cycles.finish('daily');
    await expect(first).resolves.toBe('ran');
    expect(cycles.started).toEqual(['daily']);
    expect(logger.records.filter((record) => record.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'cycle skipped: the previous one of this kind is still running or waiting',
        fields: { cycle: 'daily', firedAt: '2026-04-13T03:00:00.000Z' },
      },
    ]);
  });

  it('runs a different kind due meanwhile after the running one, not beside it', async () => {
    const { cycles, daily, weekly } = await dailyRunningWeeklyWaiting();
    expect(cycles.started).toEqual(['daily']);
    await cycles.finish('daily');
    await expect(daily).resolves.toBe('ran');
    await flush();
    expect(cycles.started).toEqual(['daily', 'weekly']);
    await cycles.finish('weekly');
    await expect(weekly).resolves.toBe('ran');
  });

  it('runs the same kind again once the previous run has finished', async () => {
    let runs = 0;
    const queue = createCycleQueue({
      runCycle: async () => void runs++,
      lock: openLock,
      logger: recordingLogger(),
    });
    await queue.trigger('daily', FIRED);
    await queue.trigger('daily', FIRED);
    expect(runs).toBe(2);
  });

  it('logs a failed cycle and keeps serving the next one', async () => {
    const logger = recordingLogger();
    const queue = createCycleQueue({
      runCycle: async (kind) => {
        if (kind === 'daily') throw new Error('database went away');
      },
      lock: openLock,
      logger,
    });
    await expect(queue.trigger('daily', FIRED)).resolves.toBe('failed');
    await expect(queue.trigger('monthly', FIRED)).resolves.toBe('ran');
    const failure = logger.records.find((record) => record.level === 'error');
    expect(failure?.message).toBe('cycle failed');
    expect(failure?.fields.err).toBeInstanceOf(Error);
  });

  it('does not run the cycle when another scheduler holds the lock', async () => {
    let runs = 0;
    const logger = recordingLogger();
    const queue = createCycleQueue({
      runCycle: async () => void runs++,
      lock: { withLock: async () => ({ ran: false }) },
      logger,
    });
    await expect(queue.trigger('weekly', FIRED)).resolves.toBe('locked');
    expect(runs).toBe(0);
    expect(logger.records.map((record) => record.message)).toContain(
      'cycle skipped: another scheduler on this database is running it',
    );
  });

  it('stop waits for the running cycle and cancels the waiting ones', async () => {
    const { cycles, queue, daily, weekly } = await dailyRunningWeeklyWaiting();
    let stopped = false;
    const stopping = queue.stop().then(() => {
      stopped = true;
    });
    await flush();
    expect(stopped).toBe(false);
    await cycles.finish('daily');
    await stopping;
    expect(stopped).toBe(true);
    await expect(daily).resolves.toBe('ran');
    await expect(weekly).resolves.toBe('cancelled');
    await expect(queue.trigger('monthly', FIRED)).resolves.toBe('cancelled');
    expect(cycles.started).toEqual(['daily']);
  });
});
