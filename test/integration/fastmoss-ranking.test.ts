import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RankingKey } from '../../src/domain/ranking.ts';
import { FastmossError, TransientError } from '../../src/fastmoss/errors.ts';
import { compareDecimalText } from '../../src/fastmoss/lossless-parse.ts';
import { fetchRanking } from '../../src/fastmoss/ranking.ts';
import { rankingTotal } from '../../src/simulator/data.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { keyWithTotal, rankingKey, testClient } from '../support/simulator.ts';

let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({ rps: 20 });
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  simulator.setFaults({});
  simulator.reset();
});

/** `count` distinct rankings of more than 500 rows: five calls each. */
function bigRankings(count: number): RankingKey[] {
  const keys: RankingKey[] = [];
  for (let offset = 0; keys.length < count; offset += 1) {
    const periodValue = new Date(Date.UTC(2026, 0, 1 + offset)).toISOString().slice(0, 10);
    const key = rankingKey({
      region: 'GB',
      periodValue,
      orderField: offset % 2 ? 'gmv' : 'units_sold',
    });
    if (rankingTotal(key) > 500) keys.push(key);
  }
  return keys;
}

function maxStartsInWindow(starts: number[], windowMs: number): number {
  return Math.max(
    ...starts.map((from) => starts.filter((t) => t >= from && t < from + windowMs).length),
  );
}

describe('fetchRanking', () => {
  it.each([
    ['no rows', (t: number) => t === 0, 1],
    ['under 100 rows', (t: number) => t > 0 && t < 100, 1],
    ['exactly 300 rows', (t: number) => t === 300, 3],
    ['a few hundred and some', (t: number) => t > 300 && t < 400, 4],
    ['more than the 500 served', (t: number) => t > 500, 5],
  ])(
    'fetches a ranking of %s in exactly ceil(min(total, 500) / 100) calls',
    async (_name, wanted, calls) => {
      const key = keyWithTotal(wanted);
      const total = rankingTotal(key);
      const { client } = testClient(simulator);
      try {
        const ranking = await fetchRanking(client, key);
        expect(ranking.total).toBe(total);
        expect(ranking.apiCalls).toBe(calls);
        expect(simulator.counters.callsFor(key)).toBe(calls);
        expect(ranking.entries).toHaveLength(Math.min(total, 500));
        expect(ranking.entries.map((entry) => entry.rank)).toEqual(
          Array.from({ length: Math.min(total, 500) }, (_, i) => i + 1),
        );
        for (let page = 1; page <= calls; page += 1)
          expect(simulator.counters.callsFor(key, page)).toBe(1);
      } finally {
        await client.close();
      }
    },
  );

  it('returns rows sorted by the order field, with exact ids and money', async () => {
    const key = keyWithTotal((t) => t > 500, { region: 'ID', orderField: 'gmv' });
    const { client } = testClient(simulator);
    try {
      const ranking = await fetchRanking(client, key);
      for (let i = 1; i < ranking.entries.length; i += 1) {
        const [above, below] = [ranking.entries[i - 1]?.liveGmv, ranking.entries[i]?.liveGmv];
        expect(compareDecimalText(above ?? '0', below ?? '0')).toBeGreaterThanOrEqual(0);
      }
      const first = ranking.entries[0];
      expect(first?.creator.uid).toMatch(/^\d{19}$/);
      expect(first?.liveGmv).toMatch(/^\d+(\.\d{1,2})?$/);
      expect(first?.currency).toBe('IDR');
    } finally {
      await client.close();
    }
  });

  it('counts retries in apiCalls, and all calls of a ranking when a page fails', async () => {
    const key = keyWithTotal((t) => t > 500);
    simulator.setFaults({ script: ['ok', '429'], retryAfterSeconds: 0 });
    const { client } = testClient(simulator, { maxAttempts: 2 });
    try {
      const ranking = await fetchRanking(client, key);
      expect(ranking.apiCalls).toBe(6);
      expect(simulator.counters.callsFor(key)).toBe(6);

      simulator.reset();
      // Page 1 answers; pages 2-5 fail twice each, so every one of them gives up.
      simulator.setFaults({ script: ['ok', ...Array<'5xx'>(8).fill('5xx')] });
      const error = await fetchRanking(client, rankingKey({ ...key, orderField: 'gmv' })).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TransientError);
      expect(error instanceof FastmossError ? error.apiCalls : -1).toBe(simulator.counters.total);
      expect(simulator.counters.total).toBe(9);
    } finally {
      await client.close();
    }
  });

  it('never starts more than rps requests in any one-second window', async () => {
    const keys = bigRankings(12);
    const clientStarts: number[] = [];
    const { client } = testClient(simulator, {
      rps: 20,
      concurrency: 8,
      onEvent: (event) => {
        if (event.type === 'request-started') clientStarts.push(performance.now());
      },
    });
    try {
      const started = performance.now();
      const rankings = await Promise.all(keys.map((key) => fetchRanking(client, key)));
      const elapsed = performance.now() - started;
      const calls = rankings.reduce((sum, ranking) => sum + ranking.apiCalls, 0);
      expect(calls).toBe(simulator.counters.total);
      expect(calls).toBe(60);
      expect(simulator.counters.maxStartsInWindow(1000)).toBeLessThanOrEqual(20);
      expect(simulator.counters.byOutcome.rateLimited).toBe(0);
      // Starts are paced, not bunched: 60 starts need at least 59 gaps of 1/20 s.
      expect(elapsed).toBeGreaterThanOrEqual(((calls - 1) / 20) * 1000);
      expect(maxStartsInWindow(clientStarts, 1000)).toBeLessThanOrEqual(20);
    } finally {
      await client.close();
    }
  });
});
