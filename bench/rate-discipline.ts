/**
 * Benchmark 4, rate discipline: a backfill at ETL_RPS=20 against a simulator that answers in
 * 50-300 ms and itself refuses a 21st request in any second (HTTP 429), stopped after 60 s of
 * requests. From the simulator's arrival times: the achieved rate over those 60 s, and the most
 * arrivals in any one-second window.
 */
import { SHARED_WINDOW_MS } from '../src/db/api-budget.ts';
import { runPipelineBackfill } from './support/pipeline.ts';
import { freshDatabase } from './support/postgres.ts';
import { fullRankings } from './support/rankings.ts';
import { type BenchOutcome, round } from './support/results.ts';
import { startSimulatorProcess } from './support/simulator-process.ts';

const RPS = 20;
/** ETL_CONCURRENCY's default: the rate a default install achieves. */
const CONCURRENCY = 4;
const WINDOW_MS = 60_000;
/** More work than 60 s at 20/s holds (1,500 pages), so the limiter, not the plan, sets the pace. */
const RANKINGS = 300;

interface RateRun {
  concurrency: number;
  achieved: number;
  requestsInWindow: number;
  requestsTotal: number;
  maxStartsInAnySecond: number;
  refusedBySimulatorLimit: number;
}

async function measureRate(serverUrl: string, concurrency: number): Promise<RateRun> {
  // In a scheduling group of its own, as a real server is on a machine of its own: its arrival
  // times are then the requests' own, not the moments a starved simulator got round to them.
  const simulator = await startSimulatorProcess(
    { latencyMs: [50, 300], rps: RPS },
    { punctual: true },
  );
  const database = await freshDatabase(serverUrl, `rate_discipline_${concurrency}`);
  try {
    const stop = new AbortController();
    const run = runPipelineBackfill(
      { databaseUrl: database.url, baseUrl: simulator.url, concurrency, rps: RPS },
      fullRankings(RANKINGS),
      { stopSignal: stop.signal },
    );
    // The window starts at the first request the simulator sees, not when the runtime opens.
    const deadline = setInterval(async () => {
      const { starts } = await simulator.counters();
      const first = starts[0];
      const last = starts.at(-1);
      if (first !== undefined && last !== undefined && last - first >= WINDOW_MS) stop.abort();
    }, 500);
    try {
      await run;
    } finally {
      clearInterval(deadline);
    }
    const counters = await simulator.counters();
    const first = counters.starts[0] ?? 0;
    const inWindow = counters.starts.filter((start) => start < first + WINDOW_MS).length;
    return {
      concurrency,
      achieved: inWindow / (WINDOW_MS / 1000),
      requestsInWindow: inWindow,
      requestsTotal: counters.total,
      maxStartsInAnySecond: counters.maxStartsInSecond,
      refusedBySimulatorLimit: counters.byOutcome.rateLimited,
    };
  } finally {
    await simulator.close();
    await database.drop();
  }
}

export async function rateDiscipline(serverUrl: string): Promise<BenchOutcome> {
  const configured = await measureRate(serverUrl, CONCURRENCY);
  // The same at twice the requests in flight: shows whether concurrency or the limiter caps it.
  const doubled = await measureRate(serverUrl, CONCURRENCY * 2);
  const share = configured.achieved / RPS;
  const most = Math.max(configured.maxStartsInAnySecond, doubled.maxStartsInAnySecond);
  const refused = configured.refusedBySimulatorLimit + doubled.refusedBySimulatorLimit;
  return {
    name: 'rate-discipline',
    title: `Rate discipline: ETL_RPS=${RPS}, concurrency ${CONCURRENCY}, answers in 50-300 ms`,
    figure: `${configured.achieved.toFixed(2)} req/s (concurrency ${doubled.concurrency}: ${doubled.achieved.toFixed(2)}); most in 1 s: ${most}`,
    against: `target rate ${RPS}/s`,
    ratio: round(share, 3),
    target: `>= 95% of ${RPS}/s, never above ${RPS} in any second`,
    met: share >= 0.95 && most <= RPS && refused === 0,
    details: {
      configured,
      doubledConcurrency: doubled,
      // The windows both limiters pace by (the shared budget's and the client's are the same).
      limiterWindowMs: SHARED_WINDOW_MS,
      limiterCeiling: round((RPS * 1000) / SHARED_WINDOW_MS),
    },
  };
}
