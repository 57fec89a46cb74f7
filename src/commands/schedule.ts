import type { Config } from '../config.ts';
import { PRIORITY, readLastGoodCycle } from '../db/ledger.ts';
import { startMetricsServer } from '../observe/http-server.ts';
import type { RunSummary } from '../pipeline/load-rankings.ts';
import { createPgCycleLock } from '../schedule/cycle-lock.ts';
import { checkCycleCrons, cyclesForRunNow, spendCapResumeAt } from '../schedule/cycles.ts';
import { startScheduler } from '../schedule/scheduler.ts';
import { plansForCycles } from './cycle-plans.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { readHealth } from './health.ts';
import { openRuntime, runPlans } from './runtime.ts';
import { runScheduledCycle } from './scheduled-cycle.ts';
import { installShutdown, SHUTDOWN_GRACE_MS, type Shutdown } from './shutdown.ts';
import { formatSummary } from './summary.ts';

/**
 * `schedule`: the long-running daemon. On SIGTERM / SIGINT / SIGHUP (or its parent exiting) it
 * claims nothing more, lets the running cycle's rankings in flight finish (up to the grace
 * period, or until a second signal), gives back the rest and exits 0.
 */
export async function schedule(config: Config): Promise<ExitCode> {
  checkCycleCrons(config.crons);
  // From the start: a signal while Postgres starts or migrations run still ends in a clean stop.
  const shutdown = installShutdown({ graceMs: SHUTDOWN_GRACE_MS });
  try {
    return await runScheduler(config, shutdown);
  } finally {
    shutdown.dispose();
  }
}

async function runScheduler(config: Config, shutdown: Shutdown): Promise<ExitCode> {
  const runtime = await openRuntime(config, { api: true, migrate: true });
  const { logger, metrics, db } = runtime;
  // A restarted scheduler reports the last good cycle on record, as /healthz does, not 0.
  const lastGood = await readLastGoodCycle(db.pool);
  if (lastGood.at !== null) metrics.cycleSucceeded(lastGood.at);
  const metricsServer =
    config.metricsPort === undefined
      ? undefined
      : await startMetricsServer({
          port: config.metricsPort,
          registry: metrics.registry,
          health: () => readHealth(db.pool),
        });
  if (metricsServer)
    logger.info(`metrics on ${metricsServer.url}/metrics, health on ${metricsServer.url}/healthz`);

  // Slots missed while no scheduler ran (graphile-worker's catch-up): fill what is missing or
  // failed in every cycle's window, without forcing, before cron takes over. The same run
  // resumes the day after ETL_MAX_CALLS_PER_DAY stopped one, so weekly and monthly rankings the
  // cap left pending do not wait for their next slot.
  const catchUp = (runOptions: Record<string, unknown>) =>
    runPlans(runtime, {
      trigger: 'scheduled',
      plans: plansForCycles(
        config,
        cyclesForRunNow(new Date(), config.lookbackDays, config.crons).map((cycle) => ({
          ...cycle,
          force: false,
        })),
      ),
      priority: PRIORITY.scheduled,
      runOptions,
      stopSignal: shutdown.stopSignal,
      abortSignal: shutdown.abortSignal,
    });
  let resumeTimer: NodeJS.Timeout | undefined;
  const resumeIfCapped = (summary: RunSummary | undefined): void => {
    if (summary?.end?.reason !== 'spend_cap' || resumeTimer || shutdown.stopSignal.aborted) return;
    const at = spendCapResumeAt(new Date());
    logger.warn(
      { resumeAt: at.toISOString() },
      `ETL_MAX_CALLS_PER_DAY reached: rankings not fetched stay pending; resuming at ${at.toISOString()}`,
    );
    resumeTimer = setTimeout(() => {
      resumeTimer = undefined;
      void catchUp({ catchUp: true, resumedAfterSpendCap: true })
        .then((resumed) => {
          logger.info(
            { summary: resumed },
            `resumed after the spend cap: ${formatSummary(resumed)}`,
          );
          resumeIfCapped(resumed);
        })
        .catch((error: unknown) =>
          logger.error({ err: error }, 'resuming after the spend cap failed'),
        );
    }, at.getTime() - Date.now());
    resumeTimer.unref();
  };
  const caughtUp = await catchUp({ catchUp: true });
  logger.info({ summary: caughtUp }, `catch-up: ${formatSummary(caughtUp)}`);
  resumeIfCapped(caughtUp);

  const scheduler = startScheduler({
    crons: config.crons,
    lock: createPgCycleLock(db.pool),
    logger,
    runCycle: async (kind, firedAt) => {
      const summary = await runScheduledCycle(runtime, kind, firedAt, {
        stopSignal: shutdown.stopSignal,
        abortSignal: shutdown.abortSignal,
      });
      if (summary) logger.info({ cycle: kind, summary }, formatSummary(summary));
      resumeIfCapped(summary);
    },
  });

  const reason = await shutdown.requested;
  logger.info(
    { reason },
    'scheduler stopping: the running cycle finishes its rankings in flight (signal again to stop now)',
  );
  clearTimeout(resumeTimer);
  await scheduler.stop();
  await metricsServer?.close();
  await runtime.close();
  return EXIT.ok;
}
