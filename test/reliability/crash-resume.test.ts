import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rankingKeyLabel } from '../../src/domain/ranking.ts';
import { seededRandom } from '../../src/simulator/random.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { runCli, startCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/database.ts';
import {
  type BackfillRange,
  backfillArgs,
  type CleanLoad,
  cleanLoad,
  emptyWarehouse,
  halfWrittenSnapshots,
  jobStatusCounts,
  loadedLabels,
  minimumCalls,
  observerPool,
  plannedRankings,
  RELIABILITY_TOKEN,
  recordFigures,
  reliabilityEnv,
  SOAK,
  waitForEtlConnectionsGone,
} from '../support/reliability-harness.ts';
import { warehouseChecksum } from '../support/warehouse-checksum.ts';

const RANGE: BackfillRange = SOAK
  ? { from: '2026-02-01', to: '2026-02-14', periods: 'day,week', regions: 'US,GB,DE' }
  : { from: '2026-02-01', to: '2026-02-06', periods: 'day', regions: 'US,GB' };
const TRIALS = SOAK ? 25 : 5;
const SEED = 0x8e57;
// Slow enough that the run spans a couple of seconds, so a kill lands between its requests.
const SETTINGS = { ETL_RPS: SOAK ? '60' : '25', ETL_CONCURRENCY: '2' };

const db = await useTestDatabase();
let simulator: Simulator;
let observer: pg.Pool;
let clean: CleanLoad;

beforeAll(async () => {
  simulator = await startSimulator({ token: RELIABILITY_TOKEN });
  observer = observerPool(db.url);
  clean = await cleanLoad(
    observer,
    backfillArgs(RANGE),
    reliabilityEnv(db.url, simulator.url, SETTINGS),
  );
});

afterAll(async () => {
  await observer.end();
  await simulator.close();
});

describe('crash and resume', () => {
  it(
    `SIGKILL at ${TRIALS} seeded random moments, then a rerun: the clean warehouse, only the missing rankings refetched`,
    async () => {
      const planned = plannedRankings(RANGE);
      const env = reliabilityEnv(db.url, simulator.url, SETTINGS);
      const random = seededRandom(SEED);
      const loadedAtKill: number[] = [];
      let refetched = 0;
      const calls = minimumCalls(planned.map(({ key }) => key));
      for (let trial = 0; trial < TRIALS; trial += 1) {
        await emptyWarehouse(observer);
        simulator.reset();
        // The moment is a point in the run's own progress (the server has seen that many
        // requests), not a time: on a loaded machine a timed kill lands in start-up every time.
        const killAtCall = 1 + Math.floor(random() * (calls - 1));
        const { child, done } = startCli(backfillArgs(RANGE), env);
        await untilServerSaw(killAtCall, done);
        child.kill('SIGKILL');
        const killed = await done;
        await waitForEtlConnectionsGone(observer);

        expect(await halfWrittenSnapshots(observer)).toEqual([]);
        const loaded = await loadedLabels(observer);
        loadedAtKill.push(loaded.size);
        const missing = planned.filter(({ key }) => !loaded.has(rankingKeyLabel(key)));

        simulator.reset();
        const rerun = await runCli([...backfillArgs(RANGE), '--json'], env);
        expect(rerun.code, `trial ${trial} (kill at call ${killAtCall}): ${rerun.stderr}`).toBe(0);
        const summary = JSON.parse(rerun.stdout);
        expect(summary).toMatchObject({
          status: 'succeeded',
          selected: planned.length,
          skipped: loaded.size,
          succeeded: missing.length,
          failed: 0,
        });
        expect(simulator.counters.total).toBe(minimumCalls(missing.map(({ key }) => key)));
        refetched += missing.length;
        expect(await warehouseChecksum(observer)).toEqual(clean.checksum);
        expect(await jobStatusCounts(observer)).toEqual({ succeeded: planned.length });
        // A process killed before it could start its run leaves no run row, and that is fine.
        if (killed.signal !== 'SIGKILL') expect(killed.code).toBe(0);
      }
      // The seeded moments must really cut runs short, not only hit before or after them.
      expect(loadedAtKill.some((n) => n > 0 && n < planned.length)).toBe(true);
      recordFigures('crash-resume', {
        trials: TRIALS,
        rankingsPerRun: planned.length,
        cleanRunMs: clean.durationMs,
        loadedAtKill: loadedAtKill.join(','),
        rankingsRefetched: refetched,
        result: 'equal to clean',
      });
    },
    60_000 + TRIALS * (SOAK ? 45_000 : 20_000),
  );
});

/** Resolves once the simulator has received `count` requests, or the CLI has exited. */
async function untilServerSaw(count: number, exited: Promise<unknown>): Promise<void> {
  let over = false;
  void exited.then(() => {
    over = true;
  });
  while (!over && simulator.counters.total < count) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
