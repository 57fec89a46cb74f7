import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/connect.ts';
import {
  claimJobs,
  markSucceeded,
  PRIORITY,
  planJobs,
  renewLeases,
  startRun,
} from '../../src/db/ledger.ts';
import { loadRankings } from '../../src/db/load.ts';
import { type RankingKey, rankingKeyLabel } from '../../src/domain/ranking.ts';
import { periodBounds } from '../../src/plan/periods.ts';
import { lockWaits, useTestDatabase } from '../support/database.ts';
import { makeRanking, US_DAY_KEY } from '../support/rankings.ts';

/*
 * A load marks its batch's jobs succeeded inside its transaction, while other statements lock
 * the same job rows: a plan in another process (an overlapping backfill, a --force one), the
 * worker's own lease renewal. Each locks several rows, so they must lock them in one order (or
 * not wait at all), or each can hold a row the other waits for. These pin the interleavings: the
 * other statement starts while the load holds the first of its jobs.
 */

const db = await useTestDatabase();
const WORKER = 'lock-order';
let observer: pg.Pool;

beforeAll(() => {
  observer = createPool(db.url, { max: 1 });
});

afterAll(async () => {
  await observer.end();
});

function planned(key: RankingKey) {
  const bounds = periodBounds(key.periodType, key.periodValue);
  if (!bounds) throw new Error('bad period');
  return { key, periodStart: bounds.start, periodEnd: bounds.end };
}

/** Backends of this database waiting for a lock right now. */
async function lockWaiters(): Promise<number> {
  return (await lockWaits(observer)).waiting;
}

/**
 * Plans and claims two days' jobs, then loads both rankings in one batch, the later day handed
 * to the writer first. The batch stops inside its transaction right after marking its first job
 * succeeded, holding that row, until `release`.
 */
async function loadHoldingFirstJob(earlyDay: string, lateDay: string) {
  const early = { ...US_DAY_KEY, periodValue: earlyDay };
  const late = { ...US_DAY_KEY, periodValue: lateDay };
  const runId = await startRun(db.pool, { trigger: 'backfill', options: {}, host: 't', pid: 1 });
  const plan = await planJobs(db.pool, [planned(early), planned(late)], {
    force: false,
    priority: PRIORITY.backfill,
    runId,
  });
  const claimed = await claimJobs(db.pool, plan.jobIds, {
    workerId: WORKER,
    leaseSeconds: 60,
    runId,
  });
  const jobOf = new Map(claimed.map((job) => [rankingKeyLabel(job.key), job.id]));
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let holding = () => {};
  const isHolding = new Promise<void>((resolve) => {
    holding = resolve;
  });
  const marked: string[] = [];
  const markJob = (key: RankingKey) => async (tx: pg.ClientBase) => {
    const updated = await markSucceeded(tx, jobOf.get(rankingKeyLabel(key)) ?? '', {
      workerId: WORKER,
      runId,
      apiCalls: 1,
      rowsLoaded: 3,
      durationMs: 1,
    });
    expect(updated).toBe(true);
    marked.push(key.periodValue);
    if (marked.length === 1) {
      holding();
      await released;
    }
  };
  const load = loadRankings(db.pool, [
    { ranking: makeRanking({ size: 3, key: late }), withinTransaction: markJob(late) },
    { ranking: makeRanking({ size: 3, key: early }), withinTransaction: markJob(early) },
  ]).catch((error: Error) => error);
  await isHolding;
  return { early, late, load, release, marked };
}

describe('job row lock order', () => {
  it('a --force plan of the jobs a load is committing waits for the load instead of deadlocking with it', async () => {
    const { early, late, load, release, marked } = await loadHoldingFirstJob(
      '2026-04-01',
      '2026-04-02',
    );
    const forcedRun = await startRun(db.pool, {
      trigger: 'backfill',
      options: {},
      host: 't',
      pid: 2,
    });
    // Handed the days out of key order, like the writer's queue: each must lock in key order.
    const forced = planJobs(db.pool, [planned(late), planned(early)], {
      force: true,
      priority: PRIORITY.backfill,
      runId: forcedRun,
    }).catch((error: Error) => error);
    while ((await lockWaiters()) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    release();

    const [loaded, replanned] = await Promise.all([load, forced]);
    expect(loaded).not.toBeInstanceOf(Error);
    expect(replanned).not.toBeInstanceOf(Error);
    // Both in key order: the batch marked the earlier day first, as the plan locks it first.
    expect(marked).toEqual(['2026-04-01', '2026-04-02']);
    expect(replanned).toMatchObject({ skipped: 0 });
    expect((replanned as { jobIds: string[] }).jobIds).toHaveLength(2);
  });

  it("renewing the worker's leases while its load holds one of the jobs waits for no lock", async () => {
    const { load, release } = await loadHoldingFirstJob('2026-05-01', '2026-05-02');
    let renewed = false;
    const renewal = renewLeases(db.pool, WORKER, 60).finally(() => {
      renewed = true;
    });
    let waited = false;
    while (!renewed) {
      // A wait now would last until the load commits, which it does only after release.
      if ((await lockWaiters()) > 0) {
        waited = true;
        break;
      }
    }
    release();
    await Promise.all([renewal, load]);
    expect(waited).toBe(false);
    const { rows } = await db.pool.query<{ status: string }>(
      "SELECT status FROM fastmoss.etl_jobs WHERE period_value LIKE '2026-05-%' ORDER BY id",
    );
    expect(rows.map((row) => row.status)).toEqual(['succeeded', 'succeeded']);
  });
});
