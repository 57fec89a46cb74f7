import { setTimeout as sleep } from 'node:timers/promises';

/*
 * Ledger writes (claim, fail, release, finish a run) that meet a lost connection are tried again
 * on a fresh one, so a Postgres restart or a killed backend costs a pause, not a run left half
 * recorded. Only connection loss is retried: every other error is the caller's.
 */

/** SQLSTATE class 08 (connection exception) and the admin-shutdown family of 57P. */
const LOST_SQLSTATES = new Set([
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
]);
const LOST_NODE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
const LOST_MESSAGES = /Connection terminated|not queryable|connection error|Client was closed/i;

/** Whether `error`, or an error it wraps (`cause`, e.g. a RankingLoadError), is a lost connection. */
export function isConnectionLost(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = 'code' in current && typeof current.code === 'string' ? current.code : undefined;
    if (code !== undefined && (LOST_SQLSTATES.has(code) || LOST_NODE_CODES.has(code))) return true;
    if (LOST_MESSAGES.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

/** About 15 s in all: long enough for a Postgres restart on a busy machine. */
export const RUN_RETRY_DELAYS_MS = [100, 300, 1000, 2000, 4000, 8000];

/**
 * Runs `work`, again after each pause of `delaysMs` each time it fails for a lost connection
 * (by default six more tries over about 15 s).
 */
export async function retryOnConnectionLoss<T>(
  work: () => Promise<T>,
  delaysMs: readonly number[] = RUN_RETRY_DELAYS_MS,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const delay = delaysMs[attempt];
      if (delay === undefined || !isConnectionLost(error)) throw error;
      await sleep(delay);
    }
  }
}
