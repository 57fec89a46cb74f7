import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScriptStep, type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { runCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/database.ts';
import {
  type BackfillRange,
  backfillArgs,
  cleanLoad,
  emptyWarehouse,
  halfWrittenSnapshots,
  jobStatusCounts,
  minimumCalls,
  observerPool,
  plannedRankings,
  RELIABILITY_TOKEN,
  recordFigures,
  reliabilityEnv,
  SOAK,
} from '../support/reliability-harness.ts';
import { warehouseChecksum } from '../support/warehouse-checksum.ts';

const RANGE: BackfillRange = SOAK
  ? { from: '2026-01-01', to: '2026-02-28', periods: 'day,week,month', regions: 'US,GB,DE,JP' }
  : { from: '2026-03-01', to: '2026-03-04', periods: 'day', regions: 'US,GB' };

/** 20% of requests answered with a fault, spread over every kind a retry should absorb. */
const MIXED_FAULTS = {
  rate429: 0.03,
  rate5xx: 0.03,
  rateHtml: 0.03,
  rateStall: 0.03,
  rateTruncated: 0.03,
  rateReset: 0.03,
  rateErrorEnvelope: 0.02,
  retryAfterSeconds: 0,
  // A stall outlasts ETL_REQUEST_TIMEOUT_MS and is never answered: the client must time out.
  stallMs: 5_000,
  stallThenAnswer: false,
  // One of each kind first, so even a short run meets them all; then the random 20%.
  script: ['429', '5xx', 'html', 'stall', 'truncated', 'reset', 'envelope'] as ScriptStep[],
};
const FAULT_OUTCOMES = ['429', '5xx', 'html', 'stall', 'truncated', 'reset', 'envelope'] as const;

const db = await useTestDatabase();
let simulator: Simulator;
let observer: pg.Pool;

beforeAll(async () => {
  simulator = await startSimulator({ token: RELIABILITY_TOKEN, seed: 20 });
  observer = observerPool(db.url);
});

afterAll(async () => {
  await observer.end();
  await simulator.close();
});

describe('network and upstream faults', () => {
  it('20% mixed faults over a whole backfill: the clean warehouse, every retry in the counters', async () => {
    const env = reliabilityEnv(db.url, simulator.url, { ETL_CONCURRENCY: '8' });
    const clean = await cleanLoad(observer, backfillArgs(RANGE), env);
    const planned = plannedRankings(RANGE);
    const fewest = minimumCalls(planned.map(({ key }) => key));

    await emptyWarehouse(observer);
    simulator.reset();
    simulator.setFaults(MIXED_FAULTS);
    const started = performance.now();
    const result = await runCli([...backfillArgs(RANGE), '--json'], {
      ...env,
      ETL_MAX_ATTEMPTS: '8',
      ETL_REQUEST_TIMEOUT_MS: '1500',
    });
    const durationMs = Math.round(performance.now() - started);
    simulator.setFaults({});

    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: 'succeeded', succeeded: planned.length, failed: 0 });
    expect(await warehouseChecksum(observer)).toEqual(clean.checksum);
    expect(await halfWrittenSnapshots(observer)).toEqual([]);
    expect(await jobStatusCounts(observer)).toEqual({ succeeded: planned.length });

    const { counters } = simulator;
    const faults = FAULT_OUTCOMES.map((outcome) => counters.byOutcome[outcome]);
    const faultCount = faults.reduce((sum, n) => sum + n, 0);
    // Each page served once, and every other request was a fault the client retried.
    expect(counters.byOutcome.ok).toBe(fewest);
    expect(counters.total).toBe(counters.byOutcome.ok + faultCount);
    for (const outcome of [
      'unauthorized',
      'invalid',
      'notFound',
      'quota',
      'rateLimited',
    ] as const) {
      expect(counters.byOutcome[outcome]).toBe(0);
    }
    // The run's own accounting agrees with what the server saw.
    expect(summary.apiCalls).toBe(counters.total);
    const ledger = await observer.query<{ calls: string }>(
      'SELECT sum(api_calls) AS calls FROM fastmoss.etl_jobs',
    );
    expect(Number(ledger.rows[0]?.calls)).toBe(counters.total);
    // The mix really was ~20% and touched every kind.
    expect(faultCount / counters.total).toBeGreaterThan(0.1);
    for (const count of faults) expect(count).toBeGreaterThan(0);

    recordFigures('upstream-faults', {
      rankings: planned.length,
      requests: counters.total,
      okPages: counters.byOutcome.ok,
      faultsInjected: faultCount,
      ...Object.fromEntries(
        FAULT_OUTCOMES.map((outcome) => [outcome, counters.byOutcome[outcome]]),
      ),
      cleanRunMs: clean.durationMs,
      faultyRunMs: durationMs,
      result: 'equal to clean',
    });
  }, 180_000);
});
