import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/connect.ts';
import {
  CYCLE_LOCK_CLASS_ID,
  cycleLockObjectId,
  withCycleLock,
} from '../../src/schedule/cycle-lock.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';

let database: TestDatabase;
/** A second pool on the same database: another scheduler process. */
let otherScheduler: pg.Pool;

beforeAll(async () => {
  database = await useTestDatabase();
  otherScheduler = createPool(database.url, { max: 2 });
});
afterAll(async () => {
  await otherScheduler.end();
});

/** A cycle that stays running until `release()` is called, and says when it has started. */
function heldCycle() {
  let release = () => {};
  let markStarted = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  let runs = 0;
  const cycle = async () => {
    runs++;
    markStarted();
    await done;
  };
  return { cycle, started, release, runs: () => runs };
}

async function heldCycleLocks(pool: pg.Pool): Promise<number> {
  const result = await pool.query<{ count: string }>(
    `select count(*) from pg_locks
      where locktype = 'advisory' and classid = $1 and granted
        and database = (select oid from pg_database where datname = current_database())`,
    [CYCLE_LOCK_CLASS_ID],
  );
  return Number(result.rows[0]?.count);
}

describe('withCycleLock', () => {
  it('lets exactly one of two concurrent schedulers run the same cycle', async () => {
    const first = heldCycle();
    const second = heldCycle();
    const firstRun = withCycleLock(database.pool, 'daily', first.cycle);
    await first.started;
    const secondRun = await withCycleLock(otherScheduler, 'daily', second.cycle);
    first.release();
    expect(await firstRun).toEqual({ ran: true });
    expect(secondRun).toEqual({ ran: false });
    expect([first.runs(), second.runs()]).toEqual([1, 0]);
  });

  it('lets exactly one run when both ask at the same instant', async () => {
    let runs = 0;
    const cycle = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 200));
    };
    const outcomes = await Promise.all([
      withCycleLock(database.pool, 'weekly', cycle),
      withCycleLock(otherScheduler, 'weekly', cycle),
    ]);
    expect(outcomes.map((outcome) => outcome.ran).sort()).toEqual([false, true]);
    expect(runs).toBe(1);
  });

  it('holds the lock while the cycle runs, keyed by the constant and the cycle kind', async () => {
    const held = heldCycle();
    const run = withCycleLock(database.pool, 'monthly', held.cycle);
    await held.started;
    const lock = await database.pool.query<{ objid: number; objsubid: number }>(
      `select objid::int, objsubid from pg_locks
        where locktype = 'advisory' and classid = $1 and granted
          and database = (select oid from pg_database where datname = current_database())`,
      [CYCLE_LOCK_CLASS_ID],
    );
    held.release();
    await run;
    // objsubid 2 marks the two-int4-key form of an advisory lock.
    expect(lock.rows).toEqual([{ objid: cycleLockObjectId('monthly'), objsubid: 2 }]);
    expect(await heldCycleLocks(database.pool)).toBe(0);
  });

  it('lets different cycle kinds run at the same time', async () => {
    const daily = heldCycle();
    const weekly = heldCycle();
    const dailyRun = withCycleLock(database.pool, 'daily', daily.cycle);
    const weeklyRun = withCycleLock(otherScheduler, 'weekly', weekly.cycle);
    await Promise.all([daily.started, weekly.started]);
    daily.release();
    weekly.release();
    expect(await Promise.all([dailyRun, weeklyRun])).toEqual([{ ran: true }, { ran: true }]);
  });

  it('releases the lock when the cycle fails, so the next caller runs', async () => {
    await expect(
      withCycleLock(database.pool, 'daily', async () => {
        throw new Error('API down');
      }),
    ).rejects.toThrow('API down');
    expect(await heldCycleLocks(database.pool)).toBe(0);
    let runs = 0;
    expect(await withCycleLock(otherScheduler, 'daily', async () => void runs++)).toEqual({
      ran: true,
    });
    expect(runs).toBe(1);
  });

  it('returns its connection to the pool afterwards', async () => {
    await withCycleLock(otherScheduler, 'daily', async () => undefined);
    await withCycleLock(otherScheduler, 'daily', async () => undefined);
    expect(otherScheduler.totalCount - otherScheduler.idleCount).toBe(0);
  });
});
