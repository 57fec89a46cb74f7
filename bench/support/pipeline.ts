import { openRuntime, runPlans } from '../../src/commands/runtime.ts';
import { loadConfig } from '../../src/config.ts';
import type { RunSummary } from '../../src/pipeline/load-rankings.ts';
import type { PlannedRanking } from '../../src/plan/plan.ts';
import { BENCH_TOKEN } from './simulator-process.ts';

export interface PipelineSettings {
  databaseUrl: string;
  baseUrl: string;
  concurrency: number;
  rps: number;
  maxBatch?: number;
  queueBound?: number;
  rankingsInFlight?: number;
}

export interface PipelineRun {
  /** From before the runtime opens to after it closes: plan, ledger, fetch, load, summary. */
  durationMs: number;
  /** When the first ranking was committed, from the same start. */
  firstCommitMs: number | null;
  /** When the last ranking was committed, from the same start. */
  lastCommitMs: number | null;
  summary: RunSummary;
}

/**
 * A backfill exactly as the CLI wires it (config from the environment's variables, openRuntime,
 * runPlans: plan -> ledger -> fetch -> load), minus argument parsing and printing.
 */
export async function runPipelineBackfill(
  settings: PipelineSettings,
  rankings: PlannedRanking[],
  options: { stopSignal?: AbortSignal } = {},
): Promise<PipelineRun> {
  const config = loadConfig({
    DATABASE_URL: settings.databaseUrl,
    FASTMOSS_BASE_URL: settings.baseUrl,
    FASTMOSS_TOKEN: BENCH_TOKEN,
    ETL_CONCURRENCY: String(settings.concurrency),
    ETL_RPS: String(settings.rps),
    LOG_LEVEL: 'silent',
  });
  const started = performance.now();
  let firstCommitMs: number | null = null;
  let lastCommitMs: number | null = null;
  const runtime = await openRuntime(config, { api: true, migrate: false });
  try {
    const summary = await runPlans(runtime, {
      trigger: 'backfill',
      plans: [{ planned: rankings, force: false }],
      priority: 0,
      runOptions: { bench: true },
      stopSignal: options.stopSignal,
      maxBatch: settings.maxBatch,
      queueBound: settings.queueBound,
      rankingsInFlight: settings.rankingsInFlight,
      onOutcome: (outcome) => {
        if (outcome.status !== 'succeeded') return;
        lastCommitMs = performance.now() - started;
        firstCommitMs ??= lastCommitMs;
      },
    });
    return { durationMs: performance.now() - started, firstCommitMs, lastCommitMs, summary };
  } finally {
    await runtime.close();
  }
}
