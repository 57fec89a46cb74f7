import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { retryOnConnectionLoss } from '../db/connection-retry.ts';
import { claimJobs, jobStatuses, releaseJob } from '../db/ledger.ts';
import {
  BatchWriter,
  DEFAULT_MAX_BATCH,
  DEFAULT_QUEUE_BOUND,
  type WriteRankings,
} from './batch-writer.ts';
import {
  type FetchRanking,
  type JobEnd,
  type RankingOutcome,
  type RankingRules,
  ReleasedError,
  workRanking,
} from './ranking-outcome.ts';

export type { WriteRankings } from './batch-writer.ts';
export {
  describeError,
  type FetchRanking,
  type JobEnd,
  type RankingOutcome,
} from './ranking-outcome.ts';

/*
 * The claim loop: claims jobs while fetch slots are free, hands each claimed ranking to
 * `workRanking` (fetch, write through the batch writer, record the outcome), and waits for jobs
 * other workers hold. The loop itself never writes warehouse rows.
 */

export interface RunJobsOptions extends RankingRules {
  pool: Pool;
  jobIds: string[];
  runId: string;
  workerId: string;
  leaseSeconds: number;
  /**
   * Rankings held at once, from claim to commit: being fetched, waiting for the writer, or being
   * written. This bounds the run's memory, whatever its size.
   */
  rankingsInFlight: number;
  fetchRanking: FetchRanking;
  writeRankings: WriteRankings;
  /** Most rankings per write transaction; default DEFAULT_MAX_BATCH. */
  maxBatch?: number;
  /** Most fetched rankings waiting for the writer; default DEFAULT_QUEUE_BOUND. */
  queueBound?: number;
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

/** A promise that resolves at the next `notify()`; lets the loop sleep until something changed. */
class ChangeSignal {
  private waiting: { promise: Promise<void>; resolve: () => void } | undefined;

  next(): Promise<void> {
    if (!this.waiting) {
      let resolve = () => {};
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      this.waiting = { promise, resolve };
    }
    return this.waiting.promise;
  }

  notify(): void {
    this.waiting?.resolve();
    this.waiting = undefined;
  }
}

function signalled(signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * Claims, fetches and loads the given jobs until each is finished by this worker or another.
 * Jobs another worker holds are waited for, and taken over if that worker dies.
 */
export async function runJobs(options: RunJobsOptions): Promise<RunJobsResult> {
  const { pool, workerId, leaseSeconds, runId } = options;
  const queue = [...options.jobIds];
  const heldElsewhere = new Set<string>();
  /** Every job this run holds, from claim to outcome. */
  const inFlight = new Map<string, Promise<void>>();
  const released = new Set<string>();
  const changed = new ChangeSignal();
  const result: RunJobsResult = {
    fatal: undefined,
    interrupted: false,
    apiCalls: 0,
    rowsLoaded: 0,
    finished: new Map(),
  };
  const stopped = () =>
    options.stopSignal?.aborted === true || options.abortSignal?.aborted === true;
  const writer = new BatchWriter({
    write: options.writeRankings,
    maxBatch: options.maxBatch ?? DEFAULT_MAX_BATCH,
    queueBound: options.queueBound ?? DEFAULT_QUEUE_BOUND,
  });
  const context = {
    pool,
    runId,
    workerId,
    fetchRanking: options.fetchRanking,
    isRunFatal: options.isRunFatal,
    isNotAvailable: options.isNotAvailable,
    apiCallsOf: options.apiCallsOf,
    quarantineOf: options.quarantineOf,
    writer,
    isReleased: (jobId: string) => released.has(jobId),
    runFatal: () => result.fatal,
    isStopping: stopped,
    stopRun: (error: Error) => {
      result.fatal ??= error;
    },
  };

  const finish = (outcome: RankingOutcome) => {
    result.apiCalls += outcome.apiCalls;
    result.rowsLoaded += outcome.rowsLoaded;
    if (outcome.status !== 'released') result.finished.set(outcome.jobId, outcome.status);
    options.onOutcome?.(outcome);
  };

  const abortWait = signalled(options.abortSignal);
  const stopWait = signalled(options.stopSignal);

  while (!stopped() && !result.fatal) {
    const free = options.rankingsInFlight - inFlight.size;
    if (free <= 0) {
      await Promise.race([changed.next(), stopWait]);
      continue;
    }
    if (queue.length === 0) {
      if (heldElsewhere.size === 0) break;
      if (inFlight.size > 0) {
        await Promise.race([changed.next(), stopWait]);
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
    for (const job of claimed) {
      const task = workRanking(job, context)
        .then(finish)
        .catch(() => undefined)
        .finally(() => {
          inFlight.delete(job.id);
          changed.notify();
        });
      inFlight.set(job.id, task);
    }
  }

  result.interrupted =
    stopped() && (queue.length > 0 || heldElsewhere.size > 0 || inFlight.size > 0);
  const drained = Promise.all([...inFlight.values()]).then(() => 'drained' as const);
  if ((await Promise.race([drained, abortWait.then(() => 'aborted' as const)])) === 'aborted') {
    result.interrupted = true;
    const held = [...inFlight.keys()];
    for (const id of held) released.add(id);
    writer.discardQueued(new ReleasedError());
    await Promise.all(
      held.map((id) =>
        retryOnConnectionLoss(() => releaseJob(pool, id, { workerId, apiCalls: 0, error: null })),
      ),
    );
  }
  return result;
}
