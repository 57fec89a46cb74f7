import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import {
  BYTES_PER_ENTRY,
  DEFAULT_ENTRIES_PER_RANKING,
  DEFAULT_TOP_LIVES_PER_ENTRY,
} from '../../src/db/row-sizes.ts';
import { pagesNeeded } from '../../src/fastmoss/page-plan.ts';
import { planBackfill } from '../../src/plan/plan.ts';
import { rankingTotal } from '../../src/simulator/data.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { runCli, runEnv, startCli } from '../support/cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';
import { warehouseChecksum } from '../support/warehouse-checksum.ts';

const TOKEN = 'cli-test-token';
const NOW = new Date();

/** Backfill arguments of a small selection: 2 regions x 3 days x 2 order fields = 12 rankings. */
const SMALL = [
  '--from',
  '2026-04-01',
  '--to',
  '2026-04-03',
  '--periods',
  'day',
  '--regions',
  'US,GB',
];

function minimumCalls(args: {
  regions: string;
  from: string;
  to: string;
  periods: string;
}): number {
  const { selection } = loadConfig({ REGIONS: args.regions, PERIODS: args.periods });
  return planBackfill(selection, args.from, args.to, NOW).reduce(
    (calls, planned) => calls + pagesNeeded(rankingTotal(planned.key)),
    0,
  );
}

let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({ token: TOKEN });
});

afterAll(async () => {
  await simulator.close();
});

function env(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return runEnv(db.url, simulator.url, TOKEN, extra);
}

async function count(db: TestDatabase, table: string): Promise<number> {
  const result = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM fastmoss.${table}`);
  return Number(result.rows[0]?.n);
}

describe('backfill', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await useTestDatabase();
  });

  it('dry run makes no call and writes no row, and prints the cost', async () => {
    simulator.reset();
    const result = await runCli(['backfill', ...SMALL, '--dry-run', '--json'], env(db));
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ rankings: 12, skipped: 0, maxApiCalls: 60 });
    // An empty warehouse knows no ranking like these: the measured defaults estimate them.
    const entries = 12 * DEFAULT_ENTRIES_PER_RANKING.day;
    expect(report.growth).toMatchObject({
      estimate: true,
      rankings: 12,
      replaced: 0,
      snapshots: 12,
      entries,
      topLives: Math.round(entries * DEFAULT_TOP_LIVES_PER_ENTRY),
      rawPages: 12 * Math.ceil(DEFAULT_ENTRIES_PER_RANKING.day / 100),
      entriesBasis: { series: 0, regionPeriod: 0, default: 12 },
      topLivesPerEntry: { value: DEFAULT_TOP_LIVES_PER_ENTRY, basis: 'default' },
    });
    expect(report.growth.bytes.entries).toBe(entries * BYTES_PER_ENTRY);
    expect(report.growth.bytes.total).toBe(
      report.growth.bytes.entries +
        report.growth.bytes.topLives +
        report.growth.bytes.rawPages +
        report.growth.bytes.rankings,
    );
    expect(simulator.counters.total).toBe(0);
    expect(await count(db, 'etl_runs')).toBe(0);
    expect(await count(db, 'etl_jobs')).toBe(0);
    const text = await runCli(['backfill', ...SMALL, '--dry-run'], env(db));
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /estimated growth \(an estimate, not a count\): [\d.]+ (kB|MB) for 12 rankings not loaded yet: ~3,804 entries/,
    );
    expect(text.stdout).toContain('measured defaults (day 317, week 493, month 500) (12)');
    expect(simulator.counters.total).toBe(0);
    expect(await count(db, 'etl_jobs')).toBe(0);
  });

  it('loads exactly the planned rankings with the fewest calls', async () => {
    simulator.reset();
    const result = await runCli(['backfill', ...SMALL, '--json'], env(db));
    expect(result.stderr).not.toContain(TOKEN);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      status: 'succeeded',
      selected: 12,
      skipped: 0,
      succeeded: 12,
      failed: 0,
    });
    expect(await count(db, 'ranking_snapshots')).toBe(12);
    const expected = minimumCalls({
      regions: 'US,GB',
      from: '2026-04-01',
      to: '2026-04-03',
      periods: 'day',
    });
    expect(simulator.counters.total).toBe(expected);
    expect(summary.apiCalls).toBe(expected);
    const jobs = await db.pool.query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM fastmoss.etl_jobs GROUP BY status',
    );
    expect(jobs.rows).toEqual([{ status: 'succeeded', n: '12' }]);
  });

  it('reruns with zero API calls', async () => {
    simulator.reset();
    const result = await runCli(['backfill', ...SMALL, '--json'], env(db));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ selected: 12, skipped: 12, succeeded: 0 });
    expect(simulator.counters.total).toBe(0);
  });

  it('--force refetches and keeps one snapshot per key, same ids', async () => {
    const before = await db.pool.query<{ id: string }>(
      'SELECT id FROM fastmoss.ranking_snapshots ORDER BY id',
    );
    const checksum = await warehouseChecksum(db.pool);
    simulator.reset();
    const result = await runCli(['backfill', ...SMALL, '--force', '--json'], env(db));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ selected: 12, skipped: 0, succeeded: 12 });
    expect(simulator.counters.total).toBe(
      minimumCalls({ regions: 'US,GB', from: '2026-04-01', to: '2026-04-03', periods: 'day' }),
    );
    const after = await db.pool.query<{ id: string }>(
      'SELECT id FROM fastmoss.ranking_snapshots ORDER BY id',
    );
    expect(after.rows).toEqual(before.rows);
    expect(await warehouseChecksum(db.pool)).toEqual(checksum);
  });

  it('dry run after a load estimates new rankings from their loaded series, and a --force reload as no growth', async () => {
    const jobsBefore = await count(db, 'etl_jobs');
    const runsBefore = await count(db, 'etl_runs');
    // The loaded day rankings' average entry count per region: what a new day of the series holds.
    const averages = await db.pool.query<{ region: string; average: string }>(
      `SELECT region, avg(entry_count) AS average FROM fastmoss.ranking_snapshots GROUP BY region`,
    );
    const expected = averages.rows.reduce((sum, row) => sum + 2 * Number(row.average), 0);
    simulator.reset();
    // One more day: 2 regions x 2 order fields new, 12 loaded.
    const wider = [
      '--from',
      '2026-04-01',
      '--to',
      '2026-04-04',
      '--periods',
      'day',
      '--regions',
      'US,GB',
    ];
    const result = await runCli(['backfill', ...wider, '--dry-run', '--json'], env(db));
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ rankings: 4, skipped: 12 });
    expect(report.growth).toMatchObject({ rankings: 4, replaced: 0, snapshots: 4 });
    expect(report.growth.entriesBasis).toEqual({ series: 4, regionPeriod: 0, default: 0 });
    expect(Math.abs(report.growth.entries - expected)).toBeLessThanOrEqual(1);
    const forced = await runCli(['backfill', ...wider, '--force', '--dry-run', '--json'], env(db));
    expect(JSON.parse(forced.stdout)).toMatchObject({
      rankings: 16,
      skipped: 0,
      growth: { rankings: 4, replaced: 12 },
    });
    expect(simulator.counters.total).toBe(0);
    expect(await count(db, 'etl_jobs')).toBe(jobsBefore);
    expect(await count(db, 'etl_runs')).toBe(runsBefore);
  });

  it('status reports what is loaded and the runs', async () => {
    const result = await runCli(['status', '--json'], env(db));
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.coverage).toEqual([
      {
        periodType: 'day',
        region: 'GB',
        loaded: 6,
        failed: 0,
        missing: 0,
        notAvailable: 0,
        firstPeriod: '2026-04-01',
        lastPeriod: '2026-04-03',
      },
      {
        periodType: 'day',
        region: 'US',
        loaded: 6,
        failed: 0,
        missing: 0,
        notAvailable: 0,
        firstPeriod: '2026-04-01',
        lastPeriod: '2026-04-03',
      },
    ]);
    expect(report.runs).toHaveLength(3);
    expect(report.failuresTotal).toBe(0);
  });
});

describe('exit codes', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await useTestDatabase();
  });

  it.each([
    [['backfill', '--from', '2026-04-01', '--bogus'], "unknown option '--bogus'"],
    [['backfill', '--from', '2026-02-30'], '--from 2026-02-30 is not a day of the calendar'],
    [['backfill', '--from', '2026-04-05', '--to', '2026-04-01'], 'is before --from 2026-04-05'],
    [['backfill', '--from', '2026-04-01', '--regions', 'US,XX'], "unknown region 'XX'"],
    [['backfill', '--from', '2026-04-01', '--orderby', 'views'], "unknown value 'views'"],
    [['frobnicate'], "unknown command 'frobnicate'"],
  ])('%j exits 2 with a one-line reason before any call', async (args, reason) => {
    simulator.reset();
    const result = await runCli(args, env(db));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(reason);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(simulator.counters.total).toBe(0);
  });

  it('a missing token exits 2 before any call or write', async () => {
    simulator.reset();
    const { FASTMOSS_TOKEN: _token, ...noToken } = env(db);
    const result = await runCli(['backfill', ...SMALL], noToken);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('FASTMOSS_TOKEN is not set');
    expect(simulator.counters.total).toBe(0);
    expect(await count(db, 'etl_runs')).toBe(0);
  });

  it('a rejected token stops the run after one call, exits 1 and never prints the token', async () => {
    simulator.reset();
    const result = await runCli(
      ['backfill', ...SMALL, '--json'],
      env(db, { FASTMOSS_TOKEN: 'wrong-secret-token' }),
    );
    expect(result.code).toBe(1);
    expect(simulator.counters.byOutcome.unauthorized).toBeGreaterThanOrEqual(1);
    // Rankings already in flight may each have made their one call; nothing is retried.
    expect(simulator.counters.total).toBeLessThanOrEqual(16);
    expect(result.stdout + result.stderr).not.toContain('wrong-secret-token');
    const summary = JSON.parse(result.stdout);
    expect(summary.fatal).toContain('FASTMOSS_AUTH');
    expect(await count(db, 'ranking_snapshots')).toBe(0);
    const running = await db.pool.query("SELECT 1 FROM fastmoss.etl_jobs WHERE status = 'running'");
    expect(running.rowCount).toBe(0);
  });

  it('a ranking that keeps failing exits 1 and is named with its reason; the rest loads', async () => {
    simulator.reset();
    // The first request answers "system busy" and, with one attempt allowed, fails its ranking.
    simulator.setFaults({ script: ['envelope'] });
    const result = await runCli(
      ['backfill', ...SMALL, '--json'],
      env(db, { ETL_MAX_ATTEMPTS: '1', ETL_CONCURRENCY: '1' }),
    );
    simulator.setFaults({});
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: 'failed', succeeded: 11, failed: 1 });
    expect(summary.failures[0].reason).toContain('FASTMOSS_TRANSIENT');
    expect(await count(db, 'ranking_snapshots')).toBe(11);
  });
});

// Subprocesses on a 2-core machine that runs other test files beside them: allow them time.
const SLOW = 120_000;

describe('several processes and interruptions', () => {
  const WIDE = [
    '--from',
    '2026-03-01',
    '--to',
    '2026-03-10',
    '--periods',
    'day',
    '--regions',
    'US,GB,DE',
  ];
  const WIDE_ARGS = { regions: 'US,GB,DE', from: '2026-03-01', to: '2026-03-10', periods: 'day' };

  it(
    'two processes running the same backfill fetch every ranking exactly once between them',
    async () => {
      const db = await useTestDatabase();
      simulator.reset();
      const settings = env(db, { ETL_RPS: '100', ETL_CONCURRENCY: '4' });
      const [first, second] = await Promise.all([
        runCli(['backfill', ...WIDE, '--json'], settings),
        runCli(['backfill', ...WIDE, '--json'], settings),
      ]);
      expect(first.code).toBe(0);
      expect(second.code).toBe(0);
      expect(simulator.counters.total).toBe(minimumCalls(WIDE_ARGS));
      for (const count of simulator.counters.byPage.values()) expect(count).toBe(1);
      expect(await count(db, 'ranking_snapshots')).toBe(60);
    },
    SLOW,
  );

  it(
    'SIGKILL midway, then a rerun: the same warehouse as one clean run, only the missing refetched',
    async () => {
      const clean = await useTestDatabase();
      expect((await runCli(['backfill', ...WIDE], env(clean))).code).toBe(0);
      const reference = await warehouseChecksum(clean.pool);

      const db = await useTestDatabase();
      simulator.reset();
      const { child, done } = startCli(
        ['backfill', ...WIDE],
        env(db, { ETL_RPS: '40', ETL_CONCURRENCY: '2' }),
      );
      // Kill once a part of the rankings is loaded.
      for (let loaded = 0; loaded < 15; ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        loaded = await count(db, 'ranking_snapshots');
      }
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
      const loadedAtKill = await count(db, 'ranking_snapshots');
      expect(loadedAtKill).toBeLessThan(60);

      const loadedKeys = await db.pool.query<{ label: string }>(
        `SELECT region || '/' || period_value || '/' || order_field AS label FROM fastmoss.ranking_snapshots`,
      );
      const loaded = new Set(loadedKeys.rows.map((row) => row.label));
      const { selection } = loadConfig({ REGIONS: WIDE_ARGS.regions, PERIODS: WIDE_ARGS.periods });
      const missingCalls = planBackfill(selection, WIDE_ARGS.from, WIDE_ARGS.to, NOW)
        .filter(({ key }) => !loaded.has(`${key.region}/${key.periodValue}/${key.orderField}`))
        .reduce((calls, { key }) => calls + pagesNeeded(rankingTotal(key)), 0);
      simulator.reset();
      const rerun = await runCli(['backfill', ...WIDE, '--json'], env(db));
      expect(rerun.code).toBe(0);
      const summary = JSON.parse(rerun.stdout);
      expect(summary.skipped).toBe(loadedAtKill);
      expect(summary.succeeded).toBe(60 - loadedAtKill);
      expect(simulator.counters.total).toBe(missingCalls);
      expect(await warehouseChecksum(db.pool)).toEqual(reference);
    },
    SLOW,
  );

  it(
    'SIGTERM stops claiming, finishes what is in flight and leaves no job running',
    async () => {
      const db = await useTestDatabase();
      const { child, done } = startCli(
        ['backfill', ...WIDE, '--json'],
        env(db, { ETL_RPS: '20', ETL_CONCURRENCY: '2' }),
      );
      for (let loaded = 0; loaded < 5; ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        loaded = await count(db, 'ranking_snapshots');
      }
      child.kill('SIGTERM');
      const result = await done;
      expect(result.code).toBe(1);
      const summary = JSON.parse(result.stdout);
      expect(summary.status).toBe('interrupted');
      expect(summary.unfinished).toBeGreaterThan(0);
      const jobs = await db.pool.query<{ status: string }>(
        "SELECT status FROM fastmoss.etl_jobs WHERE status NOT IN ('pending', 'succeeded')",
      );
      expect(jobs.rows).toEqual([]);
      const runs = await db.pool.query<{ status: string }>('SELECT status FROM fastmoss.etl_runs');
      expect(runs.rows).toEqual([{ status: 'interrupted' }]);
    },
    SLOW,
  );
});
