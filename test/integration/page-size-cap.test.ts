import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RankingKey } from '../../src/domain/ranking.ts';
import { rankingRows, rankingTotal } from '../../src/simulator/data.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import {
  type CappedFakeServer,
  fakeRankingName,
  fakeUid,
  startCappedFakeServer,
} from '../support/capped-fake-server.ts';
import { runCli } from '../support/cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';
import { keyWithTotal, SIM_TOKEN } from '../support/simulator.ts';

const TOKEN = 'capped-plan-token';
const TOTAL = 437;

let fake: CappedFakeServer;
let simulator: Simulator;
let db: TestDatabase;
const quirks = new Map<string, { listEndsAfter: number }>();

beforeAll(async () => {
  fake = await startCappedFakeServer({ token: TOKEN, cap: 10, total: TOTAL });
  simulator = await startSimulator({
    quirks: (key) => quirks.get(`${key.region}/${key.periodValue}/${key.orderField}`),
  });
  db = await useTestDatabase();
});

afterAll(async () => {
  await fake.close();
  await simulator.close();
});

function fakeEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    FASTMOSS_BASE_URL: fake.url,
    FASTMOSS_TOKEN: TOKEN,
    ETL_RPS: '500',
    ETL_CONCURRENCY: '4',
    ...extra,
  };
}

function simulatorEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { ...fakeEnv(extra), FASTMOSS_BASE_URL: simulator.url, FASTMOSS_TOKEN: SIM_TOKEN };
}

const US_DAYS = (from: string, to: string, orderby = 'units_sold,gmv') => [
  'backfill',
  '--from',
  from,
  '--to',
  to,
  '--periods',
  'day',
  '--regions',
  'US',
  '--orderby',
  orderby,
];

/** The loaded ranking's creators in rank order, and whether its ranks are 1..n. */
async function loadedRanking(key: Pick<RankingKey, 'region' | 'periodValue' | 'orderField'>) {
  const { rows } = await db.pool.query<{ rank: number; creator_uid: string }>(
    `SELECT e.rank, e.creator_uid FROM fastmoss.ranking_entries e
       JOIN fastmoss.ranking_snapshots s ON s.id = e.snapshot_id
      WHERE s.region = $1 AND s.period_value = $2 AND s.order_field = $3 ORDER BY e.rank`,
    [key.region, key.periodValue, key.orderField],
  );
  return {
    contiguous: rows.every((row, index) => row.rank === index + 1),
    uids: rows.map((row) => row.creator_uid),
  };
}

function fakeUids(ranking: string): string[] {
  return Array.from({ length: TOTAL }, (_, index) => fakeUid(ranking, index + 1));
}

describe('a plan that caps page size at 10', () => {
  const first = fakeRankingName('US', '2026-04-01', 'units_sold');

  it('loads the exact 437-row ranking in 44 calls, and remembers the cap in Postgres', async () => {
    const result = await runCli(
      [...US_DAYS('2026-04-01', '2026-04-01', 'units_sold'), '--json'],
      fakeEnv(),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ succeeded: 1, failed: 0, apiCalls: 44 });

    const calls = fake.callsFor(first);
    expect(calls).toHaveLength(44);
    // Page 1 at the configured 100 (served 10), then pages 2..44 at the 10 served.
    expect(calls.map((call) => call.pagesize)).toEqual([100, ...Array(43).fill(10)]);
    expect(fake.refused).toBe(0);
    expect(
      await loadedRanking({ region: 'US', periodValue: '2026-04-01', orderField: 'units_sold' }),
    ).toEqual({
      contiguous: true,
      uids: fakeUids(first),
    });
    const limits = await db.pool.query(`SELECT api, page_size_cap FROM fastmoss.api_plan_limits`);
    expect(limits.rows).toEqual([{ api: fake.url, page_size_cap: 10 }]);
    const snapshot = await db.pool.query(
      `SELECT total, entry_count, flags FROM fastmoss.ranking_snapshots`,
    );
    expect(snapshot.rows).toEqual([{ total: TOTAL, entry_count: TOTAL, flags: [] }]);
  }, 120_000);

  it('asks later rankings, in a new process, for 10 rows from page 1: 44 calls each', async () => {
    const before = fake.requests.length;
    const result = await runCli([...US_DAYS('2026-04-02', '2026-04-03'), '--json'], fakeEnv());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ succeeded: 4, failed: 0, apiCalls: 4 * 44 });
    const later = fake.requests.slice(before);
    expect(later.every((call) => call.pagesize === 10)).toBe(true);
    for (const day of ['2026-04-02', '2026-04-03']) {
      for (const orderField of ['units_sold', 'gmv'] as const) {
        const ranking = fakeRankingName('US', day, orderField);
        expect(fake.callsFor(ranking)).toHaveLength(44);
        expect(await loadedRanking({ region: 'US', periodValue: day, orderField })).toEqual({
          contiguous: true,
          uids: fakeUids(ranking),
        });
      }
    }
  }, 120_000);

  it('backfill --dry-run estimates calls at the known cap, and says so', async () => {
    const json = await runCli(
      [...US_DAYS('2026-04-04', '2026-04-05'), '--dry-run', '--json'],
      fakeEnv(),
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      rankings: 4,
      skipped: 0,
      maxApiCalls: 4 * 50,
      minApiCalls: 4,
      pageSize: 10,
      pageSizeCap: 10,
    });
    const text = await runCli([...US_DAYS('2026-04-01', '2026-04-05'), '--dry-run'], fakeEnv());
    expect(text.stdout).toContain('skip 5 already loaded');
    expect(text.stdout).toContain('at most 250 API calls');
    expect(text.stdout).toContain('10 rows a page (a cap FastMoss enforces');
  }, 120_000);

  it('rebuild reconstructs the exact rankings from the archived 10-row pages, with no call', async () => {
    const archived = await db.pool.query<{ page_size: number; n: string }>(
      `SELECT page_size, count(*) AS n FROM fastmoss.raw_pages GROUP BY page_size ORDER BY page_size`,
    );
    expect(archived.rows).toEqual([
      { page_size: 10, n: String(5 * 44 - 1) },
      { page_size: 100, n: '1' },
    ]);
    await db.pool.query(
      `TRUNCATE fastmoss.ranking_top_lives, fastmoss.ranking_entries, fastmoss.ranking_snapshots CASCADE`,
    );
    const before = fake.requests.length;
    const result = await runCli(['rebuild', '--json'], fakeEnv());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rankings: 5, rebuilt: 5, failed: 0 });
    expect(fake.requests.length).toBe(before);
    expect(
      await loadedRanking({ region: 'US', periodValue: '2026-04-01', orderField: 'units_sold' }),
    ).toEqual({
      contiguous: true,
      uids: fakeUids(first),
    });
  }, 120_000);
});

describe('page size on a server without a cap', () => {
  it('tells a list that really ended early from a cap with one extra call, and remembers no cap', async () => {
    const key = keyWithTotal((total) => total > 200 && total < 500);
    quirks.set(`${key.region}/${key.periodValue}/${key.orderField}`, { listEndsAfter: 7 });
    const result = await runCli(
      [...US_DAYS(key.periodValue, key.periodValue, key.orderField), '--json'],
      simulatorEnv(),
    );
    expect(result.code).toBe(0);
    // Page 1 held 7 of 100; page 2 at 7 rows came back empty: the end, not a cap.
    expect(simulator.counters.callsFor(key)).toBe(2);
    expect(simulator.counters.pagesizesFor(key)).toEqual([100, 7]);
    expect(await loadedRanking(key)).toEqual({
      contiguous: true,
      uids: rankingRows(key, 1, 7).map((row) => row.creator.uid),
    });
    const snapshot = await db.pool.query(
      `SELECT flags FROM fastmoss.ranking_snapshots WHERE period_value = $1 AND region = $2`,
      [key.periodValue, key.region],
    );
    expect(snapshot.rows).toEqual([{ flags: ['short'] }]);
    const limits = await db.pool.query(`SELECT 1 FROM fastmoss.api_plan_limits WHERE api = $1`, [
      simulator.url,
    ]);
    expect(limits.rowCount).toBe(0);
  }, 120_000);

  it('FASTMOSS_PAGE_SIZE=30 loads 500 rows in 17 calls, the last page asked at 25 for the 500 rule', async () => {
    const key = keyWithTotal((total) => total >= 500, { orderField: 'gmv' });
    simulator.reset();
    const result = await runCli(
      [...US_DAYS(key.periodValue, key.periodValue, 'gmv'), '--json'],
      simulatorEnv({ FASTMOSS_PAGE_SIZE: '30' }),
    );
    expect(result.code).toBe(0);
    expect(simulator.counters.byOutcome.invalid).toBe(0);
    expect(simulator.counters.callsFor(key)).toBe(17);
    expect([...simulator.counters.pagesizesFor(key)].sort((a, b) => a - b)).toEqual([
      25,
      ...Array(16).fill(30),
    ]);
    expect(await loadedRanking(key)).toEqual({
      contiguous: true,
      uids: rankingRows(key, 1, 500).map((row) => row.creator.uid),
    });
    expect(rankingTotal(key)).toBeGreaterThanOrEqual(500);
  }, 120_000);

  it('exits 2 before any call for a FASTMOSS_PAGE_SIZE outside 1..100', async () => {
    simulator.reset();
    for (const size of ['0', '101', 'ten']) {
      const result = await runCli(
        US_DAYS('2026-04-01', '2026-04-01'),
        simulatorEnv({ FASTMOSS_PAGE_SIZE: size }),
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('FASTMOSS_PAGE_SIZE must be an integer from 1 to 100');
    }
    expect(simulator.counters.total).toBe(0);
  }, 120_000);
});
