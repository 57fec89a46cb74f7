import type { CycleLock } from './cycle-lock.ts';
import type { CycleKind } from './cycles.ts';

/** The subset of a pino logger the scheduler uses. */
export interface CycleLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export type RunCycle = (kind: CycleKind, firedAt: Date) => Promise<void>;

/**
 * - `ran`: the cycle ran to the end;
 * - `failed`: it threw (logged; the scheduler carries on);
 * - `busy`: the same kind was already running or waiting in this process;
 * - `locked`: another scheduler on the database holds this kind's lock;
 * - `cancelled`: the scheduler stopped before the cycle started.
 */
export type CycleOutcome = 'ran' | 'failed' | 'busy' | 'locked' | 'cancelled';

export interface CycleQueue {
  /** Queues a cycle behind any running one; settles when it has run, or at once if skipped. */
  trigger(kind: CycleKind, firedAt: Date): Promise<CycleOutcome>;
  /** Cancels waiting cycles and resolves when the running one has finished. */
  stop(): Promise<void>;
}

/**
 * Runs one cycle at a time in this process: different kinds due together (a Monday's daily and
 * weekly) run one after the other, since they share one API rate limit; a kind fired again while
 * it is still running or waiting is skipped, since a second copy would load the same periods.
 */
export function createCycleQueue(options: {
  runCycle: RunCycle;
  lock: CycleLock;
  logger: CycleLogger;
  clock?: () => number;
}): CycleQueue {
  const { runCycle, lock, logger } = options;
  const clock = options.clock ?? Date.now;
  const pending = new Set<CycleKind>();
  let tail: Promise<unknown> = Promise.resolve();
  let stopping = false;

  async function execute(kind: CycleKind, firedAt: Date): Promise<CycleOutcome> {
    const fields = { cycle: kind, firedAt: firedAt.toISOString() };
    if (stopping) {
      logger.warn(fields, 'cycle cancelled: the scheduler is stopping');
      return 'cancelled';
    }
    const startedAt = clock();
    logger.info(fields, 'cycle started');
    try {
      const { ran } = await lock.withLock(kind, () => runCycle(kind, firedAt));
      if (!ran) {
        logger.warn(fields, 'cycle skipped: another scheduler on this database is running it');
        return 'locked';
      }
      logger.info({ ...fields, seconds: (clock() - startedAt) / 1000 }, 'cycle finished');
      return 'ran';
    } catch (error) {
      logger.error({ ...fields, err: error }, 'cycle failed');
      return 'failed';
    }
  }

  return {
    trigger(kind, firedAt) {
      if (stopping) return Promise.resolve('cancelled');
      if (pending.has(kind)) {
        logger.warn(
          { cycle: kind, firedAt: firedAt.toISOString() },
          'cycle skipped: the previous one of this kind is still running or waiting',
        );
        return Promise.resolve('busy');
      }
      pending.add(kind);
      const outcome = tail.then(() => execute(kind, firedAt)).finally(() => pending.delete(kind));
      tail = outcome;
      return outcome;
    },
    async stop() {
      stopping = true;
      await tail;
    },
  };
}
