import type pg from 'pg';
import { CYCLE_KINDS, type CycleKind } from './cycles.ts';

/** Runs a cycle only if no other scheduler sharing the database is running the same kind. */
export interface CycleLock {
  withLock(kind: CycleKind, cycle: () => Promise<void>): Promise<{ ran: boolean }>;
}

/** First key of the two-key advisory lock: "FMET" in ASCII, so it is recognisable in pg_locks. */
export const CYCLE_LOCK_CLASS_ID = 0x464d4554;

/** Second key: a stable number per cycle kind (never reorder CYCLE_KINDS without changing this). */
export function cycleLockObjectId(kind: CycleKind): number {
  return CYCLE_KINDS.indexOf(kind) + 1;
}

/**
 * Holds a session advisory lock on a client checked out for the whole cycle. A session lock is
 * owned by the connection, so it is unlocked on that same connection and the client goes back to
 * the pool only afterwards; if the process dies, Postgres drops the lock with the connection.
 * A transaction-scoped lock would instead keep a transaction open for the whole cycle.
 * The client is taken from `pool`, so the pool must have room for it beside the cycle's own work.
 */
export async function withCycleLock(
  pool: pg.Pool,
  kind: CycleKind,
  cycle: () => Promise<void>,
): Promise<{ ran: boolean }> {
  const client = await pool.connect();
  const key = [CYCLE_LOCK_CLASS_ID, cycleLockObjectId(kind)];
  // A connection lost mid-cycle surfaces as a failed unlock below; without a listener the
  // client's 'error' event would crash the process.
  const ignoreConnectionError = () => undefined;
  client.on('error', ignoreConnectionError);
  // Set when the connection may be unusable: release(error) destroys it instead of pooling it,
  // which also drops any lock it still holds.
  let broken: Error | undefined;
  const markBroken = (error: unknown) => {
    broken = error instanceof Error ? error : new Error(String(error));
    return error;
  };
  try {
    const locked = await client
      .query<{ acquired: boolean }>('select pg_try_advisory_lock($1, $2) as acquired', key)
      .catch((error: unknown) => Promise.reject(markBroken(error)));
    if (locked.rows[0]?.acquired !== true) return { ran: false };
    try {
      await cycle();
    } finally {
      await client.query('select pg_advisory_unlock($1, $2)', key).catch(markBroken);
    }
    return { ran: true };
  } finally {
    client.off('error', ignoreConnectionError);
    client.release(broken);
  }
}

export function createPgCycleLock(pool: pg.Pool): CycleLock {
  return { withLock: (kind, cycle) => withCycleLock(pool, kind, cycle) };
}
