import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SimulatorProcess,
  startSimulatorProcess,
} from '../../bench/support/simulator-process.ts';
import { loadConfig } from '../../src/config.ts';
import {
  blockSize,
  reserveRequestStart,
  reserveRequestStarts,
  sharedStartGate,
} from '../../src/db/api-budget.ts';
import { createFastmossClient } from '../../src/fastmoss/client.ts';
import { pagesNeeded } from '../../src/fastmoss/page-plan.ts';
import { fetchRanking } from '../../src/fastmoss/ranking.ts';
import { planBackfill } from '../../src/plan/plan.ts';
import { rankingTotal } from '../../src/simulator/data.ts';
import { startCli } from '../support/cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';
import { SIM_TOKEN } from '../support/simulator.ts';

const RPS = 5;
const FROM = '2026-04-01';
const TO = '2026-04-02';
const REGIONS = ['US', 'GB', 'MX'];

let simulator: SimulatorProcess;
let db: TestDatabase;

/*
 * The simulator runs punctual (a process of its own, real-time scheduled where the OS allows:
 * see startSimulatorProcess), as the real server runs on a machine of its own: in the test's
 * process, on a starved machine, it read requests up to ~800 ms after they were sent, and saw
 * six starts within a second that had left the clients 1,045 ms apart.
 */
beforeAll(async () => {
  simulator = await startSimulatorProcess({}, { punctual: true });
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
    await simulator.reset();
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
    const counters = await simulator.counters();
    expect(counters.total).toBe(expectedCalls);
    // Enough requests that three unshared limiters would have put about 3 x RPS in a second.
    expect(expectedCalls).toBeGreaterThan(4 * RPS);
    expect(counters.maxStartsInSecond).toBeLessThanOrEqual(RPS);
    expect(counters.byOutcome.rateLimited).toBe(0);
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

  it('a block reservation takes its moments in one statement: the next reservation starts a whole block later', async () => {
    const api = 'http://block.test';
    const spacingMs = 40;
    const block = await reserveRequestStarts(db.pool, api, spacingMs, 5);
    const next = await reserveRequestStart(db.pool, api, spacingMs);
    expect(next.slotMs - block.slotMs).toBeCloseTo(5 * spacingMs, 1);
  });

  it('three clients at 40 req/s reserve their starts a block per statement and never start more than 40 in any second between them', async () => {
    const rps = 40;
    expect(blockSize(rps)).toBe(4);
    await simulator.reset();
    const { selection } = loadConfig({ REGIONS: 'US,GB,MX', PERIODS: 'day' });
    const planned = planBackfill(selection, '2026-03-01', '2026-03-06', new Date());
    let statements = 0;
    // The real pool, counted: every budget statement goes through here.
    const counted = {
      query: ((...args: Parameters<typeof db.pool.query>) => {
        statements += 1;
        return db.pool.query(...args);
      }) as typeof db.pool.query,
    };
    const api = 'http://blocks.test';
    const clients = [0, 1, 2].map(() =>
      createFastmossClient({
        baseUrl: simulator.url,
        token: SIM_TOKEN,
        concurrency: 8,
        rps: 1000,
        maxAttempts: 1,
        startGate: sharedStartGate(counted, { api, rps }),
      }),
    );
    try {
      await Promise.all(
        // Each client asks for all of its rankings at once, as a run with rankings in flight does.
        clients.flatMap((client, index) =>
          planned
            .filter((_, at) => at % 3 === index)
            .map((ranking) => fetchRanking(client, ranking.key)),
        ),
      );
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
    const counters = await simulator.counters();
    const calls = counters.total;
    expect(calls).toBe(planned.reduce((sum, p) => sum + pagesNeeded(rankingTotal(p.key)), 0));
    expect(calls).toBeGreaterThan(2 * rps);
    expect(counters.maxStartsInSecond).toBeLessThanOrEqual(rps);
    // A block of 4 per statement; a moment the busy machine made the client miss is dropped,
    // so a loaded machine needs more than calls / 4, but never one statement per request.
    expect(statements).toBeLessThan(calls);
    expect(counters.byOutcome.rateLimited).toBe(0);
  }, 60_000);
});
