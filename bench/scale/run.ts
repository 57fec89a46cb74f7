/**
 * Benchmark (not a test): the warehouse at 10x the queries benchmark's year, generated in SQL
 * (ten years, 2015-2024: ~67 M entries, ~118 M top lives). Measures every query of
 * docs/queries.sql plus a creator's whole history and a period's top 100 per region (median of
 * 5, with EXPLAIN (ANALYZE, BUFFERS) plans, partitions pruned or not), the disk per million
 * entries by table, and the pipeline's time per ranking loading 2025 rankings into it against
 * the same load into an empty warehouse. Writes bench/results/scale.json and BENCHMARKS.md's table.
 *
 *   npx tsx bench/scale/run.ts [--years 10] [--runs 5] [--rankings 60] [--load-rounds 3]
 *                              [--reuse] [--build-only] [--build-workers 2]
 *
 * Starts its own embedded Postgres (in the OS temp dir; ~40 GB at 10 years) unless DATABASE_URL
 * is set. `--reuse` keeps database fastmoss_bench_scale if it has entries (and migrates it).
 * The build writes each month's rows before its indexes (sql-warehouse.ts) and then checks that
 * the catalog is exactly a migrated database's. On a server of your own, build it started with
 * `-c wal_level=minimal -c max_wal_senders=0 -c full_page_writes=off` (a month's tables are then
 * written without WAL), then restart it with its usual settings and measure with `--reuse`.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { createPool } from '../../src/db/connect.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { ensurePartitions } from '../../src/db/partitions.ts';
import { readAnalystQueries } from '../../test/support/analyst-queries.ts';
import { runPipelineProcess } from '../load-speed/pipeline-process.ts';
import { writeLedger } from '../queries/warehouse.ts';
import { updateBenchmarksMd } from '../support/benchmarks-md.ts';
import { fillCreatorFirsts } from '../support/creator-firsts-fill.ts';
import { databaseUrl, freshDatabase, startBenchPostgres } from '../support/postgres.ts';
import { readResults, round, writeResult } from '../support/results.ts';
import { startSimulatorProcess } from '../support/simulator-process.ts';
import { catalogDifferences, catalogLines } from './catalog.ts';
import { buildSqlWarehouse, monthsOf, type SqlWarehouseSpec } from './sql-warehouse.ts';

const TARGET_MS = 100;

const { values: options } = parseArgs({
  options: {
    years: { type: 'string', default: '10' },
    runs: { type: 'string', default: '5' },
    rankings: { type: 'string', default: '60' },
    'load-rounds': { type: 'string', default: '3' },
    reuse: { type: 'boolean', default: false },
    'build-only': { type: 'boolean', default: false },
    'build-workers': { type: 'string', default: '2' },
  },
});
const spec: SqlWarehouseSpec = {
  firstYear: 2015,
  years: Number(options.years),
  creatorsPerRegion: 40_000,
};
const runs = Math.max(1, Number(options.runs));
const loadRankings = Number(options.rankings);
const loadRounds = Math.max(1, Number(options['load-rounds']));

interface QueryTiming {
  name: string;
  medianMs: number;
  runsMs: number[];
  rows: number;
  partitionsScanned: number;
  plan: string[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** Partitions a plan read: distinct partition names on nodes that ran (pruned ones say never executed). */
function partitionsIn(plan: string[]): number {
  const names = new Set<string>();
  for (const line of plan) {
    if (line.includes('never executed')) continue;
    for (const match of line.matchAll(/\bon (\w+_p\d{4}_\d{2})\b/g)) names.add(match[1] ?? '');
  }
  return names.size;
}

async function timeQuery(client: pg.PoolClient, name: string, sql: string): Promise<QueryTiming> {
  const warm = await client.query(sql);
  const runsMs: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await client.query(sql);
    runsMs.push(round(performance.now() - started, 1));
  }
  const explained = await client.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
  );
  const plan = explained.rows.map((row) => row['QUERY PLAN']);
  return {
    name,
    medianMs: median(runsMs),
    runsMs,
    rows: warm.rowCount ?? 0,
    partitionsScanned: partitionsIn(plan),
    plan,
  };
}

/** The two questions the issue adds to docs/queries.sql's. */
const EXTRA_QUERIES = [
  {
    name: 'creator_whole_history_by_uid',
    sql: `SELECT s.period_type, s.period_value, s.region, s.order_field, e.rank, e.live_gmv,
                 e.live_units_sold, e.follower_count
            FROM fastmoss.ranking_entries e
            JOIN fastmoss.ranking_snapshots s ON s.id = e.snapshot_id
           WHERE e.creator_uid = (SELECT creator_uid FROM fastmoss.ranking_entries
                                   WHERE period_start = (SELECT max(period_start)
                                                           FROM fastmoss.ranking_snapshots
                                                          WHERE period_type = 'day')
                                     AND rank = 1 LIMIT 1)
           ORDER BY s.period_start, s.period_type, s.order_field`,
  },
  {
    name: 'period_top_100_per_region',
    sql: `SELECT s.region, e.rank, e.creator_uid::text AS creator_uid_text, c.nickname,
                 e.live_gmv, e.currency
            FROM fastmoss.ranking_snapshots s
            JOIN fastmoss.ranking_entries e
              ON e.snapshot_id = s.id AND e.period_start = s.period_start
            JOIN fastmoss.creators c ON c.uid = e.creator_uid
           WHERE s.period_type = 'day' AND s.period_value = '2024-06-15'
             AND s.order_field = 'gmv'
             AND s.product_category_id IS NULL AND s.creator_category_id IS NULL
             AND e.period_start = date '2024-06-15'
             AND e.rank <= 100
           ORDER BY s.region, e.rank`,
  },
];

interface TableSize {
  table: string;
  bytes: number;
  partitions: number;
}

async function tableSizes(pool: pg.Pool): Promise<TableSize[]> {
  const { rows } = await pool.query<{ table: string; bytes: string; partitions: string }>(
    `SELECT c.relname AS table,
            sum(pg_total_relation_size(t.relid))::bigint AS bytes,
            count(*) FILTER (WHERE t.isleaf AND t.level > 0) AS partitions
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'fastmoss'
       -- pg_partition_tree has no rows for a plain table: that table is its own tree.
       CROSS JOIN LATERAL (SELECT relid, isleaf, level FROM pg_partition_tree(c.oid)
                           UNION ALL
                           SELECT c.oid, true, 0 WHERE c.relkind = 'r') t
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
      GROUP BY c.relname ORDER BY 2 DESC`,
  );
  return rows.map((row) => ({
    table: row.table,
    bytes: Number(row.bytes),
    partitions: Number(row.partitions),
  }));
}

async function counts(pool: pg.Pool) {
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

/**
 * Statistics after a build: every month's partitions were vacuumed and analyzed while in memory
 * (sql-warehouse.ts), so only the partitioned parents (sampled across their months, ONLY: not
 * their partitions again; Postgres 18) and the plain tables are left.
 */
async function analyzeAfterBuild(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT format('fastmoss.%I', c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'fastmoss'
      WHERE c.relkind = 'r' AND NOT c.relispartition`,
  );
  await pool.query(`VACUUM (ANALYZE) ${rows.map((row) => row.name).join(', ')}`);
  const parents = 'fastmoss.ranking_entries, fastmoss.ranking_top_lives, fastmoss.raw_pages';
  await pool.query(`ANALYZE ONLY ${parents}`).catch(async (error: unknown) => {
    // Before Postgres 18 there is no ONLY: the partitions are sampled again.
    if (!(error instanceof Error && 'code' in error && error.code === '42601')) throw error;
    await pool.query(`ANALYZE ${parents}`);
  });
}

/** How the warehouse was built: kept in it (schema public, outside the catalog compared) for a later --reuse. */
interface BuildRecord {
  seconds: number;
  /** Time spent in each phase, summed over the workers (months build `workers` at once). */
  phasesSeconds: Record<string, number>;
  workers: number;
  liveStreams: number;
  loadAverage: { before: number; after: number };
  finishedAt: string;
}

async function writeBuildRecord(pool: pg.Pool, record: BuildRecord): Promise<void> {
  await pool.query('CREATE TABLE IF NOT EXISTS public.scale_build (record jsonb NOT NULL)');
  await pool.query('TRUNCATE public.scale_build');
  await pool.query('INSERT INTO public.scale_build (record) VALUES ($1)', [JSON.stringify(record)]);
}

/** The build's record, or null for a warehouse built before records were kept. */
async function readBuildRecord(pool: pg.Pool): Promise<BuildRecord | null> {
  const { rows } = await pool
    .query<{ record: BuildRecord }>(`SELECT record FROM public.scale_build`)
    .catch(() => ({ rows: [] as { record: BuildRecord }[] }));
  return rows[0]?.record ?? null;
}

async function openWarehouse(
  serverUrl: string,
): Promise<{ url: string; build: BuildRecord | null }> {
  const reusedUrl = databaseUrl(serverUrl, 'fastmoss_bench_scale');
  if (options.reuse) {
    await migrateDatabase(reusedUrl);
    const pool = createPool(reusedUrl, { max: 1 });
    try {
      if ((await counts(pool)).entries > 0) {
        // A build stopped part-way keeps its whole months: give them their ledger, then stats.
        const { rows } = await pool.query('SELECT 1 FROM fastmoss.etl_jobs LIMIT 1');
        if (rows.length === 0) {
          const client = await pool.connect();
          try {
            await writeLedger(client);
            await fillCreatorFirsts(client);
          } finally {
            client.release();
          }
        }
        // A finished build (it left its record) analyzed its months; one stopped part-way, or
        // built before records were kept, is vacuumed and analyzed whole.
        const build = await readBuildRecord(pool);
        if (build) await analyzeAfterBuild(pool);
        else await pool.query('VACUUM ANALYZE');
        await checkSchemaAsMigrated(serverUrl, reusedUrl);
        return { url: reusedUrl, build };
      }
    } finally {
      await pool.end();
    }
  }
  const database = await freshDatabase(serverUrl, 'scale');
  const workers = Math.max(1, Number(options['build-workers']));
  // The builder's own, one a month being built, one for live streams, one for partitions.
  const pool = createPool(database.url, { max: workers + 3 });
  const started = performance.now();
  const loadBefore = round(loadavg()[0] ?? 0);
  let record: BuildRecord;
  try {
    const built = await buildSqlWarehouse(
      pool,
      spec,
      { workers },
      (month) => ensurePartitions(pool, [month]),
      (done, total, sofar) => {
        if (done % 6 === 0 || done === total) {
          const seconds = ((performance.now() - started) / 1000).toFixed(0);
          console.log(`  ${done}/${total} months, ${sofar.entries} entries (${seconds} s)`);
        }
      },
    );
    const builtAt = performance.now();
    const client = await pool.connect();
    try {
      await writeLedger(client);
      await fillCreatorFirsts(client);
    } finally {
      client.release();
    }
    console.log(
      `  phases (s): ${Object.entries(built.phaseMs)
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(0)}`)
        .join(', ')}`,
    );
    console.log(
      `  built ${built.entries} entries, ${built.liveStreams} live streams (${((performance.now() - started) / 1000).toFixed(0)} s); ANALYZE`,
    );
    await analyzeAfterBuild(pool);
    const phasesSeconds = Object.fromEntries(
      Object.entries(built.phaseMs).map(([phase, ms]) => [phase, round(ms / 1000, 1)]),
    );
    phasesSeconds['ledger and ANALYZE'] = round((performance.now() - builtAt) / 1000, 1);
    record = {
      seconds: round((performance.now() - started) / 1000, 0),
      phasesSeconds,
      workers,
      liveStreams: built.liveStreams,
      loadAverage: { before: loadBefore, after: round(loadavg()[0] ?? 0) },
      finishedAt: new Date().toISOString(),
    };
    await writeBuildRecord(pool, record);
  } finally {
    await pool.end();
  }
  await checkSchemaAsMigrated(serverUrl, database.url);
  return { url: database.url, build: record };
}

/**
 * The built warehouse's catalog against a freshly migrated database given the same months'
 * partitions by the pipeline (`ensurePartitions`): the fast build must not change the schema.
 */
async function checkSchemaAsMigrated(serverUrl: string, builtUrl: string): Promise<void> {
  const reference = await freshDatabase(serverUrl, 'scale_catalog');
  const built = createPool(builtUrl, { max: 1 });
  const migrated = createPool(reference.url, { max: 1 });
  try {
    // The same months the warehouse has partitions for (a measured load adds 2025's).
    const { rows } = await built.query<{ month: string }>(
      `SELECT DISTINCT to_char(to_date(substring(c.relname from '_p(\\d{4}_\\d{2})$'), 'YYYY_MM'),
                               'YYYY-MM-DD') AS month
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'fastmoss.ranking_entries'::regclass`,
    );
    await ensurePartitions(migrated, [...monthsOf(spec), ...rows.map((row) => row.month)]);
    const differences = catalogDifferences(await catalogLines(built), await catalogLines(migrated));
    if (differences.length > 0) {
      throw new Error(
        `the built warehouse's schema differs from a migrated one:\n${differences.slice(0, 40).join('\n')}`,
      );
    }
    console.log('  schema: identical to a freshly migrated database with the same partitions');
  } finally {
    await built.end();
    await migrated.end();
    await reference.drop();
  }
}

/**
 * The load-speed pipeline for `loadRankings` full 2025 day rankings into `url` (round `round`'s
 * window of them, so each round brings rankings the warehouse does not hold), per ranking. A
 * CHECKPOINT first, untimed, so no run pays for flushing the writes of the one before.
 */
async function perRankingMs(url: string, simulatorUrl: string, round: number): Promise<number> {
  const admin = createPool(url, { max: 1 });
  try {
    await admin.query('CHECKPOINT');
  } finally {
    await admin.end();
  }
  const run = await runPipelineProcess({
    databaseUrl: url,
    baseUrl: simulatorUrl,
    concurrency: 8,
    rps: 10_000,
    rankings: loadRankings,
    skipRankings: round * loadRankings,
  });
  if (run.summary.succeeded !== loadRankings) {
    throw new Error(`the pipeline loaded ${run.summary.succeeded} of ${loadRankings} rankings`);
  }
  return run.durationMs / loadRankings;
}

const postgres = await startBenchPostgres();
console.log(`scale benchmark on ${postgres.source}`);
if (!process.env.DATABASE_URL) {
  // Our own cluster: fewer checkpoints while ~40 GB are written (reloadable, no restart). A
  // DATABASE_URL server's settings are its owner's and are left alone.
  const admin = createPool(postgres.serverUrl, { max: 1 });
  await admin.query(`ALTER SYSTEM SET max_wal_size = '8GB'`);
  await admin.query('SELECT pg_reload_conf()');
  await admin.end();
}
const simulator = await startSimulatorProcess();
try {
  const { url, build } = await openWarehouse(postgres.serverUrl);
  if (options['build-only']) {
    console.log(`built in ${build?.seconds} s; measure with --reuse`);
  } else {
    await measure(url, build);
  }
} finally {
  await simulator.close();
  await postgres.stop();
}

async function measure(url: string, build: BuildRecord | null): Promise<void> {
  const pool = createPool(url, { max: 1 });
  try {
    const warehouse = await counts(pool);
    const sizes = await tableSizes(pool);
    console.log(`warehouse: ${warehouse.entries} entries, ${warehouse.topLives} top lives`);
    const client = await pool.connect();
    const timings: QueryTiming[] = [];
    try {
      const queries = [
        ...(await readAnalystQueries()).map((q) => ({ name: q.name, sql: q.sql })),
        ...EXTRA_QUERIES,
      ];
      for (const query of queries) {
        const timing = await timeQuery(client, query.name, query.sql);
        console.log(
          `  ${timing.name}: median ${timing.medianMs} ms, ${timing.partitionsScanned} partitions (${timing.rows} rows)`,
        );
        timings.push(timing);
      }
    } finally {
      client.release();
    }
    // Per-ranking load time: the same rankings into the big warehouse and into an empty one,
    // in alternating order, `loadRounds` times (new rankings each round); medians of the rounds.
    const loads: { round: number; atScale: number; empty: number }[] = [];
    for (let loadRound = 0; loadRound < loadRounds; loadRound++) {
      const intoEmpty = async () => {
        const empty = await freshDatabase(postgres.serverUrl, 'scale_empty');
        try {
          return await perRankingMs(empty.url, simulator.url, loadRound);
        } finally {
          await empty.drop();
        }
      };
      let scaleMs: number;
      let emptyMs: number;
      if (loadRound % 2 === 0) {
        scaleMs = await perRankingMs(url, simulator.url, loadRound);
        emptyMs = await intoEmpty();
      } else {
        emptyMs = await intoEmpty();
        scaleMs = await perRankingMs(url, simulator.url, loadRound);
      }
      loads.push({ round: loadRound + 1, atScale: round(scaleMs, 1), empty: round(emptyMs, 1) });
      console.log(
        `load round ${loadRound + 1}: ${round(scaleMs, 1)} ms a ranking at scale, ${round(emptyMs, 1)} empty`,
      );
    }
    const atScale = median(loads.map((l) => l.atScale));
    const atEmpty = median(loads.map((l) => l.empty));
    console.log(
      `load: ${round(atScale, 1)} ms a ranking at scale, ${round(atEmpty, 1)} empty (medians)`,
    );

    const slowest = timings.reduce((worst, t) => (t.medianMs > worst.medianMs ? t : worst));
    const bytesOf = (table: string) => sizes.find((s) => s.table === table)?.bytes ?? 0;
    const perMillionEntries = (bytes: number) =>
      round(bytes / 2 ** 30 / (warehouse.entries / 1e6), 3);
    const factBytes = bytesOf('ranking_entries') + bytesOf('ranking_top_lives');
    const result = await writeResult({
      name: 'scale',
      title: `Analysts and loads at 10x: ${(warehouse.entries / 1e6).toFixed(0)} M entries, ${(warehouse.topLives / 1e6).toFixed(0)} M top lives`,
      figure: `${slowest.medianMs} ms slowest median (${slowest.name}); load ${round(atScale, 1)} ms a ranking (empty: ${round(atEmpty, 1)})`,
      against: `target ${TARGET_MS} ms a query; load within 1.2x of an empty warehouse`,
      ratio: round(slowest.medianMs / TARGET_MS),
      target: `every median <= ${TARGET_MS} ms; load at 10x <= 1.2x empty`,
      met: timings.every((t) => t.medianMs <= TARGET_MS) && atScale <= 1.2 * atEmpty,
      details: {
        warehouse: {
          ...spec,
          ...warehouse,
          // The build's record when it was built earlier (--reuse) by this version.
          build,
        },
        diskGiBPerMillionEntries: {
          entriesAndTopLives: perMillionEntries(factBytes),
          wholeDatabase: perMillionEntries(sizes.reduce((sum, s) => sum + s.bytes, 0)),
        },
        tableSizes: sizes,
        loadMsPerRanking: {
          atScale: round(atScale, 1),
          empty: round(atEmpty, 1),
          ratio: round(atScale / atEmpty),
          rankings: loadRankings,
          rounds: loads,
        },
        runsPerQuery: runs,
        queries: timings,
      },
    });
    console.log(`${result.figure}; target met: ${result.met}`);
    await updateBenchmarksMd(await readResults());
  } finally {
    await pool.end();
  }
}
