import type pg from 'pg';
import { loadRanking } from '../../src/db/load.ts';
import {
  type FetchedRanking,
  ORDER_FIELDS,
  type PeriodType,
  type RankingKey,
  type Region,
} from '../../src/domain/ranking.ts';
import { createFastmossClient } from '../../src/fastmoss/client.ts';
import { fetchRanking } from '../../src/fastmoss/ranking.ts';
import { periodBounds } from '../../src/plan/periods.ts';
import { startSimulator } from '../../src/simulator/server.ts';

/*
 * A small warehouse for analyst tests: rankings the bundled simulator serves, fetched by the real
 * client and written by the real loader, plus a ledger that says what was loaded, what failed and
 * what is still pending.
 */

export const FIXTURE_REGIONS: Region[] = ['US', 'GB'];
export const FIXTURE_PRODUCT_CATEGORY = 14;
/** Eight days across two ISO weeks (2026-12 is Mar 16-22, 2026-13 is Mar 23-29), in March 2026. */
export const FIXTURE_PERIODS: { type: PeriodType; values: string[] }[] = [
  {
    type: 'day',
    values: Array.from({ length: 8 }, (_, i) => `2026-03-${String(22 + i).padStart(2, '0')}`),
  },
  { type: 'week', values: ['2026-12', '2026-13'] },
  { type: 'month', values: ['2026-03'] },
];

/** Ledger rows for rankings that are not loaded: the day after the fixture's last day. */
export const UNLOADED_JOBS: { key: RankingKey; status: 'failed' | 'pending' }[] = [
  { key: dayKey('US', 'gmv'), status: 'failed' },
  { key: dayKey('US', 'units_sold'), status: 'failed' },
  { key: dayKey('GB', 'gmv'), status: 'pending' },
];

function dayKey(region: Region, orderField: RankingKey['orderField']): RankingKey {
  return {
    region,
    productCategoryId: null,
    creatorCategoryId: null,
    periodType: 'day',
    periodValue: '2026-03-30',
    orderField,
  };
}

export function fixtureKeys(): RankingKey[] {
  const keys: RankingKey[] = [];
  for (const region of FIXTURE_REGIONS) {
    for (const productCategoryId of [null, FIXTURE_PRODUCT_CATEGORY]) {
      for (const { type, values } of FIXTURE_PERIODS) {
        // The product category only for weeks and the month: enough to show the filter, and fast.
        if (productCategoryId !== null && type === 'day') continue;
        for (const periodValue of values) {
          for (const orderField of ORDER_FIELDS) {
            keys.push({
              region,
              productCategoryId,
              creatorCategoryId: null,
              periodType: type,
              periodValue,
              orderField,
            });
          }
        }
      }
    }
  }
  return keys;
}

export interface WarehouseFixture {
  rankings: FetchedRanking[];
  runId: string;
}

async function recordLedger(pool: pg.Pool, rankings: FetchedRanking[]): Promise<string> {
  const run = await pool.query<{ id: string }>(
    `INSERT INTO fastmoss.etl_runs (trigger, status, finished_at, planned, succeeded, failed)
     VALUES ('backfill', 'failed', now(), $1, $2, $3) RETURNING id`,
    [
      rankings.length + UNLOADED_JOBS.length,
      rankings.length,
      UNLOADED_JOBS.filter((job) => job.status === 'failed').length,
    ],
  );
  const runId = run.rows[0]?.id;
  if (runId === undefined) throw new Error('no etl_runs id returned');
  const jobs = [
    ...rankings.map((ranking) => ({ key: ranking.key, status: 'succeeded' })),
    ...UNLOADED_JOBS,
  ];
  for (const { key, status } of jobs) {
    const bounds = periodBounds(key.periodType, key.periodValue);
    if (!bounds) throw new Error(`bad fixture period ${key.periodValue}`);
    await pool.query(
      `INSERT INTO fastmoss.etl_jobs
         (region, product_category_id, creator_category_id, period_type, period_value,
          order_field, period_start, period_end, status, attempts, last_error, run_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        key.region,
        key.productCategoryId,
        key.creatorCategoryId,
        key.periodType,
        key.periodValue,
        key.orderField,
        bounds.start,
        bounds.end,
        status,
        status === 'pending' ? 0 : 1,
        status === 'failed' ? 'HTTP 503 after 5 attempts' : null,
        runId,
      ],
    );
  }
  return runId;
}

/** Fetches the fixture's rankings from a simulator on a free port and loads them into `pool`. */
export async function loadSimulatedWarehouse(pool: pg.Pool): Promise<WarehouseFixture> {
  const simulator = await startSimulator({ port: 0 });
  const client = createFastmossClient({
    baseUrl: simulator.url,
    token: 'sim-token',
    concurrency: 8,
    rps: 10_000,
    maxAttempts: 1,
  });
  try {
    // All fetched at once through the client's limiter; loaded one by one as they arrive, since
    // concurrent loads would lock the same creators' rows.
    const fetches = fixtureKeys().map((key) => fetchRanking(client, key));
    const rankings: FetchedRanking[] = [];
    for (const fetch of fetches) {
      const ranking = await fetch;
      await loadRanking(pool, ranking);
      rankings.push(ranking);
    }
    const runId = await recordLedger(pool, rankings);
    return { rankings, runId };
  } finally {
    await client.close();
    await simulator.close();
  }
}
