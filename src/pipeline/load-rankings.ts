import { hostname } from 'node:os';
import type { Pool } from 'pg';
import { retryOnConnectionLoss } from '../db/connection-retry.ts';
import { finishRun, planJobs, type RunStatus, type RunTrigger, startRun } from '../db/ledger.ts';
import { RANKING_KEY_COLUMNS, type RankingKeyRow, rankingKeyOf } from '../db/ranking-key-sql.ts';
import { deleteExpiredPages } from '../db/raw-archive.ts';
import { rankingKeyLabel } from '../domain/ranking.ts';
import type { PlannedRanking } from '../plan/plan.ts';
import { describeError, type RankingOutcome, type RunJobsOptions, runJobs } from './run-jobs.ts';
import { openWorkerSession } from './worker-session.ts';

export interface RankingFailure {
  ranking: string;
  reason: string;
}

/** What a run did, as the CLI prints it and `--json` emits it. */
export interface RunSummary {
  runId: string;
  trigger: RunTrigger;
  status: RunStatus;
  /** Rankings selected by the plan. */
  selected: number;
  /** Already loaded before this run, left alone. */
  skipped: number;
  succeeded: number;
  failed: number;
  /** Selected but not finished: the run was stopped, or a run-wide error ended it. */
  unfinished: number;
  apiCalls: number;
  rowsLoaded: number;
  durationMs: number;
  failures: RankingFailure[];
  /** The run-wide error that stopped the run, if any (a rejected token, an exhausted quota). */
  fatal: string | undefined;
}

export interface LoadRankingsRequest
  extends Pick<
    RunJobsOptions,
    | 'fetchRanking'
    | 'loadRanking'
    | 'isRunFatal'
    | 'apiCallsOf'
    | 'quarantineOf'
    | 'stopSignal'
    | 'abortSignal'
    | 'pollMs'
  > {
  pool: Pool;
  databaseUrl: string;
  trigger: RunTrigger;
  /** What to load; a group with `force` reloads rankings that are already loaded. */
  plans: { planned: PlannedRanking[]; force: boolean }[];
  priority: number;
  leaseSeconds: number;
  rankingsInFlight: number;
  /** Recorded with the run in etl_runs.options. */
  runOptions: unknown;
  /** Archived raw pages older than this many days are deleted once the run ends; unset: kept. */
  rawRetentionDays?: number;
  onPlanned?: (plan: { selected: number; skipped: number; toLoad: number }) => void;
  onOutcome?: (outcome: RankingOutcome) => void;
}

/** One run: record it, plan its jobs, work them to the end, and summarise from the ledger. */
export async function loadRankings(request: LoadRankingsRequest): Promise<RunSummary> {
  const started = performance.now();
  const { pool } = request;
  const runId = await startRun(pool, {
    trigger: request.trigger,
    options: request.runOptions,
    host: hostname(),
    pid: process.pid,
  });
  const plan = { jobIds: [] as string[], skipped: 0 };
  let selected = 0;
  for (const group of request.plans) {
    const planned = await planJobs(pool, group.planned, {
      force: group.force,
      priority: request.priority,
      runId,
    });
    plan.jobIds.push(...planned.jobIds);
    plan.skipped += planned.skipped;
    selected += group.planned.length;
  }
  request.onPlanned?.({ selected, skipped: plan.skipped, toLoad: plan.jobIds.length });

  const session = await openWorkerSession(request.databaseUrl, {
    leaseSeconds: request.leaseSeconds,
  });
  let result: Awaited<ReturnType<typeof runJobs>>;
  try {
    result = await runJobs({
      ...request,
      jobIds: plan.jobIds,
      runId,
      workerId: session.workerId,
    });
  } finally {
    await session.close();
  }

  const finishedWith = (status: 'succeeded' | 'failed') =>
    [...result.finished].filter(([, outcome]) => outcome === status).map(([id]) => id);
  const failedIds = finishedWith('failed');
  const failedRows = await pool.query<RankingKeyRow & { last_error: string | null }>(
    `SELECT ${RANKING_KEY_COLUMNS}, last_error
     FROM fastmoss.etl_jobs WHERE id = ANY($1::bigint[]) ORDER BY id`,
    [failedIds],
  );
  const failures = failedRows.rows.map((row) => ({
    ranking: rankingKeyLabel(rankingKeyOf(row)),
    reason: row.last_error ?? 'unknown',
  }));
  const succeeded = finishedWith('succeeded').length;
  const failed = failedIds.length;
  const unfinished = plan.jobIds.length - succeeded - failed;
  const status: RunStatus = result.fatal
    ? 'failed'
    : result.interrupted || unfinished > 0
      ? 'interrupted'
      : failed > 0
        ? 'failed'
        : 'succeeded';
  const summary: RunSummary = {
    runId,
    trigger: request.trigger,
    status,
    selected,
    skipped: plan.skipped,
    succeeded,
    failed,
    unfinished,
    apiCalls: result.apiCalls,
    rowsLoaded: result.rowsLoaded,
    durationMs: Math.round(performance.now() - started),
    failures,
    fatal: result.fatal ? describeError(result.fatal) : undefined,
  };
  await retryOnConnectionLoss(() =>
    finishRun(pool, runId, status, {
      planned: summary.selected,
      skipped: summary.skipped,
      succeeded,
      failed,
      apiCalls: summary.apiCalls,
      rowsLoaded: summary.rowsLoaded,
    }),
  );
  if (request.rawRetentionDays !== undefined) {
    await deleteExpiredPages(pool, request.rawRetentionDays);
  }
  return summary;
}
