/**
 * The load-speed backfill in a process of its own (so it can run under `node --cpu-prof`, and
 * no earlier benchmark's heap is in its way). Settings as JSON in argv[2]; the run's figures as
 * one JSON line on stdout.
 */
import { limitHeapGrowth } from '../../src/commands/heap-growth.ts';
import { type PipelineSettings, runPipelineBackfill } from '../support/pipeline.ts';
import { fullRankings } from '../support/rankings.ts';

const {
  rankings,
  skipRankings = 0,
  ...settings
} = JSON.parse(process.argv[2] ?? '{}') as PipelineSettings & {
  rankings: number;
  skipRankings?: number;
};
// Chosen before the clock starts: picking them runs the simulator's generator (~0.6 s of CPU for
// 300), which is not the pipeline's work. `skipRankings`: the first that many are left out, so
// repeated runs into one database load rankings it does not hold yet.
const planned = fullRankings(skipRankings + rankings).slice(skipRankings);
// As the CLI sets it, so the CPU measured includes the collections it costs.
limitHeapGrowth();
const cpuBefore = process.cpuUsage();
const run = await runPipelineBackfill(settings, planned);
const cpu = process.cpuUsage(cpuBefore);
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(`${JSON.stringify({ ...run, cpuMs })}\n`);
