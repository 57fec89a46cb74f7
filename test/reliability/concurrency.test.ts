import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime, runPlans } from '../../src/commands/runtime.ts';
import { loadConfig } from '../../src/config.ts';
import { PRIORITY } from '../../src/db/ledger.ts';
import { rankingKeyLabel } from '../../src/domain/ranking.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { runCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/database.ts';
import {
  type BackfillRange,
  backfillArgs,
  cleanLoad,
  emptyWarehouse,
  halfWrittenSnapshots,
  jobStatusCounts,
  observerPool,
  plannedRankings,
  RELIABILITY_TOKEN,
  recordFigures,
  reliabilityEnv,
  SOAK,
} from '../support/reliability-harness.ts';
import { warehouseChecksum } from '../support/warehouse-checksum.ts';

const REGIONS = SOAK ? 'US,GB,DE,FR' : 'US,GB';
/** Three overlapping windows of one month: A and B overlap, the scheduled cycle sits across both. */
const FIRST: BackfillRange = {
  from: '2026-03-01',
  to: '2026-03-06',
  periods: 'day',
  regions: REGIONS,
};
const SECOND: BackfillRange = {
  from: '2026-03-04',
  to: '2026-03-09',
  periods: 'day',
  regions: REGIONS,
};
const SCHEDULED: BackfillRange = {
  from: '2026-03-05',
  to: '2026-03-07',
  periods: 'day',
  regions: REGIONS,
};
const UNION: BackfillRange = {
  from: '2026-03-01',
  to: '2026-03-09',
  periods: 'day',
  regions: REGIONS,
};
const ROUNDS = SOAK ? 10 : 2;

const db = await useTestDatabase();
let simulator: Simulator;
let observer: pg.Pool;

beforeAll(async () => {
  simulator = await startSimulator({ token: RELIABILITY_TOKEN });
  observer = observerPool(db.url);
});

afterAll(async () => {
  await observer.end();
  await simulator.close();
});

/** One `run`-like scheduled cycle in this process, through the same ledger as the CLI. */
async function scheduledCycle(env: Record<string, string>) {
  const runtime = await openRuntime(loadConfig({ ...env, LOG_LEVEL: 'silent' }), {
    api: true,
    migrate: false,
  });
  try {
    return await runPlans(runtime, {
      trigger: 'scheduled',
      plans: [{ planned: plannedRankings(SCHEDULED), force: false }],
      priority: PRIORITY.scheduled,
      runOptions: { reliability: 'concurrent scheduled cycle' },
    });
  } finally {
    await runtime.close();
  }
}

describe('concurrent runs', () => {
  it(
    'two overlapping backfills (one --force) and a scheduled cycle at once: no deadlock, one snapshot per key, unforced rankings fetched once',
    async () => {
      const env = reliabilityEnv(db.url, simulator.url, { ETL_RPS: '100', ETL_CONCURRENCY: '3' });
      const clean = await cleanLoad(observer, backfillArgs(UNION), env);
      const union = plannedRankings(UNION).map(({ key }) => rankingKeyLabel(key));
      const forced = new Set(plannedRankings(SECOND).map(({ key }) => rankingKeyLabel(key)));
      const pageCounts: number[] = [];
      let refetchedByForce = 0;
      let slowestMs = 0;

      for (let round = 0; round < ROUNDS; round += 1) {
        await emptyWarehouse(observer);
        simulator.reset();
        const started = performance.now();
        const [first, second, scheduled] = await Promise.all([
          runCli([...backfillArgs(FIRST), '--json'], env),
          runCli([...backfillArgs(SECOND), '--force', '--json'], env),
          scheduledCycle(env),
        ]);
        slowestMs = Math.max(slowestMs, Math.round(performance.now() - started));

        expect(first.code, first.stderr).toBe(0);
        expect(second.code, second.stderr).toBe(0);
        expect(scheduled).toMatchObject({ status: 'succeeded', failed: 0, unfinished: 0 });
        expect(await warehouseChecksum(observer)).toEqual(clean.checksum);
        expect(await halfWrittenSnapshots(observer)).toEqual([]);
        expect(await jobStatusCounts(observer)).toEqual({ succeeded: union.length });
        const runs = await observer.query<{ trigger: string; status: string }>(
          'SELECT trigger, status FROM fastmoss.etl_runs ORDER BY id',
        );
        expect(runs.rows.map((run) => run.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);

        // Every page of a ranking outside the forced range is asked for exactly once across the
        // three runs. A forced ranking may be fetched a second time (force reloads a ranking another
        // run already finished; one still in flight elsewhere is waited for, not refetched).
        for (const [page, count] of simulator.counters.byPage) {
          const label = page.slice(0, page.lastIndexOf('#'));
          expect(union).toContain(label);
          if (forced.has(label)) expect(count, page).toBeLessThanOrEqual(2);
          else expect(count, page).toBe(1);
          pageCounts.push(count);
          if (count === 2 && page.endsWith('#1')) refetchedByForce += 1;
        }
        const deadlocks = await observer.query(
          "SELECT 1 FROM fastmoss.etl_jobs WHERE last_error ILIKE '%deadlock%'",
        );
        expect(deadlocks.rowCount).toBe(0);
      }
      recordFigures('concurrency', {
        rounds: ROUNDS,
        rankingsInUnion: union.length,
        forcedRankings: forced.size,
        pagesRequested: pageCounts.reduce((sum, n) => sum + n, 0),
        forcedRankingsFetchedTwice: refetchedByForce,
        slowestRoundMs: slowestMs,
        result: 'equal to clean',
      });
    },
    60_000 + ROUNDS * 30_000,
  );
});
