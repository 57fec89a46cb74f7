import type { Pool } from 'pg';
import { retryOnConnectionLoss } from '../db/connection-retry.ts';
import {
  type ClaimedJob,
  markFailed,
  markNotAvailable,
  markSucceeded,
  releaseJob,
} from '../db/ledger.ts';
import {
  type QuarantineReason,
  quarantineRanking,
  releaseFromQuarantine,
} from '../db/quarantine.ts';
import { inTransaction } from '../db/transaction.ts';
import { EtlError } from '../domain/errors.ts';
import type { FetchedRanking, RankingKey, RawPage } from '../domain/ranking.ts';
import type { BatchWriter } from './batch-writer.ts';

/*
 * One claimed ranking from claim to outcome: fetched, handed to the writer, and its end recorded
 * in the ledger (succeeded with its rows, failed with a reason, or released untouched).
 */

/** Fetches one ranking, every page checked. Throws a typed error on failure. */
export type FetchRanking = (key: RankingKey) => Promise<FetchedRanking>;

/** How a job of this run ended: loaded, given up, or no data at FastMoss yet (a later run). */
export type JobEnd = 'succeeded' | 'failed' | 'not_available';

export interface RankingOutcome {
  jobId: string;
  key: RankingKey;
  status: JobEnd | 'released';
  apiCalls: number;
  rowsLoaded: number;
  durationMs: number;
  error?: EtlError | Error;
}

/** What decides and records one ranking's outcome. */
export interface RankingRules {
  /** Tells whether an error stops the whole run (a rejected token, an exhausted quota). */
  isRunFatal: (error: unknown) => boolean;
  /**
   * Tells whether the API has no data for the ranking yet (FastMoss code 20001): the job is
   * marked not_available, neither loaded nor failed, for a later run. Default: never.
   */
  isNotAvailable?: (error: unknown) => boolean;
  /** Requests made before a fetch failed, if the error knows. */
  apiCallsOf: (error: unknown) => number;
  /**
   * For a failure that is the data's fault (pages that failed validation), the pages as received
   * and why: the ranking is quarantined with them as its job fails. Undefined: just fail.
   */
  quarantineOf?: (error: unknown) => ({ pages: RawPage[] } & QuarantineReason) | undefined;
}

export interface RankingContext extends RankingRules {
  pool: Pool;
  runId: string;
  workerId: string;
  fetchRanking: FetchRanking;
  writer: BatchWriter;
  /** True once the run gave this job back itself (an abort): nothing more to record. */
  isReleased: (jobId: string) => boolean;
  /** The run-wide error that stops the run, once there is one. */
  runFatal: () => Error | undefined;
  /** True once the run stops claiming: a ranking not yet fetched is given back. */
  isStopping: () => boolean;
  /** Records a run-wide error; the first one stops the run. */
  stopRun: (error: Error) => void;
}

/** The job was given back, or its lease lost: roll back and record nothing as done. */
export class ReleasedError extends Error {}

export function describeError(error: unknown): string {
  if (error instanceof EtlError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/** Fetches and writes one claimed ranking and records how it ended; never throws. */
export async function workRanking(
  job: ClaimedJob,
  context: RankingContext,
): Promise<RankingOutcome> {
  const { workerId, runId } = context;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let apiCalls = 0;
  const outcome = (
    status: RankingOutcome['status'],
    rowsLoaded: number,
    error?: Error,
  ): RankingOutcome => ({
    jobId: job.id,
    key: job.key,
    status,
    apiCalls,
    rowsLoaded,
    durationMs: elapsed(),
    error,
  });
  try {
    if (context.isStopping() || context.runFatal()) throw new ReleasedError();
    const ranking = await context.fetchRanking(job.key);
    apiCalls = ranking.apiCalls;
    await context.writer.whenRoom();
    // Fetched whole before a run-wide stop (another ranking reached the spend cap, say): its
    // calls are spent, so it is loaded rather than fetched again another day.
    if (context.isReleased(job.id)) throw new ReleasedError();
    const written = context.writer.write({
      ranking,
      runId,
      withinTransaction: async (tx) => {
        const updated = await markSucceeded(tx, job.id, {
          workerId,
          runId,
          apiCalls,
          rowsLoaded: ranking.entries.length,
          durationMs: elapsed(),
        });
        // The lease was lost (released on shutdown, or taken over): roll the load back.
        if (!updated) throw new ReleasedError();
        // A fresh fetch that passes supersedes pages quarantined by an earlier attempt.
        await releaseFromQuarantine(tx, job.key);
      },
    });
    const { rowsLoaded } = await written;
    return outcome('succeeded', rowsLoaded);
  } catch (error) {
    return recordFailure(job, error, { context, apiCalls, elapsed, outcome });
  }
}

async function recordFailure(
  job: ClaimedJob,
  error: unknown,
  state: {
    context: RankingContext;
    apiCalls: number;
    elapsed: () => number;
    outcome: (
      status: RankingOutcome['status'],
      rowsLoaded: number,
      error?: Error,
    ) => RankingOutcome;
  },
): Promise<RankingOutcome> {
  const { context } = state;
  const { pool, workerId, runId } = context;
  const apiCalls = state.apiCalls || context.apiCallsOf(error);
  const end = (status: RankingOutcome['status'], failure?: Error) => ({
    ...state.outcome(status, 0, failure),
    apiCalls,
  });
  if (error instanceof ReleasedError) {
    if (!context.isReleased(job.id))
      await retryOnConnectionLoss(() =>
        releaseJob(pool, job.id, { workerId, apiCalls, error: null }),
      );
    return end('released');
  }
  if (context.isRunFatal(error)) {
    context.stopRun(asError(error));
    await retryOnConnectionLoss(() =>
      releaseJob(pool, job.id, { workerId, apiCalls, error: describeError(error) }),
    );
    return end('released', context.runFatal());
  }
  if (context.isNotAvailable?.(error)) {
    const outcome = {
      workerId,
      apiCalls,
      durationMs: state.elapsed(),
      error: describeError(error),
    };
    await retryOnConnectionLoss(() => markNotAvailable(pool, job.id, outcome));
    return end('not_available', asError(error));
  }
  const failure = { workerId, apiCalls, durationMs: state.elapsed(), error: describeError(error) };
  const quarantined = context.quarantineOf?.(error);
  await retryOnConnectionLoss(() =>
    quarantined === undefined
      ? markFailed(pool, job.id, failure)
      : inTransaction(pool, async (tx) => {
          await markFailed(tx, job.id, failure);
          await quarantineRanking(tx, { key: job.key, runId, ...quarantined });
        }),
  );
  return end('failed', asError(error));
}
