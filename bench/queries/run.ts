/**
 * Benchmark (not a test): every query of docs/queries.sql on a warehouse of a year of simulator
 * rankings for all 15 regions (whole market and product category 14, by GMV and by units; days,
 * weeks and months: ~5 million entries). Writes bench/results/queries.json with each query's
 * median latency and its EXPLAIN (ANALYZE, BUFFERS) plan. Target: every median under 100 ms.
 *
 *   npx tsx bench/queries/run.ts [--days 365] [--runs 5] [--reuse]
 *
 * Starts its own embedded Postgres unless DATABASE_URL is set. `--reuse` keeps an already built
 * warehouse (database fastmoss_bench_queries on DATABASE_URL's server) and only migrates it, for
 * trying indexes without rebuilding.
 */
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { createPool } from '../../src/db/connect.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { type AnalystQuery, readAnalystQueries } from '../../test/support/analyst-queries.ts';
import { databaseUrl, freshDatabase, startBenchPostgres } from '../support/postgres.ts';
import { round, writeResult } from '../support/results.ts';
import { buildWarehouse, type WarehouseCounts, type WarehouseSpec } from './warehouse.ts';

const TARGET_MS = 100;
const DATABASE = 'queries';

const { values: options } = parseArgs({
  options: {
    days: { type: 'string', default: '365' },
    runs: { type: 'string', default: '5' },
    reuse: { type: 'boolean', default: false },
  },
});
const spec: WarehouseSpec = {
  year: 2025,
  days: Number(options.days),
  productCategoryIds: [null, 14],
};
const runs = Math.max(1, Number(options.runs));

interface QueryTiming {
  name: string;
  question: string;
  medianMs: number;
  runsMs: number[];
  rows: number;
  plan: string[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

async function timeQuery(client: pg.PoolClient, query: AnalystQuery): Promise<QueryTiming> {
  const warm = await client.query(query.sql);
  const runsMs: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await client.query(query.sql);
    runsMs.push(round(performance.now() - started, 1));
  }
  const explained = await client.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`,
  );
  return {
    name: query.name,
    question: query.question,
    medianMs: median(runsMs),
    runsMs,
    rows: warm.rowCount ?? 0,
    plan: explained.rows.map((row) => row['QUERY PLAN']),
  };
}

async function warehouseCounts(pool: pg.Pool): Promise<WarehouseCounts> {
  const { rows } = await pool.query<{ snapshots: string; entries: string; top_lives: string }>(
    `SELECT (SELECT count(*) FROM fastmoss.ranking_snapshots) AS snapshots,
            (SELECT count(*) FROM fastmoss.ranking_entries) AS entries,
            (SELECT count(*) FROM fastmoss.ranking_top_lives) AS top_lives`,
  );
  const row = rows[0];
  return {
    snapshots: Number(row?.snapshots ?? 0),
    entries: Number(row?.entries ?? 0),
    topLives: Number(row?.top_lives ?? 0),
  };
}

async function openWarehouse(serverUrl: string): Promise<{ url: string; buildMs: number | null }> {
  const reusedUrl = databaseUrl(serverUrl, `fastmoss_bench_${DATABASE}`);
  if (options.reuse) {
    await migrateDatabase(reusedUrl);
    const pool = createPool(reusedUrl, { max: 1 });
    try {
      await pool.query('ANALYZE');
      if ((await warehouseCounts(pool)).entries > 0) return { url: reusedUrl, buildMs: null };
    } finally {
      await pool.end();
    }
  }
  const database = await freshDatabase(serverUrl, DATABASE);
  const pool = createPool(database.url, { max: 1 });
  const started = performance.now();
  try {
    await buildWarehouse(pool, spec, (done, total, counts) => {
      if (done % 25 === 0 || done === total) {
        const seconds = ((performance.now() - started) / 1000).toFixed(0);
        console.log(`  ${done}/${total} periods, ${counts.entries} entries (${seconds} s)`);
      }
    });
  } finally {
    await pool.end();
  }
  return { url: database.url, buildMs: performance.now() - started };
}

const postgres = await startBenchPostgres();
console.log(`queries benchmark on ${postgres.source}`);
try {
  const { url, buildMs } = await openWarehouse(postgres.serverUrl);
  const pool = createPool(url, { max: 1 });
  try {
    const counts = await warehouseCounts(pool);
    console.log(`warehouse: ${counts.entries} entries, ${counts.topLives} top lives`);
    const client = await pool.connect();
    const timings: QueryTiming[] = [];
    try {
      for (const query of await readAnalystQueries()) {
        const timing = await timeQuery(client, query);
        console.log(`  ${timing.name}: median ${timing.medianMs} ms (${timing.rows} rows)`);
        timings.push(timing);
      }
    } finally {
      client.release();
    }
    const slowest = timings.reduce((worst, t) => (t.medianMs > worst.medianMs ? t : worst));
    const result = await writeResult({
      name: 'queries',
      title: `Analyst queries (docs/queries.sql) on ${(counts.entries / 1e6).toFixed(1)} M entries`,
      figure: `${slowest.medianMs} ms slowest median (${slowest.name})`,
      against: `target ${TARGET_MS} ms`,
      ratio: round(slowest.medianMs / TARGET_MS),
      target: `every query's median <= ${TARGET_MS} ms`,
      met: timings.every((t) => t.medianMs <= TARGET_MS),
      details: {
        warehouse: {
          ...spec,
          ...counts,
          buildSeconds: buildMs === null ? null : round(buildMs / 1000, 0),
        },
        runsPerQuery: runs,
        queries: timings,
      },
    });
    console.log(`${result.figure}; target met: ${result.met}`);
  } finally {
    await pool.end();
  }
} finally {
  await postgres.stop();
}
