/**
 * Load speed at a remote API's pace: the load-speed run (300 full rankings, 1,500 pages,
 * concurrency 8, no rate limit) against a simulator that answers each page in 50-300 ms, as
 * rate-discipline's does, beside the plain client fetching the same pages from it at the same
 * concurrency. `load-speed` answers at once from the same machine, so there the run is bound by
 * the two cores' CPU; here it is bound by the wire, and the ratio says whether the writer keeps
 * up with it (a pipeline whose writes fall behind its fetches shows here as a ratio above 1).
 */
import { cpus } from 'node:os';
import { measureFetchFloor } from './load-speed/fetch-floor.ts';
import { type MeasuredRun, measuredPipelineRun } from './load-speed/measured-run.ts';
import { CONCURRENCY, RANKINGS, UNLIMITED_RPS } from './load-speed.ts';
import { freshDatabase } from './support/postgres.ts';
import { fullRankings } from './support/rankings.ts';
import { type BenchOutcome, median, round, seconds } from './support/results.ts';
import { startSimulatorProcess } from './support/simulator-process.ts';

const LATENCY_MS: [number, number] = [50, 300];
const TARGET_RATIO = 1.5;
const PAIRS = 2;

export async function loadSpeedWire(serverUrl: string): Promise<BenchOutcome> {
  const simulator = await startSimulatorProcess({ latencyMs: LATENCY_MS });
  try {
    const rankings = fullRankings(RANKINGS);
    // The simulator builds its per-region creator pools and compiles its rendering on first use.
    await measureFetchFloor(simulator.url, rankings.slice(0, 60), CONCURRENCY);
    const floors: number[] = [];
    const runs: MeasuredRun[] = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      floors.push((await measureFetchFloor(simulator.url, rankings, CONCURRENCY)).durationMs);
      await simulator.reset();
      const db = await freshDatabase(serverUrl, 'load_speed_wire');
      try {
        runs.push(await measuredPipelineRun(db.url, simulator.url, RANKINGS));
      } finally {
        await db.drop();
      }
    }
    const ratios = runs.map((run, index) => run.ms / (floors[index] ?? Number.NaN));
    const ratio = median(ratios);
    return {
      name: 'load-speed-wire',
      title: `Load speed at a remote API's pace: ${RANKINGS} rankings, answers in ${LATENCY_MS[0]}-${LATENCY_MS[1]} ms, concurrency ${CONCURRENCY}`,
      figure: seconds(median(runs.map((run) => run.ms))),
      against: `fetch floor ${seconds(median(floors))} (median of ${PAIRS} A/B pairs, same simulator)`,
      ratio: round(ratio),
      target: `<= ${TARGET_RATIO}x the fetch floor`,
      met: ratio <= TARGET_RATIO && runs.every((run) => run.succeeded === RANKINGS),
      details: {
        latencyMs: LATENCY_MS,
        ratiosPerPair: ratios.map((r) => round(r)),
        pipelineMsPerPair: runs.map((run) => run.ms),
        fetchFloorMsPerPair: floors.map((ms) => Math.round(ms)),
        cpuMsPerPair: runs.map((run) => ({
          etlProcess: run.etlCpuMs,
          postgres: run.postgresCpuMs ?? 'not local',
          available: run.ms * cpus().length,
        })),
        rankings: RANKINGS,
        concurrency: CONCURRENCY,
        etlRps: UNLIMITED_RPS,
      },
    };
  } finally {
    await simulator.close();
  }
}
