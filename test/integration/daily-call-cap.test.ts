import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime } from '../../src/commands/runtime.ts';
import { loadConfig } from '../../src/config.ts';
import { rankingTotal } from '../../src/simulator/data.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { runCli, runEnv } from '../support/cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';
import { SIM_TOKEN } from '../support/simulator.ts';

/** Rankings of 500+ rows: five calls each. */
const FULL = (total: number) => total >= 500;
const CAP = 13;
/** Whole rankings the cap pays for: a ranking is begun only when all its 5 calls fit. */
const LOADED = Math.floor(CAP / 5);
const CALLS = LOADED * 5;

let simulator: Simulator;
let db: TestDatabase;

beforeAll(async () => {
  simulator = await startSimulator();
  db = await useTestDatabase();
});

afterAll(async () => {
  await simulator.close();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return runEnv(db.url, simulator.url, SIM_TOKEN, {
    ETL_RPS: '500',
    ETL_CONCURRENCY: '2',
    ETL_MAX_CALLS_PER_DAY: String(CAP),
    ...extra,
  });
}

/** Backfill of one day's US rankings, both order fields. */
function backfillDay(day: string, extra: string[] = []): string[] {
  return ['backfill', '--from', day, '--to', day, '--periods', 'day', '--regions', 'US', ...extra];
}

/** Days from 1 January of `year` on (two years of them) whose two US rankings' totals pass `test`. */
function usDays(year: number, count: number, test: (total: number) => boolean): string[] {
  const days: string[] = [];
  for (let offset = 0; offset < 730 && days.length < count; offset += 1) {
    const day = new Date(Date.UTC(year, 0, 1 + offset)).toISOString().slice(0, 10);
    const both = (['units_sold', 'gmv'] as const).every((orderField) =>
      test(
        rankingTotal({
          region: 'US',
          productCategoryId: null,
          creatorCategoryId: null,
          periodType: 'day',
          periodValue: day,
          orderField,
        }),
      ),
    );
    if (both) days.push(day);
  }
  return days;
}

/** Three days whose two US rankings both have 500+ rows: 6 rankings, 30 calls in all. */
const DAYS = usDays(2025, 3, FULL);

/** A day whose two US rankings both need fewer than 5 pages (400 rows or fewer). */
const SHORT_DAY = usDays(2024, 1, (total) => total <= 400)[0] ?? '';

async function jobStates(): Promise<Record<string, number>> {
  const { rows } = await db.pool.query<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM fastmoss.etl_jobs GROUP BY status ORDER BY status',
  );
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
}

describe('ETL_MAX_CALLS_PER_DAY', () => {
  it('two processes together begin only the rankings the cap pays for whole: no paid page is thrown away', async () => {
    expect(DAYS).toHaveLength(3);
    const [first, second] = await Promise.all([
      runCli(backfillDay(DAYS[0] ?? '', ['--json']), env()),
      runCli(backfillDay(DAYS[1] ?? '', ['--json']), env()),
    ]);
    // 4 rankings of 5 calls would be 20. Two fit in 13; the third would stop at its 4th page
    // and have its 3 paid pages bought again tomorrow, so it is not begun.
    expect(simulator.counters.total).toBe(CALLS);
    const summaries = [first, second].map((result) => JSON.parse(result.stdout));
    const stopped = summaries.filter((summary) => summary.end?.reason === 'spend_cap');
    expect(stopped.length).toBeGreaterThan(0);
    for (const result of [first, second]) {
      const summary = JSON.parse(result.stdout);
      if (summary.end?.reason === 'spend_cap') {
        expect(result.code).toBe(1);
        expect(summary.fatal).toContain(`ETL_MAX_CALLS_PER_DAY (${CAP}) reached`);
      }
      expect(summary.failed).toBe(0);
    }
    // Loaded rankings are whole; the rest are pending, none failed; no half ranking anywhere.
    const snapshots = await db.pool.query<{ entry_count: number }>(
      'SELECT entry_count FROM fastmoss.ranking_snapshots',
    );
    expect(snapshots.rows.every((row) => row.entry_count === 500)).toBe(true);
    const states = await jobStates();
    expect(states.failed).toBeUndefined();
    expect(states.succeeded).toBe(snapshots.rowCount);
    expect((states.succeeded ?? 0) + (states.pending ?? 0)).toBe(4);
    expect(states.succeeded).toBe(LOADED);
    const counted = await db.pool.query(
      'SELECT api, calls FROM fastmoss.api_daily_calls WHERE day = (now() AT TIME ZONE $1)::date',
      ['UTC'],
    );
    expect(counted.rows).toEqual([{ api: simulator.url, calls: CALLS }]);
  }, 120_000);

  it('a later process the same day, with less left than a ranking may need, makes no call and exits 1 naming the cap', async () => {
    simulator.reset();
    const result = await runCli(backfillDay(DAYS[2] ?? ''), env());
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`ETL_MAX_CALLS_PER_DAY (${CAP}) reached for a whole ranking`);
    expect(result.stdout).toContain(`${CALLS} API calls were counted`);
    expect(simulator.counters.total).toBe(0);
    expect((await jobStates()).failed).toBeUndefined();
  }, 120_000);

  it("status shows today's calls against the cap, as text and JSON", async () => {
    const json = JSON.parse((await runCli(['status', '--json'], env())).stdout);
    expect(json.apiCallsToday).toMatchObject({ api: simulator.url, calls: CALLS, cap: CAP });
    expect(json.apiCallsToday.day).toBe(new Date().toISOString().slice(0, 10));
    const text = (await runCli(['status'], env())).stdout;
    expect(text).toContain(`${CALLS} of ${CAP} (ETL_MAX_CALLS_PER_DAY), ${CAP - CALLS} left`);
    const uncapped = (await runCli(['status'], env({ ETL_MAX_CALLS_PER_DAY: '' }))).stdout;
    expect(uncapped).toContain(`${CALLS} no daily cap`);
  }, 120_000);

  it("/metrics exports today's calls from the database and the cap", async () => {
    const config = loadConfig(env());
    const runtime = await openRuntime(config, { api: false, migrate: false });
    try {
      const text = await runtime.metrics.registry.metrics();
      expect(text).toContain(`fastmoss_api_calls_today ${CALLS}\n`);
      expect(text).toContain(`fastmoss_api_calls_per_day_cap ${CAP}\n`);
    } finally {
      await runtime.close();
    }
  }, 120_000);

  it('the next UTC day the pending rankings load, and the loaded ones are not fetched again', async () => {
    // As if the day had turned: today's count becomes yesterday's.
    await db.pool.query(`UPDATE fastmoss.api_daily_calls SET day = day - 1`);
    simulator.reset();
    const before = await jobStates();
    const pending = 6 - (before.succeeded ?? 0);
    for (const day of DAYS) {
      const result = await runCli(backfillDay(day), env({ ETL_MAX_CALLS_PER_DAY: '100' }));
      expect(result.code).toBe(0);
    }
    expect(simulator.counters.total).toBe(pending * 5);
    expect(await jobStates()).toEqual({ succeeded: 6 });
    const counted = await db.pool.query<{ calls: number }>(
      'SELECT calls FROM fastmoss.api_daily_calls WHERE day = (now() AT TIME ZONE $1)::date',
      ['UTC'],
    );
    expect(counted.rows).toEqual([{ calls: pending * 5 }]);
  }, 120_000);

  it('gives back what a short ranking did not need: the day counts exactly the calls the server saw', async () => {
    await db.pool.query('DELETE FROM fastmoss.api_daily_calls');
    simulator.reset();
    const result = await runCli(backfillDay(SHORT_DAY), env({ ETL_MAX_CALLS_PER_DAY: '100' }));
    expect(result.code).toBe(0);
    // Fewer than the 10 calls two full rankings would reserve, and more than none.
    expect(simulator.counters.total).toBeGreaterThan(0);
    expect(simulator.counters.total).toBeLessThan(10);
    const counted = await db.pool.query<{ calls: number }>(
      'SELECT calls FROM fastmoss.api_daily_calls WHERE day = (now() AT TIME ZONE $1)::date',
      ['UTC'],
    );
    expect(counted.rows).toEqual([{ calls: simulator.counters.total }]);
  }, 120_000);

  it('exits 2 before any call for an ETL_MAX_CALLS_PER_DAY that is not a positive integer', async () => {
    simulator.reset();
    for (const value of ['0', '-5', '1.5', 'lots']) {
      const result = await runCli(
        backfillDay(DAYS[2] ?? ''),
        env({ ETL_MAX_CALLS_PER_DAY: value }),
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('ETL_MAX_CALLS_PER_DAY must be an integer from 1');
    }
    expect(simulator.counters.total).toBe(0);
  }, 120_000);
});
