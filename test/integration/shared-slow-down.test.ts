import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedStartGate } from '../../src/db/api-budget.ts';
import { createFastmossClient } from '../../src/fastmoss/client.ts';
import { fetchRanking } from '../../src/fastmoss/ranking.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';
import {
  type FakeFastmoss,
  scripted,
  servesRankings,
  startFakeFastmoss,
} from '../support/fake-fastmoss.ts';
import { rankingKey } from '../support/simulator.ts';

/*
 * Code 30003 slows down every process sharing the database, not only the one told: two clients,
 * each with its own gate over the shared API budget (as two processes have), one fake FastMoss.
 */

const SLOW_DOWN_MS = 400;

let db: TestDatabase;
let fake: FakeFastmoss;
beforeAll(async () => {
  db = await useTestDatabase();
  fake = await startFakeFastmoss();
});
afterAll(async () => {
  await fake.close();
});

function processClient() {
  return createFastmossClient({
    baseUrl: fake.url,
    token: 'shared-slow-down-token',
    concurrency: 2,
    rps: 100,
    maxAttempts: 4,
    timeoutMs: 2_000,
    retryTiming: {
      baseMs: 2,
      maxMs: 5_000,
      floorMs: 0,
      maxRetryAfterMs: 50,
      slowDownMs: SLOW_DOWN_MS,
    },
    startGate: sharedStartGate(db.pool, { api: fake.url, rps: 100 }),
  });
}

describe('access frequency limit exceeded (30003)', () => {
  it("holds back the other process's requests too, for at least the backoff", async () => {
    fake.answerWith(
      scripted([{ code: 30003, message: 'access frequency limit exceeded' }], servesRankings(30)),
    );
    const told = processClient();
    const other = processClient();
    try {
      const first = fetchRanking(told, rankingKey({ periodValue: '2026-04-01' }));
      while (fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      // Let the told process record its slow-down in the shared budget.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = fetchRanking(other, rankingKey({ periodValue: '2026-04-02' }));
      await Promise.all([first, second]);
      const [refusedAt = 0, ...later] = fake.arrivals;
      expect(later).toHaveLength(2);
      for (const arrival of later) {
        expect(arrival - refusedAt).toBeGreaterThanOrEqual(SLOW_DOWN_MS - 10);
      }
      const budget = await db.pool.query('SELECT count(*)::int AS n FROM fastmoss.api_budget');
      expect(budget.rows[0]?.n).toBe(1);
    } finally {
      await told.close();
      await other.close();
    }
  });
});
