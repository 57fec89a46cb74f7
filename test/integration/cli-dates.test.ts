import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utcToday } from '../../src/plan/periods.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { runCli } from '../support/cli.ts';
import { type TestDatabase, useEmptyDatabase } from '../support/database.ts';

const TOKEN = 'dates-test-token';
let simulator: Simulator;
let db: TestDatabase;

beforeAll(async () => {
  simulator = await startSimulator({ token: TOKEN });
  db = await useEmptyDatabase();
});
afterAll(async () => {
  await simulator.close();
});

function env(): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    FASTMOSS_BASE_URL: simulator.url,
    FASTMOSS_TOKEN: TOKEN,
    REGIONS: 'US',
  };
}

function dayAfter(days: number): string {
  return utcToday(new Date(Date.now() + days * 86_400_000));
}

async function schemaExists(): Promise<boolean> {
  const result = await db.pool.query<{ exists: boolean }>(
    `SELECT to_regnamespace('fastmoss') IS NOT NULL AS exists`,
  );
  return result.rows[0]?.exists === true;
}

describe('backfill dates, from a person at the command line', () => {
  it.each([
    [['--from', dayAfter(1)], 'is in the future (today is'],
    [['--from', dayAfter(30), '--to', dayAfter(60)], 'nothing in this range can be loaded yet'],
    [['--from', '0001-01-01'], '--from 0001-01-01 is before 2021-04-01: TikTok Shop opened'],
    [['--from', '1970-01-01', '--to', '2026-01-31'], 'give 2021-04-01 or later'],
    [['--from', '2026-04-01', '--to', '2021-03-31'], '--to 2021-03-31 is before 2021-04-01'],
    [['--from', '2026-04-05', '--to', '2026-04-01'], '--to 2026-04-01 is before --from 2026-04-05'],
    [['--from', '2026-4-1'], "must be a date like 2026-04-01 (YYYY-MM-DD), got '2026-4-1'"],
    [['--from', '2026-02-30'], '--from 2026-02-30 is not a day of the calendar'],
    [['--to', '2026-04-01'], 'backfill needs --from YYYY-MM-DD'],
  ])('%j exits 2 with its reason, before migrating or calling anything', async (args, reason) => {
    simulator.reset();
    const result = await runCli(['backfill', ...args], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(reason);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(simulator.counters.total).toBe(0);
    expect(await schemaExists()).toBe(false);
  });

  it('a range starting today exits 0: it migrates and records a run that had nothing to load', async () => {
    simulator.reset();
    const result = await runCli(['backfill', '--from', utcToday(new Date()), '--json'], env());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ selected: 0, succeeded: 0, retries: 0 });
    expect(simulator.counters.total).toBe(0);
    const runs = await db.pool.query<{ trigger: string; status: string }>(
      'SELECT trigger, status FROM fastmoss.etl_runs',
    );
    expect(runs.rows).toEqual([{ trigger: 'backfill', status: 'succeeded' }]);
  });

  it('status shows how long each finished run took, in units a person reads', async () => {
    const result = await runCli(['status'], env());
    expect(result.code).toBe(0);
    const header = result.stdout.split('\n').find((line) => line.startsWith('run '));
    expect(header).toMatch(/finished +took +planned/);
    expect(result.stdout).toMatch(/Z +\d+(\.\d)? s +0 +0/);
  });
});
