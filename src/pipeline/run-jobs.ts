import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import type { ClientBase, Pool } from 'pg';
import { retryOnConnectionLoss } from '../db/connection-retry.ts';
import {
  type ClaimedJob,
  claimJobs,
  jobStatuses,
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

/** Fetches one ranking, every page checked. Throws a typed error on failure. */
export type FetchRanking = (key: RankingKey) => Promise<FetchedRanking>;

/**
 * Writes one ranking in one transaction; `withinTransaction` runs inside it before commit, so the
 * ledger's "succeeded" commits with the data or not at all.
 */
export type LoadRanking = (
  ranking: FetchedRanking,
  context: { runId: string; withinTransaction: (tx: ClientBase) => Promise<void> },
) => Promise<{ rowsLoaded: number }>;

export interface RankingOutcome {
  jobId: string;
  key: RankingKey;
  status: JobEnd | 'released';
  apiCalls: number;
  rowsLoaded: number;
  durationMs: number;
  error?: EtlError | Error;
}

/** How a job of this run ended: loaded, given up, or no data at FastMoss yet (a later run). */
export type JobEnd = 'succeeded' | 'failed' | 'not_available';

export interface RunJobsOptions {
  pool: Pool;
  jobIds: string[];
  runId: string;
  workerId: string;
  leaseSeconds: number;
  /** Rankings fetched or loaded at once. */
  rankingsInFlight: number;
  fetchRanking: FetchRanking;
  loadRanking: LoadRanking;
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
  /** Once aborted: claim nothing more; rankings in flight finish. */
  stopSignal?: AbortSignal;
  /** Once aborted: give back every ranking still in flight and return now. */
  abortSignal?: AbortSignal;
  onOutcome?: (outcome: RankingOutcome) => void;
  /** How often to look again at jobs another worker holds. */
  pollMs?: number;
}

export interface RunJobsResult {
  /** The first run-wide error, if one stopped the run. */
  fatal: Error | undefined;
  /** Stopped by a signal before every job was finished. */
  interrupted: boolean;
  apiCalls: number;
  rowsLoaded: number;
  /**
   * How each job ended as this run saw it: finished here, or seen finished by another worker.
   * The ledger alone cannot say: another run's `--force` may set a job pending again after this
   * run saw it loaded.
   */
  finished: Map<string, JobEnd>;
}

/** Ids at the head of the queue each claim considers. */
const CLAIM_WINDOW = 256;

class ReleasedError extends Error {}

export function describeError(error: unknown): string {
  if (error instanceof EtlError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Claims, fetches and loads the given jobs until each is finished by this worker or another.
 * Jobs another worker holds are waited for, and taken over if that worker dies.
 */
export async function runJobs(options: RunJobsOptions): Promise<RunJobsResult> {
  const { pool, workerId, leaseSeconds, runId } = options;
  const limit = pLimit(options.rankingsInFlight);
  const queue = [...options.jobIds];
  const heldElsewhere = new Set<string>();
  const inFlight = new Map<string, Promise<void>>();
  const released = new Set<string>();
  const result: RunJobsResult = {
    fatal: undefined,
    interrupted: false,
    apiCalls: 0,
    rowsLoaded: 0,
    finished: new Map(),
  };
  const stopped = () =>
    options.stopSignal?.aborted === true || options.abortSignal?.aborted === true;

  const finish = (outcome: RankingOutcome) => {
    result.apiCalls += outcome.apiCalls;
    result.rowsLoaded += outcome.rowsLoaded;
    if (outcome.status !== 'released') result.finished.set(outcome.jobId, outcome.status);
    options.onOutcome?.(outcome);
  };

  async function work(job: ClaimedJob): Promise<void> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let apiCalls = 0;
    const end = (status: RankingOutcome['status'], rowsLoaded: number, error?: Error) =>
      finish({
        jobId: job.id,
        key: job.key,
        status,
        apiCalls,
        rowsLoaded,
        durationMs: elapsed(),
        error,
      });
    try {
      if (stopped() || result.fatal) throw new ReleasedError();
      const ranking = await options.fetchRanking(job.key);
      apiCalls = ranking.apiCalls;
      // Fetched whole before a run-wide stop (another ranking reached the spend cap, say): its
      // calls are spent, so it is loaded rather than fetched again another day.
      if (released.has(job.id)) throw new ReleasedError();
      const { rowsLoaded } = await options.loadRanking(ranking, {
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
      end('succeeded', rowsLoaded);
    } catch (error) {
      apiCalls ||= options.apiCallsOf(error);
      if (error instanceof ReleasedError) {
        if (!released.has(job.id))
          await retryOnConnectionLoss(() =>
            releaseJob(pool, job.id, { workerId, apiCalls, error: null }),
          );
        end('released', 0);
        return;
      }
      if (options.isRunFatal(error)) {
        result.fatal ??= error instanceof Error ? error : new Error(String(error));
        await retryOnConnectionLoss(() =>
          releaseJob(pool, job.id, { workerId, apiCalls, error: describeError(error) }),
        );
        end('released', 0, result.fatal);
        return;
      }
      if (options.isNotAvailable?.(error)) {
        const outcome = { workerId, apiCalls, durationMs: elapsed(), error: describeError(error) };
        await retryOnConnectionLoss(() => markNotAvailable(pool, job.id, outcome));
        end('not_available', 0, error instanceof Error ? error : new Error(String(error)));
        return;
      }
      const failure = {
        workerId,
        apiCalls,
        durationMs: elapsed(),
        error: describeError(error),
      };
      const quarantined = options.quarantineOf?.(error);
      await retryOnConnectionLoss(() =>
        quarantined === undefined
          ? markFailed(pool, job.id, failure)
          : inTransaction(pool, async (tx) => {
              await markFailed(tx, job.id, failure);
              await quarantineRanking(tx, { key: job.key, runId, ...quarantined });
            }),
      );
      end('failed', 0, error instanceof Error ? error : new Error(String(error)));
    }
  }

  function start(job: ClaimedJob) {
    const task = limit(() => work(job))
      .catch(() => undefined)
      .finally(() => inFlight.delete(job.id));
    inFlight.set(job.id, task);
  }

  const abortWait = new Promise<void>((resolve) => {
    if (options.abortSignal?.aborted) resolve();
    options.abortSignal?.addEventListener('abort', () => resolve(), { once: true });
  });
  const stopWait = new Promise<void>((resolve) => {
    if (options.stopSignal?.aborted) resolve();
    options.stopSignal?.addEventListener('abort', () => resolve(), { once: true });
  });

  while (!stopped() && !result.fatal) {
    const free = options.rankingsInFlight - inFlight.size;
    if (free <= 0) {
      await Promise.race([...inFlight.values(), stopWait]);
      continue;
    }
    if (queue.length === 0) {
      if (heldElsewhere.size === 0) break;
      if (inFlight.size > 0) {
        await Promise.race([...inFlight.values(), stopWait]);
        continue;
      }
      const statuses = await retryOnConnectionLoss(() => jobStatuses(pool, [...heldElsewhere]));
      for (const id of [...heldElsewhere]) {
        const job = statuses.get(id);
        if (
          job?.status === 'succeeded' ||
          job?.status === 'failed' ||
          job?.status === 'not_available'
        ) {
          result.finished.set(id, job.status);
          heldElsewhere.delete(id);
        } else if (!job) heldElsewhere.delete(id);
        else if (job.claimable) {
          heldElsewhere.delete(id);
          queue.push(id);
        }
      }
      if (queue.length === 0 && heldElsewhere.size > 0) {
        await Promise.race([sleep(options.pollMs ?? 1000), stopWait]);
      }
      continue;
    }
    // Claimed from a window at the head of the queue, highest priority first within it: the
    // whole queue of a year-long backfill would cost each claim ~15 ms instead of ~2 ms.
    const window = queue.slice(0, Math.max(CLAIM_WINDOW, free));
    const claimed = await retryOnConnectionLoss(() =>
      claimJobs(pool, window, { workerId, leaseSeconds, runId, limit: free }),
    );
    const claimedIds = new Set(claimed.map((job) => job.id));
    const unclaimed = window.filter((id) => !claimedIds.has(id));
    // Fewer claimed than asked: none of the rest of the window was free, so another worker holds
    // them (or finished them); else they wait at the head of the queue for the next free slots.
    if (claimed.length < free) {
      for (const id of unclaimed) heldElsewhere.add(id);
      queue.splice(0, window.length);
    } else {
      queue.splice(0, window.length, ...unclaimed);
    }
    for (const job of claimed) start(job);
  }

  result.interrupted =
    stopped() && (queue.length > 0 || heldElsewhere.size > 0 || inFlight.size > 0);
  const drained = Promise.all([...inFlight.values()]).then(() => 'drained' as const);
  if ((await Promise.race([drained, abortWait.then(() => 'aborted' as const)])) === 'aborted') {
    result.interrupted = true;
    await Promise.all(
      [...inFlight.keys()].map(async (id) => {
        released.add(id);
        await retryOnConnectionLoss(() =>
          releaseJob(pool, id, { workerId, apiCalls: 0, error: null }),
        );
      }),
    );
  }
  return result;
}
