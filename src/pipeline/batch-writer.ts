import type { ClientBase } from 'pg';
import type { FetchedRanking } from '../domain/ranking.ts';

/*
 * The writer stage between fetch and load. Fetched rankings wait in a bounded queue; one writer
 * takes whatever is ready (up to `maxBatch`) and writes it in one transaction, so rankings never
 * wait on each other's locks, and the shared rows they name (categories, creators, live streams)
 * are written once per batch instead of once per ranking. A batch that fails is written again
 * one ranking at a time, so one bad ranking cannot fail its neighbours.
 *
 * Memory is bounded: the claim loop holds at most `rankingsInFlight` rankings from claim to
 * commit, and of those at most `queueBound` wait here while `maxBatch` are written; a fetched
 * ranking that finds the queue full waits for room.
 */

/** One fetched ranking on its way to the warehouse, with what must commit with it. */
export interface RankingWrite {
  ranking: FetchedRanking;
  runId: string;
  /**
   * Runs inside the transaction that writes the ranking (the job marked succeeded); what it
   * throws rolls that transaction back and fails this ranking's write with that error.
   */
  withinTransaction: (tx: ClientBase) => Promise<void>;
}

/** Writes rankings in one transaction, all or none; one result per ranking, in order. */
export type WriteRankings = (batch: RankingWrite[]) => Promise<{ rowsLoaded: number }[]>;

export interface BatchWriterOptions {
  write: WriteRankings;
  /** Most rankings in one transaction. */
  maxBatch: number;
  /** Most rankings waiting for the writer. */
  queueBound: number;
}

/**
 * Batch and queue sizes, by measurement (BENCHMARKS.md, load-speed): beyond about 8 rankings a
 * transaction the per-ranking cost stops falling, and a queue as long as a batch keeps the
 * writer busy while the next batch gathers.
 */
export const DEFAULT_MAX_BATCH = 8;
export const DEFAULT_QUEUE_BOUND = 8;

interface Queued {
  item: RankingWrite;
  resolve: (result: { rowsLoaded: number }) => void;
  reject: (error: unknown) => void;
}

export class BatchWriter {
  private readonly queue: Queued[] = [];
  private readonly roomWaiters: (() => void)[] = [];
  private draining: Promise<void> | undefined;

  constructor(private readonly options: BatchWriterOptions) {
    if (!(options.maxBatch >= 1) || !(options.queueBound >= 1)) {
      throw new RangeError('BatchWriter needs maxBatch >= 1 and queueBound >= 1');
    }
  }

  /** Rankings waiting for the writer. */
  get queued(): number {
    return this.queue.length;
  }

  /** Resolves once the queue has room for one more ranking. */
  async whenRoom(): Promise<void> {
    while (this.queue.length >= this.options.queueBound) {
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
  }

  /**
   * Queues a ranking; resolves once it is committed, rejects with the error of its write.
   * Call after `whenRoom` to respect the bound.
   */
  write(item: RankingWrite): Promise<{ rowsLoaded: number }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.draining ??= this.drain().finally(() => {
        this.draining = undefined;
      });
    });
  }

  /** Fails every ranking still waiting (not yet being written) with `reason`. */
  discardQueued(reason: Error): void {
    for (const queued of this.queue.splice(0)) queued.reject(reason);
    this.wakeRoomWaiters();
  }

  private wakeRoomWaiters(): void {
    for (const wake of this.roomWaiters.splice(0)) wake();
  }

  private async drain(): Promise<void> {
    // Rankings fetched in the same tick join the first batch.
    await Promise.resolve();
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.wakeRoomWaiters();
      await this.writeBatch(batch);
    }
  }

  private async writeBatch(batch: Queued[]): Promise<void> {
    try {
      const results = await this.options.write(batch.map((queued) => queued.item));
      batch.forEach((queued, index) => {
        queued.resolve(results[index] ?? { rowsLoaded: 0 });
      });
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
    }
    for (const queued of batch) {
      try {
        const [result] = await this.options.write([queued.item]);
        queued.resolve(result ?? { rowsLoaded: 0 });
      } catch (error) {
        queued.reject(error);
      }
    }
  }
}
