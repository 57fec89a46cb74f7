import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runEnv } from '../support/cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';
import {
  type Answerer,
  type FakeFastmoss,
  servesRankings,
  startFakeFastmoss,
} from '../support/fake-fastmoss.ts';

/*
 * Code 20001 ("resource not found": FastMoss has no data for that key and period yet), end to end:
 * a backfill through the CLI against the independent fake, the calls it saw, the warehouse, the
 * run summary and `status`.
 */

const TOKEN = 'not-available-token';
/** 2 regions x 2 days, one order field: 4 rankings. */
const SELECTION = [
  'backfill',
  '--from',
  '2026-04-01',
  '--to',
  '2026-04-02',
  '--periods',
  'day',
  '--regions',
  'US,GB',
  '--orderby',
  'units_sold',
];

/** GB has not been published yet; US is served in full. */
const gbNotYet: Answerer = (request) =>
  request.body?.filter?.region === 'GB'
    ? { code: 20001, message: 'resource not found' }
    : servesRankings(30)(request);

let fake: FakeFastmoss;
beforeAll(async () => {
  fake = await startFakeFastmoss(gbNotYet);
});
afterAll(async () => {
  await fake.close();
});

function env(db: TestDatabase): Record<string, string> {
  return runEnv(db.url, fake.url, TOKEN, { ETL_CONCURRENCY: '4' });
}

async function jobStatuses(db: TestDatabase): Promise<Record<string, string>> {
  const result = await db.pool.query<{ region: string; period_value: string; status: string }>(
    'SELECT region, period_value, status FROM fastmoss.etl_jobs ORDER BY region, period_value',
  );
  return Object.fromEntries(
    result.rows.map((row) => [`${row.region} ${row.period_value}`, row.status]),
  );
}

async function snapshotRegions(db: TestDatabase): Promise<string[]> {
  const result = await db.pool.query<{ region: string; entry_count: number }>(
    'SELECT region, entry_count FROM fastmoss.ranking_snapshots ORDER BY region, period_value',
  );
  return result.rows.map((row) => `${row.region}:${row.entry_count}`);
}

describe('rankings FastMoss has no data for yet (code 20001)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await useTestDatabase();
  });

  it('are neither loaded nor failed, cost one call each, and the run exits 0', async () => {
    fake.requests.length = 0;
    const result = await runCli([...SELECTION, '--json'], env(db));
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      status: 'succeeded',
      selected: 4,
      succeeded: 2,
      failed: 0,
      notAvailable: 2,
      unfinished: 0,
      failures: [],
    });
    expect(summary.notAvailableRankings.map((entry: { ranking: string }) => entry.ranking)).toEqual(
      ['GB/pc=all/cc=all/day:2026-04-01/units_sold', 'GB/pc=all/cc=all/day:2026-04-02/units_sold'],
    );
    expect(summary.notAvailableRankings[0].reason).toContain('resource not found');
    // Not retried: one call per GB ranking; US: one page of 30 rows each.
    expect(fake.callsFor('GB', '2026-04-01')).toBe(1);
    expect(fake.callsFor('GB', '2026-04-02')).toBe(1);
    expect(fake.requests).toHaveLength(4);
    expect(summary.apiCalls).toBe(4);
    expect(await snapshotRegions(db)).toEqual(['US:30', 'US:30']);
    expect(await jobStatuses(db)).toEqual({
      'GB 2026-04-01': 'not_available',
      'GB 2026-04-02': 'not_available',
      'US 2026-04-01': 'succeeded',
      'US 2026-04-02': 'succeeded',
    });
    const run = await db.pool.query(
      'SELECT status, succeeded, failed, not_available FROM fastmoss.etl_runs',
    );
    expect(run.rows).toEqual([{ status: 'succeeded', succeeded: 2, failed: 0, not_available: 2 }]);
  });

  it('are counted and listed apart from failures by status', async () => {
    const json = await runCli(['status', '--json'], env(db));
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.failuresTotal).toBe(0);
    expect(report.notAvailableTotal).toBe(2);
    expect(report.notAvailable.map((entry: { ranking: string }) => entry.ranking).sort()).toEqual([
      'GB/pc=all/cc=all/day:2026-04-01/units_sold',
      'GB/pc=all/cc=all/day:2026-04-02/units_sold',
    ]);
    expect(report.coverage).toContainEqual(
      expect.objectContaining({ region: 'GB', loaded: 0, failed: 0, notAvailable: 2 }),
    );
    expect(report.runs[0]).toMatchObject({ failed: 0, notAvailable: 2 });
    const text = await runCli(['status'], env(db));
    expect(text.stdout).toContain('not available yet: 2 (FastMoss had no data, code 20001');
    expect(text.stdout).toContain('failed rankings: none');
  });

  it('are asked again by a later run, which loads them once published, skipping the rest', async () => {
    fake.answerWith(servesRankings(30));
    fake.requests.length = 0;
    const result = await runCli([...SELECTION, '--json'], env(db));
    fake.answerWith(gbNotYet);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      skipped: 2,
      succeeded: 2,
      notAvailable: 0,
    });
    expect(fake.requests).toHaveLength(2);
    expect(fake.callsFor('US', '2026-04-01')).toBe(0);
    expect(await snapshotRegions(db)).toEqual(['GB:30', 'GB:30', 'US:30', 'US:30']);
    expect(Object.values(await jobStatuses(db))).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
  });

  it('a selection that is entirely not available says so plainly, and exits 0', async () => {
    const empty = await useTestDatabase();
    fake.answerWith(() => ({ code: 20001, message: 'resource not found' }));
    fake.requests.length = 0;
    const result = await runCli(SELECTION, env(empty));
    fake.answerWith(gbNotYet);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/0 loaded, 0 failed, 4 not available yet, 0 unfinished/);
    expect(result.stdout).toContain(
      'FastMoss has no data for any of the 4 rankings asked (code 20001, resource not found); nothing was loaded',
    );
    expect(result.stdout).toContain('not available yet US/pc=all/cc=all/day:2026-04-01/units_sold');
    expect(fake.requests).toHaveLength(4);
    expect(await snapshotRegions(empty)).toEqual([]);
  });
});
