/**
 * Benchmark 1, load speed: a backfill of 300 full rankings (500 rows each: 1,500 pages, 150,000
 * entries and their top lives) through the real pipeline, beside two floors measured in the same
 * run on the same machine: a minimal client fetching and JSON.parse'ing the same pages at the same
 * concurrency, and COPY FROM STDIN of the same entries and top lives into the same Postgres.
 */

import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { measureCopyFloor } from './load-speed/copy-floor.ts';
import { measureFetchFloor } from './load-speed/fetch-floor.ts';
import { runPipelineProcess } from './load-speed/pipeline-process.ts';
import { type ActivityProfile, sampleActivity } from './support/activity-sampler.ts';
import { postmasterPid, processTreeCpuMs } from './support/cpu-time.ts';
import type { PipelineRun } from './support/pipeline.ts';
import { freshDatabase } from './support/postgres.ts';
import { fullRankings } from './support/rankings.ts';
import { type BenchOutcome, median, round, seconds } from './support/results.ts';
import { startSimulatorProcess } from './support/simulator-process.ts';

export const RANKINGS = 300;
export const CONCURRENCY = 8;
/** High enough that the limiter never waits: this measures the pipeline, not the rate limit. */
export const UNLIMITED_RPS = 10_000;
const TARGET_RATIO = 1.5;
const runFile = promisify(execFile);

/** Fetch floor and pipeline, alternated: each ratio is a pair measured back to back. */
const PAIRS = 3;

const CLI = fileURLToPath(new URL('../bin/fastmoss-etl.js', import.meta.url));

/** Wall time of the compiled CLI doing the least a command does: start, connect, one query. */
async function cliStartMs(databaseUrl: string): Promise<number> {
  const started = performance.now();
  await runFile(process.execPath, [CLI, 'status', '--json'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return performance.now() - started;
}

export async function loadSpeed(serverUrl: string): Promise<BenchOutcome> {
  const simulator = await startSimulatorProcess();
  const copyDb = await freshDatabase(serverUrl, 'copy_floor');
  try {
    const rankings = fullRankings(RANKINGS);
    // Warms the simulator's per-region creator pools and both processes' JITs.
    await measureFetchFloor(simulator.url, rankings.slice(0, 60), CONCURRENCY);
    const pairs: {
      fetchFloorMs: number;
      pipelineMs: number;
      processWallMs: number;
      cpu: Record<string, number | string>;
      activity: ActivityProfile;
      summary: PipelineRun['summary'];
      calls: number;
    }[] = [];
    let copyFloor: Awaited<ReturnType<typeof measureCopyFloor>> | undefined;
    let fetchFloor: Awaited<ReturnType<typeof measureFetchFloor>> | undefined;
    let startMs: number[] = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      fetchFloor = await measureFetchFloor(simulator.url, rankings, CONCURRENCY);
      await simulator.reset();
      const pipelineDb = await freshDatabase(serverUrl, 'load_speed');
      try {
        const postgresPid = await postmasterPid(pipelineDb.url);
        const postgresCpuBefore = postgresPid ? await processTreeCpuMs(postgresPid) : 0;
        const simulatorCpuBefore = (await simulator.counters()).cpuMs;
        const activity = sampleActivity(serverUrl, pipelineDb.name);
        const wallStarted = performance.now();
        const pipeline = await runPipelineProcess({
          databaseUrl: pipelineDb.url,
          baseUrl: simulator.url,
          concurrency: CONCURRENCY,
          rps: UNLIMITED_RPS,
          rankings: RANKINGS,
        });
        const processWallMs = performance.now() - wallStarted;
        const sampled = await activity.stop();
        const calls = await simulator.counters();
        // Backends exit when the child's pools close, so their CPU is in the postmaster's cutime.
        const postgresCpuMs = postgresPid
          ? (await processTreeCpuMs(postgresPid)) - postgresCpuBefore
          : null;
        pairs.push({
          fetchFloorMs: fetchFloor.durationMs,
          pipelineMs: pipeline.durationMs,
          processWallMs,
          cpu: {
            etlProcess: Math.round(pipeline.cpuMs),
            // The sampler's own queries are a few ms of Postgres CPU; not subtracted.
            postgres: postgresCpuMs === null ? 'not local' : Math.round(postgresCpuMs),
            simulator: Math.round(calls.cpuMs - simulatorCpuBefore),
            available: Math.round(pipeline.durationMs * cpus().length),
          },
          activity: sampled,
          summary: pipeline.summary,
          calls: calls.total,
        });
        if (pair === 0) {
          copyFloor = await measureCopyFloor(pipelineDb.url, copyDb.url);
          startMs = [await cliStartMs(pipelineDb.url), await cliStartMs(pipelineDb.url)];
        }
      } finally {
        await pipelineDb.drop();
      }
    }
    const ratios = pairs.map((p) => p.pipelineMs / p.fetchFloorMs);
    const ratio = median(ratios);
    const middle = pairs[ratios.indexOf([...ratios].sort((a, b) => a - b)[1] ?? ratio)] ?? pairs[0];
    if (!middle || !fetchFloor || !copyFloor) throw new Error('no pair measured');
    const { summary } = middle;
    const loadedAll = pairs.every((p) => p.summary.succeeded === RANKINGS);
    return {
      name: 'load-speed',
      title: `Load speed: ${RANKINGS} rankings x 500 rows, concurrency ${CONCURRENCY}`,
      figure: seconds(median(pairs.map((p) => p.pipelineMs))),
      against: `fetch floor ${seconds(median(pairs.map((p) => p.fetchFloorMs)))} (median of ${PAIRS} A/B pairs; COPY floor ${seconds(copyFloor.durationMs)})`,
      ratio: round(ratio),
      target: `<= ${TARGET_RATIO}x the fetch floor`,
      met: ratio <= TARGET_RATIO && loadedAll,
      details: {
        ratiosPerPair: ratios.map((r) => round(r)),
        pipelineMsPerPair: pairs.map((p) => Math.round(p.pipelineMs)),
        fetchFloorMsPerPair: pairs.map((p) => Math.round(p.fetchFloorMs)),
        perRankingMs: round(middle.pipelineMs / RANKINGS, 1),
        startUp: {
          childProcessOverheadMs: pairs.map((p) => Math.round(p.processWallMs - p.pipelineMs)),
          cliStatusWallMs: startMs.map((ms) => Math.round(ms)),
          note: 'pipeline time runs from opening the runtime to closing it; the child runs under tsx, the CLI compiled',
        },
        cpuDuringPipelineMs: middle.cpu,
        cpuPerPair: pairs.map((p) => p.cpu),
        activityDuringPipeline: middle.activity,
        activityPerPair: pairs.map((p) => p.activity),
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
        simulatorCalls: middle.calls,
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
    await copyDb.drop();
  }
}
