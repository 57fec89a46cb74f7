import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { reserveRequestStart } from '../../src/db/api-budget.ts';
import { pagesNeeded } from '../../src/fastmoss/page-plan.ts';
import { planBackfill } from '../../src/plan/plan.ts';
import { rankingTotal } from '../../src/simulator/data.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { startCli } from '../support/cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';
import { SIM_TOKEN } from '../support/simulator.ts';

const RPS = 5;
const FROM = '2026-04-01';
const TO = '2026-04-02';
const REGIONS = ['US', 'GB', 'MX'];

let simulator: Simulator;
let db: TestDatabase;

beforeAll(async () => {
  simulator = await startSimulator();
  db = await useTestDatabase();
});

afterAll(async () => {
  await simulator.close();
});

function callsFor(region: string): number {
  const { selection } = loadConfig({ REGIONS: region, PERIODS: 'day' });
  return planBackfill(selection, FROM, TO, new Date()).reduce(
    (calls, planned) => calls + pagesNeeded(rankingTotal(planned.key)),
    0,
  );
}

describe('one API budget for every process on the database', () => {
  it(`three workers with ETL_RPS=${RPS} never start more than ${RPS} requests in any second between them`, async () => {
    simulator.reset();
    const workers = REGIONS.map((region) =>
      startCli(
        ['backfill', '--from', FROM, '--to', TO, '--periods', 'day', '--regions', region, '--json'],
        {
          DATABASE_URL: db.url,
          FASTMOSS_BASE_URL: simulator.url,
          FASTMOSS_TOKEN: SIM_TOKEN,
          ETL_RPS: String(RPS),
          ETL_CONCURRENCY: '4',
        },
      ),
    );
    const results = await Promise.all(workers.map((worker) => worker.done));
    expect(results.map((result) => result.code)).toEqual([0, 0, 0]);
    const expectedCalls = REGIONS.reduce((calls, region) => calls + callsFor(region), 0);
    expect(simulator.counters.total).toBe(expectedCalls);
    // Enough requests that three unshared limiters would have put about 3 x RPS in a second.
    expect(expectedCalls).toBeGreaterThan(4 * RPS);
    expect(simulator.counters.maxStartsInWindow(1000)).toBeLessThanOrEqual(RPS);
    expect(simulator.counters.byOutcome.rateLimited).toBe(0);
  }, 60_000);

  it('reservations made at once from many connections are spaced one apart, in one round trip each', async () => {
    const api = 'http://budget.test';
    const spacingMs = 40;
    const reserved = await Promise.all(
      Array.from({ length: 12 }, () => reserveRequestStart(db.pool, api, spacingMs)),
    );
    const slots = reserved.map((start) => start.slotMs).sort((a, b) => a - b);
    const first = reserved.find((start) => start.slotMs === slots[0]);
    // The first is now; each next one a spacing later (float ms from epoch-based timestamps).
    expect(Math.abs((slots[0] ?? 0) - (first?.databaseNowMs ?? 0))).toBeLessThan(spacingMs);
    for (let index = 1; index < slots.length; index += 1) {
      expect((slots[index] ?? 0) - (slots[index - 1] ?? 0)).toBeCloseTo(spacingMs, 1);
    }
  });
});
