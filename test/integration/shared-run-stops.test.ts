import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SharedStartGate, sharedStartGate } from '../../src/db/api-budget.ts';
import { createFastmossClient, type FastmossClient } from '../../src/fastmoss/client.ts';
import { QuotaError } from '../../src/fastmoss/errors.ts';
import { fetchRanking } from '../../src/fastmoss/ranking.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';
import { type FakeFastmoss, startFakeFastmoss } from '../support/fake-fastmoss.ts';
import { rankingKey, rejection } from '../support/simulator.ts';

/*
 * Two processes' clients on one database, as two workers of one account: each has its own
 * shared start gate, FastMoss (an independent fake) answers every call with 30002.
 */

let fake: FakeFastmoss;
let db: TestDatabase;

beforeAll(async () => {
  fake = await startFakeFastmoss();
  fake.answerWith(() => ({ code: 30002, message: 'data limit exceeded' }));
  db = await useTestDatabase();
});

afterAll(async () => {
  await fake.close();
});

/** A worker's client over its own gate, watching for stops from now on. */
async function worker(): Promise<{ client: FastmossClient; gate: SharedStartGate }> {
  // One start a second between them: the second worker's start waits on the first's.
  const gate = sharedStartGate(db.pool, { api: fake.url, rps: 1 });
  await gate.watchStops();
  const client = createFastmossClient({
    baseUrl: fake.url,
    token: 'run-stops-test-token',
    concurrency: 1,
    rps: 1,
    maxAttempts: 3,
    startGate: gate,
  });
  return { client, gate };
}

describe('an account-wide run stop', () => {
  it('30002 seen by one process stops the others already running before their next call', async () => {
    const [first, second] = await Promise.all([worker(), worker()]);
    const errors = await Promise.all([
      rejection(fetchRanking(first.client, rankingKey({ periodValue: '2026-04-01' }))),
      rejection(fetchRanking(second.client, rankingKey({ periodValue: '2026-04-02' }))),
    ]);
    await Promise.all([first.client.close(), second.client.close()]);
    expect(errors.every((error) => error instanceof QuotaError)).toBe(true);
    // One refusal paid for, not one per process.
    expect(fake.requests).toHaveLength(1);
    const told = errors.find((error) => error.message.includes('another process')) as
      | QuotaError
      | undefined;
    expect(told?.message).toContain('data limit exceeded');
    expect(told?.apiCalls).toBe(0);
    const { rows } = await db.pool.query(
      'SELECT api, reason FROM fastmoss.api_run_stops ORDER BY id',
    );
    expect(rows).toEqual([{ api: fake.url, reason: 'quota' }]);
  }, 60_000);

  it('a process started after the stop tries once again: the quota may have been raised', async () => {
    fake.requests.length = 0;
    const later = await worker();
    const error = await rejection(
      fetchRanking(later.client, rankingKey({ periodValue: '2026-04-03' })),
    );
    await later.client.close();
    expect(error).toBeInstanceOf(QuotaError);
    expect(fake.requests).toHaveLength(1);
  }, 60_000);
});
