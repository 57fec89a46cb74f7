import { CONCURRENCY, UNLIMITED_RPS } from '../load-speed.ts';
import { postmasterPid, processTreeCpuMs } from '../support/cpu-time.ts';
import { round } from '../support/results.ts';
import { runPipelineProcess } from './pipeline-process.ts';

export interface MeasuredRun {
  /** Runtime open to close, as `PipelineRun.durationMs`. */
  ms: number;
  etlCpuMs: number;
  /** Postgres's CPU during the run (postmaster and reaped backends); null when not local. */
  postgresCpuMs: number | null;
  succeeded: number;
  /** Runtime open to the first ranking committed. */
  firstCommitMs: number | null;
  /**
   * Time a ranking after the first, from the first commit to the last: the run's cost without
   * its fixed start (opening, planning, the first ranking's pages and its write).
   */
  marginalMsPerRanking: number | null;
}

/**
 * The load-speed backfill of `rankings` full rankings into `databaseUrl` (concurrency 8, no rate
 * limit), with the CPU time of the ETL process and of Postgres during it.
 */
export async function measuredPipelineRun(
  databaseUrl: string,
  simulatorUrl: string,
  rankings: number,
  settings: { maxBatch?: number; queueBound?: number; rankingsInFlight?: number } = {},
): Promise<MeasuredRun> {
  const pid = await postmasterPid(databaseUrl);
  const before = pid ? await processTreeCpuMs(pid) : 0;
  const run = await runPipelineProcess({
    databaseUrl,
    baseUrl: simulatorUrl,
    concurrency: CONCURRENCY,
    rps: UNLIMITED_RPS,
    rankings,
    ...settings,
  });
  const after = pid ? await processTreeCpuMs(pid) : null;
  return {
    ms: Math.round(run.durationMs),
    etlCpuMs: Math.round(run.cpuMs),
    postgresCpuMs: after === null ? null : Math.round(after - before),
    succeeded: run.summary.succeeded,
    firstCommitMs: run.firstCommitMs === null ? null : Math.round(run.firstCommitMs),
    marginalMsPerRanking:
      run.firstCommitMs === null || run.lastCommitMs === null || run.summary.succeeded < 2
        ? null
        : round((run.lastCommitMs - run.firstCommitMs) / (run.summary.succeeded - 1), 1),
  };
}
