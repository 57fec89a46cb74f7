import { appendFileSync } from 'node:fs';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { type RankingKey, rankingKeyLabel } from '../../src/domain/ranking.ts';
import { pagesNeeded } from '../../src/fastmoss/page-plan.ts';
import { type PlannedRanking, planBackfill } from '../../src/plan/plan.ts';
import { rankingTotal } from '../../src/simulator/data.ts';
import { type CliResult, runCli, runEnv } from './cli.ts';
import { type WarehouseChecksum, warehouseChecksum } from './warehouse-checksum.ts';

/*
 * Shared pieces of the reliability suite (test/reliability): the backfill ranges it breaks, the
 * clean warehouse each broken run must equal, the integrity checks, and the figures it reports.
 */

/** Long variants (more trials, bigger ranges) run only with RELIABILITY_SOAK=1. */
export const SOAK = process.env.RELIABILITY_SOAK === '1';

/** Distinctive enough that finding it anywhere means it leaked. */
export const RELIABILITY_TOKEN = 'rel-token-5ecret-Q7v2xK9';

export interface BackfillRange {
  from: string;
  to: string;
  periods: string;
  regions: string;
  orderby?: string;
}

export function backfillArgs(range: BackfillRange): string[] {
  return [
    'backfill',
    '--from',
    range.from,
    '--to',
    range.to,
    '--periods',
    range.periods,
    '--regions',
    range.regions,
    ...(range.orderby === undefined ? [] : ['--orderby', range.orderby]),
  ];
}

/** The rankings `backfill` plans for the range, as the CLI itself would plan them. */
export function plannedRankings(range: BackfillRange): PlannedRanking[] {
  const { selection } = loadConfig({
    REGIONS: range.regions,
    PERIODS: range.periods,
    ORDER_FIELDS: range.orderby,
  });
  return planBackfill(selection, range.from, range.to, new Date());
}

/** Fewest topCreator calls that load these rankings from the simulator: one per page. */
export function minimumCalls(keys: RankingKey[]): number {
  return keys.reduce((calls, key) => calls + pagesNeeded(rankingTotal(key)), 0);
}

/** Environment of a CLI subprocess loading `databaseUrl` from `baseUrl`, fast and quiet. */
export function reliabilityEnv(
  databaseUrl: string,
  baseUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return runEnv(databaseUrl, baseUrl, RELIABILITY_TOKEN, { ETL_CONCURRENCY: '4', ...extra });
}

/**
 * A pool for the test's own queries. Its application_name keeps it apart from the ETL's
 * connections (`fastmoss-etl`, `fastmoss-etl/<worker>`), which the fault injectors target.
 */
export function observerPool(url: string, applicationName = 'reliability-observer'): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: applicationName });
  pool.on('error', () => {});
  return pool;
}

/** Empties every warehouse and ledger table, so one database serves several trials. */
export async function emptyWarehouse(pool: pg.Pool): Promise<void> {
  await pool.query(
    `TRUNCATE fastmoss.ranking_top_lives, fastmoss.ranking_entries, fastmoss.ranking_snapshots,
              fastmoss.live_streams, fastmoss.creators, fastmoss.creator_categories,
              fastmoss.product_categories, fastmoss.etl_jobs, fastmoss.etl_runs
     RESTART IDENTITY CASCADE`,
  );
}

/** Labels (rankingKeyLabel) of the rankings that have a snapshot. */
export async function loadedLabels(pool: pg.Pool): Promise<Set<string>> {
  const result = await pool.query<{
    region: RankingKey['region'];
    product_category_id: number | null;
    creator_category_id: number | null;
    period_type: RankingKey['periodType'];
    period_value: string;
    order_field: RankingKey['orderField'];
  }>(
    `SELECT region, product_category_id, creator_category_id, period_type, period_value, order_field
     FROM fastmoss.ranking_snapshots`,
  );
  return new Set(
    result.rows.map((row) =>
      rankingKeyLabel({
        region: row.region,
        productCategoryId: row.product_category_id,
        creatorCategoryId: row.creator_category_id,
        periodType: row.period_type,
        periodValue: row.period_value,
        orderField: row.order_field,
      }),
    ),
  );
}

/**
 * Snapshots that are not whole: entry_count disagreeing with the entries stored, ranks not
 * exactly 1..n, or top lives pointing at a rank the snapshot does not have. Empty when sound.
 */
export async function halfWrittenSnapshots(pool: pg.Pool): Promise<string[]> {
  const result = await pool.query<{ problem: string }>(
    `SELECT s.region || '/' || s.period_type || ':' || s.period_value || '/' || s.order_field
            || ': entry_count ' || s.entry_count || ', entries ' || count(e.rank)
            || ', ranks ' || coalesce(min(e.rank), 0) || '..' || coalesce(max(e.rank), 0) AS problem
     FROM fastmoss.ranking_snapshots s
     LEFT JOIN fastmoss.ranking_entries e ON e.snapshot_id = s.id
     GROUP BY s.id
     HAVING count(e.rank) <> s.entry_count
         OR count(DISTINCT e.rank) <> count(e.rank)
         OR (count(e.rank) > 0 AND (min(e.rank) <> 1 OR max(e.rank) <> count(e.rank)))
     UNION ALL
     SELECT 'top live without entry: snapshot ' || t.snapshot_id || ' rank ' || t.rank
     FROM fastmoss.ranking_top_lives t
     LEFT JOIN fastmoss.ranking_entries e ON e.snapshot_id = t.snapshot_id AND e.rank = t.rank
     WHERE e.rank IS NULL`,
  );
  return result.rows.map((row) => row.problem);
}

/** Rows of etl_jobs per status, e.g. `{ succeeded: 12 }`. */
export async function jobStatusCounts(pool: pg.Pool): Promise<Record<string, number>> {
  const result = await pool.query<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM fastmoss.etl_jobs GROUP BY status ORDER BY status',
  );
  return Object.fromEntries(result.rows.map((row) => [row.status, Number(row.n)]));
}

/**
 * Waits until no ETL connection is left on this database, so a killed process's last commit
 * (if its COMMIT reached the server) is visible before the test counts what was loaded.
 */
export async function waitForEtlConnectionsGone(pool: pg.Pool, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity
       WHERE datname = current_database() AND application_name LIKE 'fastmoss-etl%'`,
    );
    if (Number(result.rows[0]?.n) === 0) return;
    if (Date.now() > deadline)
      throw new Error('ETL connections still open after the process ended');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface CleanLoad {
  checksum: WarehouseChecksum;
  /** Wall time of the uninterrupted CLI backfill, spawn to exit. */
  durationMs: number;
  result: CliResult;
}

/** An uninterrupted backfill of `range` into an empty database: the warehouse trials must equal. */
export async function cleanLoad(
  pool: pg.Pool,
  args: string[],
  env: Record<string, string>,
): Promise<CleanLoad> {
  await emptyWarehouse(pool);
  const started = performance.now();
  const result = await runCli(args, env);
  const durationMs = Math.round(performance.now() - started);
  if (result.code !== 0) {
    throw new Error(`the clean load failed (exit ${result.code}): ${result.stderr}`);
  }
  return { checksum: await warehouseChecksum(pool), durationMs, result };
}

export type Figures = Record<string, number | string | boolean>;

/**
 * Prints one trial's figures and, when RELIABILITY_FIGURES names a file, appends them to it as
 * a JSON line: RELIABILITY.md's tables come from that file after a soak run.
 */
export function recordFigures(trial: string, figures: Figures): void {
  const line = JSON.stringify({ trial, soak: SOAK, ...figures });
  console.log(`reliability ${line}`);
  const file = process.env.RELIABILITY_FIGURES;
  if (file) appendFileSync(file, `${line}\n`);
}
