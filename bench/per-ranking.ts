/**
 * Per-ranking time as the run and the warehouse grow: the load-speed pipeline (full 500-row
 * rankings, concurrency 8) for 30, 300 and 1,000 rankings on fresh databases, and for 300 on a
 * database that already holds a year of history (history-costs' generator, for 2023: 98,550
 * snapshots and jobs, 492,750 raw pages, 100,000 pending jobs). Each run's time from opening the
 * runtime to closing it, divided by its rankings; the figure is the slowest per-ranking time over
 * the fastest. Sizes alternate in one run so a change of machine load falls on all of them.
 */
import { createPool } from '../src/db/connect.ts';
import { writeHistory } from './history-costs.ts';
import { type MeasuredRun, measuredPipelineRun } from './load-speed/measured-run.ts';
import { CONCURRENCY } from './load-speed.ts';
import { freshDatabase } from './support/postgres.ts';
import { type BenchOutcome, round } from './support/results.ts';
import { startSimulatorProcess } from './support/simulator-process.ts';

const TARGET = 1.2;
const HISTORY_YEAR = 2023;

interface Case {
  label: string;
  rankings: number;
  history: boolean;
}

const CASES: Case[] = [
  { label: '30', rankings: 30, history: false },
  { label: '300', rankings: 300, history: false },
  { label: '1000', rankings: 1000, history: false },
  { label: '300 on a year of history', rankings: 300, history: true },
];

interface Measured extends MeasuredRun {
  label: string;
  rankings: number;
  perRankingMs: number;
}

export async function perRanking(serverUrl: string): Promise<BenchOutcome> {
  const simulator = await startSimulatorProcess();
  const measured: Measured[] = [];
  try {
    for (const item of CASES) {
      const db = await freshDatabase(serverUrl, 'per_ranking');
      try {
        if (item.history) {
          const pool = createPool(db.url, { max: 1 });
          try {
            await writeHistory(pool, HISTORY_YEAR);
          } finally {
            await pool.end();
          }
        }
        await simulator.reset();
        const run = await measuredPipelineRun(db.url, simulator.url, item.rankings);
        measured.push({
          label: item.label,
          rankings: item.rankings,
          perRankingMs: round(run.ms / item.rankings, 1),
          ...run,
        });
      } finally {
        await db.drop();
      }
    }
  } finally {
    await simulator.close();
  }
  const per = measured.map((m) => m.perRankingMs);
  const ratio = Math.max(...per) / Math.min(...per);
  return {
    name: 'per-ranking',
    title: 'Per-ranking time: 30, 300 and 1,000 rankings, and 300 on a year of history',
    figure: measured.map((m) => `${m.label}: ${m.perRankingMs} ms`).join('; '),
    against: 'the fastest of them',
    ratio: round(ratio),
    target: `slowest within ${TARGET}x of the fastest`,
    met: ratio <= TARGET && measured.every((m) => m.succeeded === m.rankings),
    details: { runs: measured, concurrency: CONCURRENCY, historyYear: HISTORY_YEAR },
  };
}
