/**
 * Per-ranking time as the run and the warehouse grow: the load-speed pipeline (full 500-row
 * rankings, concurrency 8) for 30, 300 and 1,000 rankings on fresh databases, and for 300 on a
 * database that already holds a year of history (history-costs' generator, for 2023: 98,550
 * snapshots and jobs, 492,750 raw pages, 100,000 pending jobs). Each run's time from opening the
 * runtime to closing it, divided by its rankings; the figure is the slowest per-ranking time over
 * the fastest. Sizes alternate in one run so a change of machine load falls on all of them: the
 * four runs are made ROUNDS times, in turn, and each size's figure is its median.
 *
 * An untimed 30-ranking run goes first: the simulator builds each region's creator pool and
 * compiles its page rendering on first use (~0.5 s of its CPU, 700-900 ms for its first 30
 * rankings against 180-340 ms for the next), which fell on whichever timed run came first and
 * which a FastMoss server does not charge to a client. The ETL process is new for every run, so
 * its own start (connections, compiling its code) stays in every figure.
 *
 * Each timed run starts after a CHECKPOINT (untimed): the previous case's writes (a 1,000-ranking
 * load, a year of generated history, a dropped database) are otherwise flushed by the
 * checkpointer during the next run, which then pays for them. (In a 2-round run before this,
 * the 30-ranking run that followed the history case took 42% longer than the same run before it;
 * a pending checkpoint is the part of that a benchmark can remove.)
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
const ROUNDS = 3;
const WARM_UP_RANKINGS = 30;

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
  round: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export async function perRanking(serverUrl: string): Promise<BenchOutcome> {
  const simulator = await startSimulatorProcess();
  const measured: Measured[] = [];
  try {
    const warmUp = await freshDatabase(serverUrl, 'per_ranking_warm_up');
    try {
      await measuredPipelineRun(warmUp.url, simulator.url, WARM_UP_RANKINGS);
    } finally {
      await warmUp.drop();
    }
    for (let pass = 1; pass <= ROUNDS; pass++) {
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
          await checkpoint(serverUrl);
          const run = await measuredPipelineRun(db.url, simulator.url, item.rankings);
          measured.push({
            label: item.label,
            rankings: item.rankings,
            perRankingMs: round1(run.ms / item.rankings),
            round: pass,
            ...run,
          });
        } finally {
          await db.drop();
        }
      }
    }
  } finally {
    await simulator.close();
  }
  const bySize = CASES.map((item) => {
    const runs = measured.filter((m) => m.label === item.label);
    return {
      label: item.label,
      perRankingMs: round1(median(runs.map((m) => m.perRankingMs))),
      firstCommitMs: median(runs.map((m) => m.firstCommitMs ?? Number.NaN)),
      marginalMsPerRanking: round1(median(runs.map((m) => m.marginalMsPerRanking ?? Number.NaN))),
      succeeded: runs.every((m) => m.succeeded === item.rankings),
    };
  });
  const per = bySize.map((m) => m.perRankingMs);
  const ratio = Math.max(...per) / Math.min(...per);
  // The same without each run's fixed start: what a ranking costs once the pipeline is full.
  const marginal = bySize.map((m) => m.marginalMsPerRanking);
  const marginalRatio = Math.max(...marginal) / Math.min(...marginal);
  return {
    name: 'per-ranking',
    title: 'Per-ranking time: 30, 300 and 1,000 rankings, and 300 on a year of history',
    figure: bySize.map((m) => `${m.label}: ${m.perRankingMs} ms`).join('; '),
    against: `the fastest of them (median of ${ROUNDS} alternating rounds; a ranking after each run's first commit: ${round(marginalRatio)}x)`,
    ratio: round(ratio),
    target: `slowest within ${TARGET}x of the fastest`,
    met: ratio <= TARGET && bySize.every((m) => m.succeeded),
    details: {
      bySize,
      marginalRatio: round(marginalRatio),
      marginalNote:
        "marginalMsPerRanking: (last commit - first commit) / (rankings - 1), each size the median of its rounds; firstCommitMs: runtime open to the first ranking committed. Not the figure: the figure keeps each run's fixed start in.",
      runs: measured,
      rounds: ROUNDS,
      warmUpRankings: WARM_UP_RANKINGS,
      concurrency: CONCURRENCY,
      historyYear: HISTORY_YEAR,
    },
  };
}

/** Flushes every dirty buffer now, so the next timed run starts on a settled server. */
async function checkpoint(serverUrl: string): Promise<void> {
  const pool = createPool(serverUrl, { max: 1 });
  try {
    await pool.query('CHECKPOINT');
  } finally {
    await pool.end();
  }
}

function round1(value: number): number {
  return round(value, 1);
}
