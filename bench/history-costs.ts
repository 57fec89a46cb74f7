/**
 * Costs that must stay flat as history grows: claiming jobs, planning a backfill, refreshing a
 * snapshot's quality flags and replacing a ranking's archived pages, each timed (median of
 * REPEATS) on an empty warehouse and again after a year of history and 100,000 pending jobs
 * (written in SQL: 98,550 snapshots and succeeded jobs, 492,750 raw pages, then the pending
 * jobs after the last ANALYZE, so the planner's statistics are stale as after a big plan).
 */
import type pg from 'pg';
import { createPool } from '../src/db/connect.ts';
import { claimJobs, planJobs, startRun } from '../src/db/ledger.ts';
import { ensurePartitions } from '../src/db/partitions.ts';
import { refreshQualityFlags } from '../src/db/quality-flags.ts';
import { archivePages } from '../src/db/raw-archive.ts';
import { inTransaction } from '../src/db/transaction.ts';
import { type RankingKey, REGIONS } from '../src/domain/ranking.ts';
import { freshDatabase } from './support/postgres.ts';
import { days, planned } from './support/rankings.ts';
import { type BenchOutcome, median, round } from './support/results.ts';

const REPEATS = 15;
const TARGET = 1.2;

async function timed(repeats: number, work: (index: number) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let index = 0; index < repeats; index++) {
    const started = performance.now();
    await work(index);
    times.push(performance.now() - started);
  }
  return median(times);
}

/**
 * A year of history in SQL: 15 regions x 2 order fields x 9 category pairs x 365 days of `year`,
 * and 100,000 pending jobs of the year before, planned after the last ANALYZE. `year` must not
 * be a leap year: the pending jobs are the same days 365 days earlier, which would overlap it.
 */
export async function writeHistory(pool: pg.Pool, year = 2025): Promise<void> {
  const keys = `
    SELECT r.region, pc.id AS product_category_id, cc.id AS creator_category_id, 'day' AS period_type,
           to_char(d.day, 'YYYY-MM-DD') AS period_value, o.order_field, d.day::date AS period_start,
           d.day::date AS period_end
      FROM unnest(ARRAY['US','GB','MX','ES','DE','IT','FR','ID','VN','MY','TH','PH','BR','JP','SG'])
             AS r(region),
           (VALUES (NULL::int), (14), (21)) AS pc(id), (VALUES (NULL::int), (4), (7)) AS cc(id),
           (VALUES ('units_sold'), ('gmv')) AS o(order_field),
           generate_series(make_date(${year}, 1, 1), make_date(${year}, 12, 31), interval '1 day') AS d(day)`;
  await pool.query(`INSERT INTO fastmoss.ranking_snapshots
      (region, product_category_id, creator_category_id, period_type, period_value, order_field,
       period_start, period_end, total, entry_count, fetched_at)
    SELECT k.*, 500, 500, now() FROM (${keys}) k`);
  await pool.query(`INSERT INTO fastmoss.etl_jobs
      (region, product_category_id, creator_category_id, period_type, period_value, order_field,
       period_start, period_end, status)
    SELECT k.*, 'succeeded' FROM (${keys}) k`);
  // raw_pages is partitioned by month: a partition for each month of the year.
  await ensurePartitions(
    pool,
    Array.from({ length: 12 }, (_, m) => `${year}-${String(m + 1).padStart(2, '0')}-01`),
  );
  await pool.query(`INSERT INTO fastmoss.raw_pages
      (region, product_category_id, creator_category_id, period_type, period_value, order_field,
       period_start, period_end, page, http_status, attempts, received_at, body, page_size)
    SELECT k.*, p.page, 200, 1, now(), '{"code":0}', 100 FROM (${keys}) k,
           generate_series(1, 5) AS p(page)
    ON CONFLICT DO NOTHING`);
  await pool.query('VACUUM ANALYZE');
  // 100,000 pending jobs of the year before, planned after the last ANALYZE.
  await pool.query(`INSERT INTO fastmoss.etl_jobs
      (region, product_category_id, creator_category_id, period_type, period_value, order_field,
       period_start, period_end, status)
    SELECT k.region, k.product_category_id, k.creator_category_id, k.period_type,
           to_char(k.period_start - 365, 'YYYY-MM-DD'), k.order_field,
           k.period_start - 365, k.period_end - 365, 'pending'
      FROM (${keys}) k
     LIMIT 100000`);
}

interface Costs {
  claimMs: number;
  planMs: number;
  flagsMs: number;
  archiveReplaceMs: number;
}

async function measure(pool: pg.Pool, label: string): Promise<Costs> {
  const runId = await startRun(pool, { trigger: 'backfill', options: {}, host: 'bench', pid: 0 });
  // A backfill of 300 rankings of 2026 (new keys), as the CLI plans one.
  const backfill = days('2026-02-01', 10).flatMap((day) =>
    REGIONS.flatMap((region) =>
      (['units_sold', 'gmv'] as const).map((orderField) =>
        planned({
          region: region as RankingKey['region'],
          productCategoryId: null,
          creatorCategoryId: null,
          periodType: 'day',
          periodValue: `${day}`,
          orderField,
        }),
      ),
    ),
  );
  let jobIds: string[] = [];
  const planMs = await timed(REPEATS, async () => {
    const result = await planJobs(pool, backfill, { force: true, priority: 0, runId });
    jobIds = result.jobIds;
  });
  const claimMs = await timed(REPEATS, async (index) => {
    const window = jobIds.slice((index * 16) % 256, ((index * 16) % 256) + 256);
    await claimJobs(pool, window, {
      workerId: `bench-${label}-${index}`,
      leaseSeconds: 60,
      runId,
      limit: 16,
    });
  });
  const key: RankingKey = {
    region: 'US',
    productCategoryId: 14,
    creatorCategoryId: null,
    periodType: 'day',
    periodValue: '2025-06-01',
    orderField: 'gmv',
  };
  const bounds = { start: '2025-06-01', end: '2025-06-01' };
  const flagsMs = await timed(REPEATS, () => refreshQualityFlags(pool as never, key, bounds));
  const pages = [1, 2, 3, 4, 5].map((page) => ({
    page,
    pagesize: 100,
    body: '{"code":0,"data":{}}',
    requestId: null,
    status: 200,
    attempts: 1,
    receivedAt: new Date(),
  }));
  await ensurePartitions(pool, [bounds.start]);
  const archiveReplaceMs = await timed(REPEATS, () =>
    // No foreign key: any id does for the archive's cost.
    inTransaction(pool, (tx) =>
      archivePages(tx, [{ key, bounds, pages, runId: null, snapshotId: '1' }]),
    ),
  );
  return {
    claimMs: round(claimMs, 2),
    planMs: round(planMs, 2),
    flagsMs: round(flagsMs, 2),
    archiveReplaceMs: round(archiveReplaceMs, 2),
  };
}

export async function historyCosts(serverUrl: string): Promise<BenchOutcome> {
  const db = await freshDatabase(serverUrl, 'history_costs');
  const pool = createPool(db.url, { max: 2 });
  try {
    const empty = await measure(pool, 'empty');
    const started = performance.now();
    await writeHistory(pool);
    const historyMs = performance.now() - started;
    const year = await measure(pool, 'year');
    const ratios = Object.fromEntries(
      (Object.keys(empty) as (keyof Costs)[]).map((name) => [
        name,
        round(year[name] / Math.max(empty[name], 0.01)),
      ]),
    );
    const worst = Math.max(...Object.values(ratios));
    return {
      name: 'history-costs',
      title:
        'Claim, plan, flags and archive replace: empty vs a year of history and 100k pending jobs',
      figure: `claim ${year.claimMs} ms, plan ${year.planMs} ms, flags ${year.flagsMs} ms, archive ${year.archiveReplaceMs} ms`,
      against: `empty: claim ${empty.claimMs}, plan ${empty.planMs}, flags ${empty.flagsMs}, archive ${empty.archiveReplaceMs} ms`,
      ratio: round(worst),
      target: `each within ${TARGET}x of its cost on an empty warehouse (worst shown)`,
      met: worst <= TARGET,
      details: { empty, year, ratios, repeats: REPEATS, historyWrittenMs: Math.round(historyMs) },
    };
  } finally {
    await pool.end();
    await db.drop();
  }
}
