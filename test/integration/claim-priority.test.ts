import { describe, expect, it } from 'vitest';
import { PRIORITY, planJobs, startRun } from '../../src/db/ledger.ts';
import { inTransaction } from '../../src/db/transaction.ts';
import type { RankingKey } from '../../src/domain/ranking.ts';
import { runJobs } from '../../src/pipeline/run-jobs.ts';
import { periodBounds } from '../../src/plan/periods.ts';
import { useTestDatabase } from '../support/database.ts';
import { rankingKey } from '../support/simulator.ts';

const db = await useTestDatabase();

function planned(key: RankingKey) {
  const bounds = periodBounds(key.periodType, key.periodValue);
  if (!bounds) throw new Error('bad period');
  return { key, periodStart: bounds.start, periodEnd: bounds.end };
}

describe('claim order', () => {
  it('a worker with scheduled and backfill rankings pending claims every scheduled one first', async () => {
    const days = ['01', '02', '03', '04', '05', '06'].map((day) => `2026-04-${day}`);
    const keys = days.map((day) => rankingKey({ periodValue: day }));
    const runId = await startRun(db.pool, { trigger: 'backfill', options: {}, host: 't', pid: 1 });
    const backfill = await planJobs(db.pool, keys.map(planned), {
      force: false,
      priority: PRIORITY.backfill,
      runId,
    });
    // A scheduled cycle wants the three latest days too: their jobs take its priority.
    const cycleRun = await startRun(db.pool, {
      trigger: 'scheduled',
      options: {},
      host: 't',
      pid: 1,
    });
    await planJobs(db.pool, keys.slice(3).map(planned), {
      force: false,
      priority: PRIORITY.scheduled,
      runId: cycleRun,
    });

    const fetched: string[] = [];
    const result = await runJobs({
      pool: db.pool,
      jobIds: backfill.jobIds,
      runId,
      workerId: 'priority-test',
      leaseSeconds: 60,
      rankingsInFlight: 2,
      fetchRanking: async (key) => {
        fetched.push(key.periodValue);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { key, total: 0, entries: [], apiCalls: 1, fetchedAt: new Date() };
      },
      writeRankings: async (batch) =>
        inTransaction(db.pool, async (tx) => {
          for (const ranking of batch) await ranking.withinTransaction(tx);
          return batch.map(() => ({ rowsLoaded: 0 }));
        }),
      isRunFatal: () => false,
      apiCallsOf: () => 0,
    });

    expect(result).toMatchObject({ fatal: undefined, interrupted: false, apiCalls: 6 });
    expect(fetched.slice(0, 3).sort()).toEqual(days.slice(3));
    expect(fetched.slice(3)).toEqual(days.slice(0, 3));
    const { rows } = await db.pool.query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM fastmoss.etl_jobs GROUP BY status',
    );
    expect(rows).toEqual([{ status: 'succeeded', n: '6' }]);
  });
});
