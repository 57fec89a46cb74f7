import { afterAll, beforeAll, expect, it } from 'vitest';
import { cyclesForRunNow } from '../../src/schedule/cycles.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { runCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/database.ts';

const TOKEN = 'run-test-token';
let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({ token: TOKEN });
});
afterAll(async () => {
  await simulator.close();
});

it('run loads what the schedule covers today: recent days, the last two weeks, the last month', async () => {
  const db = await useTestDatabase();
  const env = {
    DATABASE_URL: db.url,
    FASTMOSS_BASE_URL: simulator.url,
    FASTMOSS_TOKEN: TOKEN,
    ETL_RPS: '100',
    REGIONS: 'US',
    ORDER_FIELDS: 'gmv',
    LOOKBACK_DAYS: '2',
  };
  const result = await runCli(['run', '--json'], env);
  expect(result.code).toBe(0);
  // 3 days (yesterday and 2 before), 2 ISO weeks, 1 month; one region, one order field.
  expect(JSON.parse(result.stdout)).toMatchObject({
    trigger: 'manual',
    status: 'succeeded',
    selected: 6,
  });
  const loaded = await db.pool.query<{ period_type: string; period_value: string }>(
    'SELECT period_type, period_value FROM fastmoss.ranking_snapshots ORDER BY period_type, period_value',
  );
  const expected = cyclesForRunNow(new Date(), 2).flatMap((cycle) =>
    cycle.periodValues.map((value) => ({ period_type: cycle.periodType, period_value: value })),
  );
  expect(loaded.rows).toEqual(
    expected.sort((a, b) =>
      `${a.period_type}${a.period_value}`.localeCompare(`${b.period_type}${b.period_value}`),
    ),
  );
});
