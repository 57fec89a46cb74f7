import cron, { type Logger as NodeCronLogger, type ScheduledTask } from 'node-cron';
import { ConfigError } from '../domain/errors.ts';
import type { CycleLock } from './cycle-lock.ts';
import { type CycleLogger, createCycleQueue, type RunCycle } from './cycle-queue.ts';
import { CYCLE_KINDS, CYCLE_TIMEZONE, type CycleCrons, checkCycleCrons } from './cycles.ts';

export interface SchedulerOptions {
  crons: CycleCrons;
  /** The zone the cron expressions are read in. Cycle periods are UTC days whatever this is. */
  timezone?: string;
  /** Loads one cycle; `firedAt` is the scheduled time, from which the cycle's periods follow. */
  runCycle: RunCycle;
  lock: CycleLock;
  logger: CycleLogger;
}

export interface Scheduler {
  /** Stops firing cycles, drops waiting ones and resolves once the running cycle has finished. */
  stop(): Promise<void>;
}

/** Routes node-cron's own warnings (missed executions, task errors) into our log. */
function nodeCronLogger(logger: CycleLogger): NodeCronLogger {
  const fields = { component: 'node-cron' };
  return {
    info: (message) => logger.info(fields, message),
    warn: (message) => logger.warn(fields, message),
    error: (message, err) => logger.error({ ...fields, err: err ?? message }, String(message)),
    debug: () => undefined,
  };
}

/**
 * The long-running scheduler: one node-cron task per cycle kind, all feeding one queue so that
 * cycles never overlap in this process, each run under `lock` so that they never overlap across
 * schedulers sharing the database. Throws a ConfigError for a bad cron expression or time zone.
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const { crons, logger } = options;
  const timezone = options.timezone ?? CYCLE_TIMEZONE;
  checkCycleCrons(crons);
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch (error) {
    throw new ConfigError(`unknown time zone for the schedule: "${timezone}"`, { cause: error });
  }

  const queue = createCycleQueue(options);
  const cronLogger = nodeCronLogger(logger);
  const tasks: ScheduledTask[] = CYCLE_KINDS.map((kind) =>
    cron.schedule(
      crons[kind],
      (context) => {
        // Not awaited: node-cron would otherwise count the cycle as its own running execution.
        void queue.trigger(kind, context.date);
      },
      { name: `fastmoss-etl:${kind}`, timezone, logger: cronLogger },
    ),
  );
  logger.info(
    {
      timezone,
      crons,
      nextRuns: Object.fromEntries(
        CYCLE_KINDS.map((kind, index) => [kind, tasks[index]?.getNextRun()?.toISOString()]),
      ),
    },
    'scheduler started',
  );

  return {
    async stop() {
      await Promise.all(tasks.map((task) => task.destroy()));
      await queue.stop();
      logger.info({}, 'scheduler stopped');
    },
  };
}
