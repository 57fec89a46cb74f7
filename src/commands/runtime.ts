import type { Config } from '../config.ts';
import { credentialSecrets, requireCredentials } from '../config.ts';
import { postgresAccessTokenStore } from '../db/access-token-store.ts';
import { callsToday, type SharedStartGate, sharedStartGate } from '../db/api-budget.ts';
import { retryOnConnectionLoss } from '../db/connection-retry.ts';
import type { RunTrigger } from '../db/ledger.ts';
import { loadRankings as writeBatch } from '../db/load.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { type OpenDatabase, openDatabase } from '../db/open-database.ts';
import { pageSizeCapStore } from '../db/page-size-cap.ts';
import { rankingKeyLabel } from '../domain/ranking.ts';
import type { AccessTokenStore } from '../fastmoss/access-token-store.ts';
import {
  createFastmossClient,
  type FastmossClient,
  type FastmossEvent,
} from '../fastmoss/client.ts';
import { DailyCallCapError } from '../fastmoss/daily-call-cap.ts';
import { FastmossError, isFatalToRun, NotAvailableError } from '../fastmoss/errors.ts';
import { NO_RESERVATION } from '../fastmoss/limiter.ts';
import { fetchRanking } from '../fastmoss/ranking.ts';
import { createLogger, type Logger } from '../observe/logger.ts';
import { createMetrics, type Metrics } from '../observe/metrics.ts';
import { loadRankings, type RunSummary } from '../pipeline/load-rankings.ts';
import { quarantineOf } from '../pipeline/quarantine-reason.ts';
import { describeError, type RankingOutcome } from '../pipeline/run-jobs.ts';
import type { PlannedRanking } from '../plan/plan.ts';

/** What a command works with: config, logs, metrics, the database and, when needed, the API. */
export interface Runtime {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  db: OpenDatabase;
  client: FastmossClient | undefined;
  /** Retries the client has scheduled since it opened; a run reports its own share. */
  retriesScheduled(): number;
  /**
   * Marks a run begun on this runtime; call the result when it ends. When no other run is open
   * (a daemon's next cycle), the client begins a new run (FastmossClient.startRun) and stops
   * recorded by other processes count from now: the new run tries once, as a restarted process
   * would.
   */
  beginRun(): Promise<() => void>;
  close(): Promise<void>;
}

/**
 * The command's logger, censoring the configured secret and, through `liveSecrets` (read at every
 * line), values learnt later, such as signed mode's access and refresh tokens.
 */
export function createCommandLogger(
  config: Config,
  liveSecrets: () => readonly string[] = () => [],
): Logger {
  const configured = credentialSecrets(config);
  return createLogger({
    level: config.logLevel,
    secrets: () => [...configured, ...liveSecrets()],
  });
}

function recordClientEvent(event: FastmossEvent, metrics: Metrics, logger: Logger): void {
  switch (event.type) {
    case 'request-finished':
      metrics.requestFinished(event.outcome, event.durationMs / 1000);
      logger.debug({ ...event }, 'request finished');
      break;
    case 'retry-scheduled':
      metrics.retryScheduled(event.reason);
      // Retries are routine against a flaky API: counted in the run's summary, logged at debug.
      logger.debug(
        {
          ranking: event.label,
          page: event.page,
          attempt: event.attempt,
          delayMs: event.delayMs,
          reason: event.reason,
        },
        `retrying: ${event.message}`,
      );
      break;
    case 'limiter-wait':
      metrics.limiterWaited(event.waitedMs / 1000);
      break;
    case 'start-missed':
      // A busy machine: the request waits for a new start; nothing was sent.
      logger.debug({ ranking: event.label, page: event.page }, 'start missed, not sent');
      break;
    case 'token-renewed':
      logger.info(
        { via: event.via, expiresInSeconds: event.expiresInSeconds },
        `signed mode: ${event.via === 'refreshToken' ? 'refreshed the' : 'obtained a new'} access token (valid ${event.expiresInSeconds} s)`,
      );
      break;
    default:
      break;
  }
}

/**
 * Opens what a command needs. With `api`, a token must be configured (ConfigError otherwise,
 * before anything is opened). With `migrate`, pending migrations are applied first.
 */
export async function openRuntime(
  config: Config,
  options: { api: boolean; migrate: boolean; logger?: Logger; metrics?: Metrics },
): Promise<Runtime> {
  const credentials = options.api ? requireCredentials(config) : undefined;
  let client: FastmossClient | undefined;
  const logger = options.logger ?? createCommandLogger(config, () => client?.secrets() ?? []);
  const metrics = options.metrics ?? createMetrics();
  // The request rate and signed mode's token are shared with every process on the database,
  // which opens after the client.
  let budget: SharedStartGate | undefined;
  let tokenStore: AccessTokenStore | undefined;
  let retries = 0;
  client =
    credentials === undefined
      ? undefined
      : createFastmossClient({
          baseUrl: config.baseUrl,
          ...(credentials.mode === 'bearer'
            ? { token: credentials.token }
            : {
                signed: {
                  clientId: credentials.clientId,
                  clientSecret: credentials.clientSecret,
                  tokenStore: {
                    withLock: (key, renew) => {
                      if (!tokenStore) throw new Error('the token store is not open yet');
                      return tokenStore.withLock(key, renew);
                    },
                  },
                },
              }),
          concurrency: config.concurrency,
          rps: config.rps,
          maxAttempts: config.maxAttempts,
          timeoutMs: config.requestTimeoutMs,
          onEvent: (event) => {
            if (event.type === 'retry-scheduled') retries++;
            recordClientEvent(event, metrics, logger);
          },
          startGate: {
            waitForStart: async (missed, calls) => {
              if (!budget) throw new Error('the API budget is not open yet');
              return budget.waitForStart(missed, calls);
            },
            reserveCalls: async (calls) => {
              if (!budget) throw new Error('the API budget is not open yet');
              return (await budget.reserveCalls?.(calls)) ?? NO_RESERVATION;
            },
            slowDown: async (delayMs) => budget?.slowDown?.(delayMs),
            recordStop: async (error) => budget?.recordStop(error),
          },
        });
  const db = await openDatabase(config.databaseUrl, {
    announce: (message) => logger.info(message),
    poolMax: config.concurrency * 2 + 2,
  });
  const gate = sharedStartGate(db.pool, {
    api: config.baseUrl,
    rps: config.rps,
    maxCallsPerDay: config.maxCallsPerDay,
  });
  budget = gate;
  tokenStore = postgresAccessTokenStore(db.pool);
  try {
    // A restart while migrating: the migration rolled back and is applied again.
    if (options.migrate) await retryOnConnectionLoss(() => migrateDatabase(db.pool));
  } catch (error) {
    await db.close();
    await client?.close();
    throw error;
  }
  metrics.observeDailyCalls(
    async () => (await callsToday(db.pool, config.baseUrl)).calls,
    config.maxCallsPerDay,
  );
  let runsOpen = 0;
  return {
    config,
    logger,
    metrics,
    db,
    client,
    retriesScheduled: () => retries,
    async beginRun() {
      runsOpen += 1;
      if (runsOpen === 1 && client) {
        client.startRun();
        await retryOnConnectionLoss(() => gate.watchStops()).catch((error: unknown) => {
          runsOpen -= 1;
          throw error;
        });
      }
      let ended = false;
      return () => {
        if (!ended) runsOpen -= 1;
        ended = true;
      };
    },
    async close() {
      await client?.close();
      await db.close();
    },
  };
}

export interface RunPlansRequest {
  trigger: RunTrigger;
  plans: { planned: PlannedRanking[]; force: boolean }[];
  priority: number;
  runOptions: unknown;
  stopSignal?: AbortSignal;
  abortSignal?: AbortSignal;
  onPlanned?: (plan: { selected: number; skipped: number; toLoad: number }) => void;
  onOutcome?: (outcome: RankingOutcome) => void;
  /** Most rankings per write transaction; the writer's default when unset (benchmarks vary it). */
  maxBatch?: number;
  /** Most rankings waiting for the writer; the writer's default when unset (benchmarks vary it). */
  queueBound?: number;
  /** Rankings held at once, from claim to commit; default twice the request concurrency. */
  rankingsInFlight?: number;
}

/** One run through the ledger with this runtime's client and database. */
export async function runPlans(runtime: Runtime, request: RunPlansRequest): Promise<RunSummary> {
  const { client, db, config, metrics, logger } = runtime;
  if (client === undefined) throw new Error('runPlans needs a runtime opened with api: true');
  const pageSizeCaps = pageSizeCapStore(db.pool, config.baseUrl);
  const retriesBefore = runtime.retriesScheduled();
  const endRun = await runtime.beginRun();
  let summary: RunSummary;
  try {
    summary = await loadRankings({
      ...request,
      onPlanned: (plan) => {
        metrics.rankingsSkipped(plan.skipped);
        request.onPlanned?.(plan);
      },
      pool: db.pool,
      databaseUrl: db.url,
      leaseSeconds: config.leaseSeconds,
      // A ranking waits on its first page before it can ask for the rest, and on the database
      // after: a few more rankings than request slots keep every slot busy.
      rankingsInFlight: request.rankingsInFlight ?? config.concurrency * 2,
      fetchRanking: (key) => fetchRanking(client, key, { pageSize: config.pageSize, pageSizeCaps }),
      // A batch whose connection was lost rolled back: written again from the pages in hand, so a
      // Postgres restart mid-load costs no API call.
      writeRankings: async (batch) => {
        const loaded = await retryOnConnectionLoss(() => writeBatch(db.pool, batch));
        return loaded.map((ranking) => {
          metrics.rowsWritten('ranking_entries', ranking.entries);
          metrics.rowsWritten('ranking_top_lives', ranking.topLives);
          return { rowsLoaded: ranking.entries + ranking.topLives };
        });
      },
      isRunFatal: (error) => isFatalToRun(error) || error instanceof DailyCallCapError,
      isNotAvailable: (error) => error instanceof NotAvailableError,
      apiCallsOf: (error) => (error instanceof FastmossError ? error.apiCalls : 0),
      quarantineOf,
      rawRetentionDays: config.rawRetentionDays,
      retries: () => runtime.retriesScheduled() - retriesBefore,
      onOutcome: (outcome) => {
        // A ranking given back (shutdown, a run-wide error) is none of loaded, failed or skipped.
        if (outcome.status !== 'released') {
          metrics.rankingFinished(
            outcome.status === 'succeeded' ? 'loaded' : outcome.status,
            outcome.durationMs / 1000,
          );
        }
        if (outcome.status === 'failed') {
          const ranking = rankingKeyLabel(outcome.key);
          const reason = outcome.error ? describeError(outcome.error) : 'unknown';
          logger.warn({ ranking, reason }, 'ranking failed');
        }
        request.onOutcome?.(outcome);
      },
    });
  } finally {
    endRun();
  }
  metrics.runFinished({
    trigger: summary.trigger,
    status: summary.status,
    reason: summary.end?.reason ?? null,
  });
  // The criterion /healthz reads from etl_runs: a scheduled run (a cycle or the start-up
  // catch-up) that loaded every ranking.
  if (summary.trigger === 'scheduled' && summary.status === 'succeeded') {
    metrics.cycleSucceeded(new Date());
  }
  return summary;
}
