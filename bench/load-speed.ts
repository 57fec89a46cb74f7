/**
 * Benchmark 1, load speed: a backfill of 300 full rankings (500 rows each: 1,500 pages, 150,000
 * entries and their top lives) through the real pipeline, beside two floors measured in the same
 * run on the same machine: a minimal client fetching and JSON.parse'ing the same pages at the same
 * concurrency, and COPY FROM STDIN of the same entries and top lives into the same Postgres.
 */

import { cpus } from 'node:os';
import { measureCopyFloor } from './load-speed/copy-floor.ts';
import { measureFetchFloor } from './load-speed/fetch-floor.ts';
import { runPipelineProcess } from './load-speed/pipeline-process.ts';
import { postmasterPid, processTreeCpuMs } from './support/cpu-time.ts';
import { freshDatabase } from './support/postgres.ts';
import { fullRankings } from './support/rankings.ts';
import { type BenchOutcome, round, seconds } from './support/results.ts';
import { startSimulatorProcess } from './support/simulator-process.ts';

export const RANKINGS = 300;
export const CONCURRENCY = 8;
/** High enough that the limiter never waits: this measures the pipeline, not the rate limit. */
export const UNLIMITED_RPS = 10_000;
const TARGET_RATIO = 1.5;

export async function loadSpeed(serverUrl: string): Promise<BenchOutcome> {
  const simulator = await startSimulatorProcess();
  const pipelineDb = await freshDatabase(serverUrl, 'load_speed');
  const copyDb = await freshDatabase(serverUrl, 'copy_floor');
  try {
    const rankings = fullRankings(RANKINGS);
    // Warms the simulator's per-region creator pools and both processes' JITs.
    await measureFetchFloor(simulator.url, rankings.slice(0, 60), CONCURRENCY);
    const fetchFloor = await measureFetchFloor(simulator.url, rankings, CONCURRENCY);
    await simulator.reset();
    const postgresPid = await postmasterPid(pipelineDb.url);
    const postgresCpuBefore = postgresPid ? await processTreeCpuMs(postgresPid) : 0;
    const simulatorCpuBefore = (await simulator.counters()).cpuMs;
    const pipeline = await runPipelineProcess({
      databaseUrl: pipelineDb.url,
      baseUrl: simulator.url,
      concurrency: CONCURRENCY,
      rps: UNLIMITED_RPS,
      rankings: RANKINGS,
    });
    const calls = await simulator.counters();
    // Backends exit when the child's pools close, so their CPU is in the postmaster's cutime.
    const postgresCpuMs = postgresPid
      ? (await processTreeCpuMs(postgresPid)) - postgresCpuBefore
      : null;
    const copyFloor = await measureCopyFloor(pipelineDb.url, copyDb.url);
    const floorMs = Math.max(fetchFloor.durationMs, copyFloor.durationMs);
    const ratio = pipeline.durationMs / floorMs;
    const larger = fetchFloor.durationMs >= copyFloor.durationMs ? 'fetch' : 'COPY';
    const { summary } = pipeline;
    return {
      name: 'load-speed',
      title: `Load speed: ${RANKINGS} rankings x 500 rows, concurrency ${CONCURRENCY}`,
      figure: seconds(pipeline.durationMs),
      against: `floor ${seconds(floorMs)} (${larger}; fetch ${seconds(fetchFloor.durationMs)}, COPY ${seconds(copyFloor.durationMs)})`,
      ratio: round(ratio),
      target: `<= ${TARGET_RATIO}x the larger floor`,
      met: ratio <= TARGET_RATIO && summary.succeeded === RANKINGS,
      details: {
        pipelineMs: Math.round(pipeline.durationMs),
        cpuDuringPipelineMs: {
          etlProcess: Math.round(pipeline.cpuMs),
          simulator: Math.round(calls.cpuMs - simulatorCpuBefore),
          postgres: postgresCpuMs === null ? 'not local' : Math.round(postgresCpuMs),
          available: Math.round(pipeline.durationMs * cpus().length),
        },
        fetchFloorMs: Math.round(fetchFloor.durationMs),
        copyFloorMs: Math.round(copyFloor.durationMs),
        copyMethod: 'COPY ... FROM STDIN (text format) through a hand-made pg Submittable',
        rankings: RANKINGS,
        concurrency: CONCURRENCY,
        etlRps: UNLIMITED_RPS,
        pagesFetched: fetchFloor.pages,
        pageBytes: fetchFloor.bytes,
        rowsParsedByFloor: fetchFloor.rows,
        rowsCopied: copyFloor.rows,
        copyBytes: copyFloor.bytes,
        simulatorCalls: calls.total,
        pipelinePagesPerSecond: round(calls.total / (pipeline.durationMs / 1000), 1),
        floorPagesPerSecond: round(fetchFloor.pages / (fetchFloor.durationMs / 1000), 1),
        summary: {
          succeeded: summary.succeeded,
          failed: summary.failed,
          apiCalls: summary.apiCalls,
          rowsLoaded: summary.rowsLoaded,
          durationMs: summary.durationMs,
        },
      },
    };
  } finally {
    await simulator.close();
    await pipelineDb.drop();
    await copyDb.drop();
  }
}
