import type pg from 'pg';
import { readLastGoodCycle } from '../db/ledger.ts';
import type { Health } from '../observe/http-server.ts';

/** A scheduler whose last fully loaded cycle is older than this is unhealthy. */
const MAX_GOOD_CYCLE_AGE_SECONDS = 48 * 3600;

/** Database reachable, and the age of the last scheduled cycle that loaded every ranking. */
export async function readHealth(pool: pg.Pool): Promise<Health> {
  try {
    const { ageSeconds: age } = await readLastGoodCycle(pool);
    return {
      ok: age === null || age <= MAX_GOOD_CYCLE_AGE_SECONDS,
      database: true,
      lastGoodCycleAgeSeconds: age === null ? null : Math.round(age),
    };
  } catch {
    return { ok: false, database: false, lastGoodCycleAgeSeconds: null };
  }
}
