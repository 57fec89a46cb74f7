/**
 * Benchmark 3, API frugality: the calls a varied backfill (day, week and month; whole market and
 * category filters; totals from 0 to over 500) makes, counted by the simulator, against the
 * least it could make, sum(ceil(min(total, 500) / 100)) with 1 for an empty ranking; then the
 * same backfill again, which must call nothing.
 */
import { rankingTotal } from '../src/simulator/data.ts';
import { runPipelineBackfill } from './support/pipeline.ts';
import { freshDatabase } from './support/postgres.ts';
import { minimumCalls, variedRankings } from './support/rankings.ts';
import type { BenchOutcome } from './support/results.ts';
import { startSimulatorProcess } from './support/simulator-process.ts';

const CONCURRENCY = 4;
const UNLIMITED_RPS = 10_000;

function totalsSpread(totals: number[]): Record<string, number> {
  const spread = { empty: 0, '1-99': 0, '100-499': 0, '500+': 0 };
  for (const total of totals) {
    if (total === 0) spread.empty += 1;
    else if (total < 100) spread['1-99'] += 1;
    else if (total < 500) spread['100-499'] += 1;
    else spread['500+'] += 1;
  }
  return spread;
}

export async function apiFrugality(serverUrl: string): Promise<BenchOutcome> {
  const simulator = await startSimulatorProcess();
  const database = await freshDatabase(serverUrl, 'api_frugality');
  try {
    const rankings = variedRankings();
    const minimum = minimumCalls(rankings);
    const settings = {
      databaseUrl: database.url,
      baseUrl: simulator.url,
      concurrency: CONCURRENCY,
      rps: UNLIMITED_RPS,
    };
    const first = await runPipelineBackfill(settings, rankings);
    const firstCalls = (await simulator.counters()).total;
    await simulator.reset();
    const rerun = await runPipelineBackfill(settings, rankings);
    const rerunCalls = (await simulator.counters()).total;
    const met =
      firstCalls === minimum && rerunCalls === 0 && first.summary.succeeded === rankings.length;
    return {
      name: 'api-frugality',
      title: `API frugality: varied backfill of ${rankings.length} rankings, then a rerun`,
      figure: `${firstCalls} calls; rerun ${rerunCalls}`,
      against: `minimum ${minimum}; rerun 0`,
      ratio: firstCalls / minimum,
      target: 'exactly the minimum, and 0 on a rerun',
      met,
      details: {
        rankings: rankings.length,
        totals: totalsSpread(rankings.map((ranking) => rankingTotal(ranking.key))),
        minimumCalls: minimum,
        calls: firstCalls,
        callsCountedByEtl: first.summary.apiCalls,
        succeeded: first.summary.succeeded,
        failed: first.summary.failed,
        rerunCalls,
        rerunSkipped: rerun.summary.skipped,
      },
    };
  } finally {
    await simulator.close();
    await database.drop();
  }
}
