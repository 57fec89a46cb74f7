/**
 * The load-speed backfill in a process of its own (so it can run under `node --cpu-prof`, and
 * no earlier benchmark's heap is in its way). Settings as JSON in argv[2]; the run's figures as
 * one JSON line on stdout.
 */
import { type PipelineSettings, runPipelineBackfill } from '../support/pipeline.ts';
import { fullRankings } from '../support/rankings.ts';

const { rankings, ...settings } = JSON.parse(process.argv[2] ?? '{}') as PipelineSettings & {
  rankings: number;
};
const run = await runPipelineBackfill(settings, fullRankings(rankings));
process.stdout.write(`${JSON.stringify(run)}\n`);
