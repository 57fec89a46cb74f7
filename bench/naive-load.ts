/**
 * Benchmark 2, against the obvious way: the first 30 of the load-speed rankings loaded as a
 * typical script would (pages one by one, a row at a time through drizzle inserts), and through
 * the pipeline, in the same run. The speed-up is measured on those 30; the script's time is also
 * scaled x10 to the 300-ranking load for comparison with the load-speed figure.
 */
import { naiveLoad } from './naive-load/naive-script.ts';
import { runPipelineBackfill } from './support/pipeline.ts';
import { freshDatabase } from './support/postgres.ts';
import { fullRankings } from './support/rankings.ts';
import { type BenchOutcome, round, seconds } from './support/results.ts';
import { startSimulatorProcess } from './support/simulator-process.ts';

const SUBSET = 30;
const FULL = 300;

export async function naiveLoadBench(serverUrl: string): Promise<BenchOutcome> {
  const simulator = await startSimulatorProcess();
  const naiveDb = await freshDatabase(serverUrl, 'naive_load');
  const pipelineDb = await freshDatabase(serverUrl, 'naive_pipeline');
  try {
    const rankings = fullRankings(SUBSET);
    const naive = await naiveLoad(naiveDb.url, simulator.url, rankings);
    const pipeline = await runPipelineBackfill(
      { databaseUrl: pipelineDb.url, baseUrl: simulator.url, concurrency: 8, rps: 10_000 },
      rankings,
    );
    const speedUp = naive.durationMs / pipeline.durationMs;
    return {
      name: 'naive-load',
      title: `Against the obvious way: ${SUBSET} rankings x 500 rows, row-at-a-time drizzle`,
      figure: `pipeline ${seconds(pipeline.durationMs)}; obvious script ${seconds(naive.durationMs)} (x10: ${seconds(naive.durationMs * (FULL / SUBSET))})`,
      against: `speed-up ${speedUp.toFixed(1)}x`,
      ratio: round(speedUp, 1),
      target: 'report the speed-up (no target)',
      met: true,
      details: {
        rankings: SUBSET,
        naiveMs: Math.round(naive.durationMs),
        naiveRowsInserted: naive.rows,
        naiveScaledTo300Ms: Math.round(naive.durationMs * (FULL / SUBSET)),
        pipelineMs: Math.round(pipeline.durationMs),
        pipelineRowsLoaded: pipeline.summary.rowsLoaded,
        pipelineConcurrency: 8,
      },
    };
  } finally {
    await simulator.close();
    await naiveDb.drop();
    await pipelineDb.drop();
  }
}
