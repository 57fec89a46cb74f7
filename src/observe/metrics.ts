import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestOutcome } from '../fastmoss/client.ts';
import type { TransientReason } from '../fastmoss/errors.ts';

/** How a request to FastMoss ended (`ok` or the error's code), as the client reports it. */
export type { RequestOutcome } from '../fastmoss/client.ts';
/** Why a request was retried, as the client reports it. */
export type RetryReason = TransientReason;

/** Label values in Prometheus' lower snake case: `FASTMOSS_INVALID_RESPONSE` -> `invalid_response`. */
export function outcomeLabel(outcome: RequestOutcome): string {
  return outcome.replace(/^FASTMOSS_/, '').toLowerCase();
}

/** `rate-limited` -> `rate_limited`. */
export function reasonLabel(reason: RetryReason): string {
  return reason.replaceAll('-', '_');
}

/** `not_available`: FastMoss had no data for it yet (code 20001). */
export type RankingStatus = 'loaded' | 'failed' | 'skipped' | 'not_available';

/** Tables the loader writes, as named in schema `fastmoss`. */
export type WarehouseTable =
  | 'creators'
  | 'creator_categories'
  | 'product_categories'
  | 'ranking_snapshots'
  | 'ranking_entries'
  | 'live_streams'
  | 'ranking_top_lives';

/**
 * The figures the pipeline reports, each as one typed call, registered on a registry of its own
 * (never prom-client's global one, so tests and embedded runs do not share counters).
 */
export interface Metrics {
  readonly registry: Registry;
  requestFinished(outcome: RequestOutcome, seconds: number): void;
  retryScheduled(reason: RetryReason): void;
  /** Time a request waited for the rate limiter or a concurrency slot before it started. */
  limiterWaited(seconds: number): void;
  /** `seconds` is the ranking's fetch-and-load time; leave it out for skipped rankings. */
  rankingFinished(status: RankingStatus, seconds?: number): void;
  rowsWritten(table: WarehouseTable, rows: number): void;
  /** Rankings a run left alone because they were already loaded. */
  rankingsSkipped(count: number): void;
  /** A run ended: counted by trigger, status and reason, and kept as the last run. */
  runFinished(run: RunEndLabels): void;
  /**
   * The last scheduled cycle that loaded every ranking ended at `at`: the same moment /healthz
   * reads from etl_runs, so the gauge and the health check agree (also after a restart).
   */
  cycleSucceeded(at: Date): void;
  /**
   * Exports today's API calls (UTC, every process on the database, read at each scrape by
   * `readCallsToday`) and ETL_MAX_CALLS_PER_DAY, when set.
   */
  observeDailyCalls(
    readCallsToday: () => Promise<number>,
    maxCallsPerDay: number | undefined,
  ): void;
}

/** How a run ended, as metric labels; `reason` is etl_runs.end_reason, `none` when it loaded all. */
export interface RunEndLabels {
  trigger: string;
  status: string;
  reason: string | null;
}

const REQUEST_SECONDS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const LIMITER_SECONDS_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const RANKING_SECONDS_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics === true) collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'fastmoss_requests_total',
    help: 'Requests made to the FastMoss API, by outcome (retries count as requests).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const retries = new Counter({
    name: 'fastmoss_retries_total',
    help: 'FastMoss requests retried, by reason.',
    labelNames: ['reason'] as const,
    registers,
  });
  const limiterWait = new Histogram({
    name: 'fastmoss_limiter_wait_seconds',
    help: 'Time requests waited for the rate limiter and concurrency limit before starting.',
    buckets: LIMITER_SECONDS_BUCKETS,
    registers,
  });
  const rankings = new Counter({
    name: 'etl_rankings_total',
    help: 'Rankings finished, by status: loaded, failed after retries, skipped as loaded, or not_available (FastMoss had no data yet, code 20001).',
    labelNames: ['status'] as const,
    registers,
  });
  const rows = new Counter({
    name: 'etl_rows_written_total',
    help: 'Rows inserted or updated in the warehouse, by table.',
    labelNames: ['table'] as const,
    registers,
  });
  const rankingDuration = new Histogram({
    name: 'etl_ranking_duration_seconds',
    help: 'Time to fetch and load one ranking, by status.',
    labelNames: ['status'] as const,
    buckets: RANKING_SECONDS_BUCKETS,
    registers,
  });
  const requestDuration = new Histogram({
    name: 'etl_request_duration_seconds',
    help: 'Duration of one FastMoss API request, by outcome.',
    labelNames: ['outcome'] as const,
    buckets: REQUEST_SECONDS_BUCKETS,
    registers,
  });
  const lastGoodCycle = new Gauge({
    name: 'etl_last_good_cycle_timestamp_seconds',
    help: 'Unix time at which the last cycle finished with every ranking loaded.',
    registers,
  });

  const runs = new Counter({
    name: 'etl_runs_total',
    help: 'Runs ended, by trigger, status and reason (etl_runs.end_reason; none when every ranking loaded).',
    labelNames: ['trigger', 'status', 'reason'] as const,
    registers,
  });
  const lastRun = new Gauge({
    name: 'etl_last_run_info',
    help: 'Always 1; the labels say how the last run of this process ended (trigger, status, reason).',
    labelNames: ['trigger', 'status', 'reason'] as const,
    registers,
  });

  // Zero the known label values so dashboards see 0 rather than "no data" before the first event.
  for (const status of ['loaded', 'failed', 'skipped', 'not_available'] as const) {
    rankings.inc({ status }, 0);
  }

  return {
    registry,
    observeDailyCalls(readCallsToday, maxCallsPerDay) {
      if (registry.getSingleMetric('fastmoss_api_calls_today')) return;
      new Gauge({
        name: 'fastmoss_api_calls_today',
        help: 'API calls started today (UTC) by every process on this database, the count ETL_MAX_CALLS_PER_DAY is checked against.',
        registers,
        async collect() {
          try {
            this.set(await readCallsToday());
          } catch {
            // The database is away: the scrape keeps the last value rather than failing.
          }
        },
      });
      if (maxCallsPerDay === undefined) return;
      new Gauge({
        name: 'fastmoss_api_calls_per_day_cap',
        help: 'ETL_MAX_CALLS_PER_DAY: most API calls per UTC day, every process on this database together.',
        registers,
      }).set(maxCallsPerDay);
    },
    requestFinished(outcome, seconds) {
      requests.inc({ outcome: outcomeLabel(outcome) });
      requestDuration.observe({ outcome: outcomeLabel(outcome) }, seconds);
    },
    retryScheduled(reason) {
      retries.inc({ reason: reasonLabel(reason) });
    },
    limiterWaited(seconds) {
      limiterWait.observe(seconds);
    },
    rankingFinished(status, seconds) {
      rankings.inc({ status });
      if (seconds !== undefined) rankingDuration.observe({ status }, seconds);
    },
    rowsWritten(table, count) {
      rows.inc({ table }, count);
    },
    rankingsSkipped(count) {
      rankings.inc({ status: 'skipped' }, count);
    },
    runFinished(run) {
      const labels = { trigger: run.trigger, status: run.status, reason: run.reason ?? 'none' };
      runs.inc(labels);
      lastRun.reset();
      lastRun.set(labels, 1);
    },
    cycleSucceeded(at) {
      lastGoodCycle.set(at.getTime() / 1000);
    },
  };
}
