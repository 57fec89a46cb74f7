import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime, type Runtime, runPlans } from '../../src/commands/runtime.ts';
import { loadConfig } from '../../src/config.ts';
import { PRIORITY } from '../../src/db/ledger.ts';
import { runEnv } from '../support/cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';
import { type FakeFastmoss, servesRankings, startFakeFastmoss } from '../support/fake-fastmoss.ts';
import { plannedRankings } from '../support/reliability-harness.ts';

/*
 * The daemon (`schedule`) keeps one runtime, and so one FastMoss client, for every cycle. A run
 * stop is the run's: the next cycle tries again once where the cause passes with time (a used-up
 * quota, as a restarted process would), and makes no call where only a new configuration can
 * help (a refused token). Each cycle here is a run on one runtime, as the daemon makes them.
 */

const TOKEN = 'daemon-stops-token';
const FIRST = { from: '2026-04-01', to: '2026-04-01', periods: 'day', regions: 'US,GB' };
const NEXT = { from: '2026-04-02', to: '2026-04-02', periods: 'day', regions: 'US,GB' };

let fake: FakeFastmoss;
beforeAll(async () => {
  fake = await startFakeFastmoss();
});
afterAll(async () => {
  await fake.close();
});

async function openDaemonRuntime(db: TestDatabase): Promise<Runtime> {
  const env = runEnv(db.url, fake.url, TOKEN, {
    ETL_CONCURRENCY: '1',
    ORDER_FIELDS: 'units_sold',
    LOG_LEVEL: 'silent',
  });
  return openRuntime(loadConfig(env), { api: true, migrate: false });
}

function cycle(runtime: Runtime, range: typeof FIRST) {
  return runPlans(runtime, {
    trigger: 'scheduled',
    plans: [{ planned: plannedRankings({ ...range, orderby: 'units_sold' }), force: false }],
    priority: PRIORITY.scheduled,
    runOptions: { test: 'daemon-run-stops' },
  });
}

describe("a daemon's next cycle after a run stop", () => {
  it('after a used-up quota (30002), tries once again and loads when the quota is back', async () => {
    const db = await useTestDatabase();
    const runtime = await openDaemonRuntime(db);
    try {
      fake.requests.length = 0;
      fake.answerWith(() => ({ code: 30002, message: 'data limit exceeded' }));
      const stopped = await cycle(runtime, FIRST);
      expect(stopped).toMatchObject({ status: 'failed', succeeded: 0 });
      expect(stopped.end?.reason).toBe('quota');
      expect(fake.requests).toHaveLength(1);

      fake.requests.length = 0;
      fake.answerWith(servesRankings(30));
      const resumed = await cycle(runtime, NEXT);
      expect(resumed).toMatchObject({ status: 'succeeded', succeeded: 2, failed: 0 });
      expect(fake.requests).toHaveLength(2);
    } finally {
      await runtime.close();
    }
  }, 60_000);

  it('after a refused token, makes no call: only a new configuration and a restart can help', async () => {
    const db = await useTestDatabase();
    const runtime = await openDaemonRuntime(db);
    try {
      fake.requests.length = 0;
      fake.answerWith(() => ({ status: 401, code: 40101, message: 'token invalid' }));
      const refused = await cycle(runtime, FIRST);
      expect(refused.end?.reason).toBe('auth');
      expect(fake.requests).toHaveLength(1);

      fake.requests.length = 0;
      fake.answerWith(servesRankings(30));
      const next = await cycle(runtime, NEXT);
      expect(next).toMatchObject({ status: 'failed', succeeded: 0 });
      expect(next.end?.reason).toBe('auth');
      expect(fake.requests).toHaveLength(0);
    } finally {
      await runtime.close();
    }
  }, 60_000);
});
