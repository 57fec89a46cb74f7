import { once } from 'node:events';
import type { Config } from '../config.ts';
import { PRIORITY } from '../db/ledger.ts';
import { startMetricsServer } from '../observe/http-server.ts';
import { createPgCycleLock } from '../schedule/cycle-lock.ts';
import { checkCycleCrons, cyclePeriods } from '../schedule/cycles.ts';
import { startScheduler } from '../schedule/scheduler.ts';
import { plansForCycles } from './cycle-plans.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { readHealth } from './health.ts';
import { openRuntime, runPlans } from './runtime.ts';
import { formatSummary } from './summary.ts';

/** `schedule`: the long-running daemon. Stops cleanly on SIGTERM / SIGINT. */
export async function schedule(config: Config): Promise<ExitCode> {
  checkCycleCrons(config.crons);
  const runtime = await openRuntime(config, { api: true, migrate: true });
  const { logger, metrics, db } = runtime;
  const stop = new AbortController();
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

  const scheduler = startScheduler({
    crons: config.crons,
    lock: createPgCycleLock(db.pool),
    logger,
    runCycle: async (kind, firedAt) => {
      const cycle = cyclePeriods(kind, firedAt, config.lookbackDays);
      const summary = await runPlans(runtime, {
        trigger: 'scheduled',
        plans: plansForCycles(config, [cycle]),
        priority: PRIORITY.scheduled,
        runOptions: { cycle },
        stopSignal: stop.signal,
      });
      logger.info({ cycle: kind, summary }, formatSummary(summary));
      if (summary.status === 'succeeded') metrics.cycleSucceeded(new Date());
    },
  });

  const signal = await Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
  logger.info({ signal }, 'scheduler stopping: the running cycle finishes its rankings in flight');
  stop.abort();
  await scheduler.stop();
  await metricsServer?.close();
  await runtime.close();
  return EXIT.ok;
}
