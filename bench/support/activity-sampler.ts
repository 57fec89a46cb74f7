import { createPool } from '../../src/db/connect.ts';

/** What the backends of one database were doing, averaged over samples taken every `everyMs`. */
export interface ActivityProfile {
  samples: number;
  everyMs: number;
  /** Mean backends per sample in each state: running, waiting on a lock (by wait event), etc. */
  meanBackends: Record<string, number>;
  /** Samples in which at least one backend waited on a lock. */
  samplesWithLockWait: number;
}

/**
 * Samples pg_stat_activity for `database` until stopped: backends running (active, no wait),
 * waiting on a lock (`Lock:<event>`, e.g. Lock:advisory, Lock:transactionid, Lock:tuple),
 * on I/O or WAL (`IO:...`, `LWLock:...`), or idle in a transaction while the client works
 * (`client`). A sampler sees the shape of the run, not each wait.
 */
export function sampleActivity(serverUrl: string, database: string, everyMs = 100) {
  const pool = createPool(serverUrl, { max: 1 });
  const totals = new Map<string, number>();
  let samples = 0;
  let samplesWithLockWait = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const { rows } = await pool.query<{ state: string; n: number }>(
        `SELECT CASE
                  WHEN state = 'idle in transaction' THEN 'client'
                  WHEN wait_event_type IS NULL THEN 'running'
                  ELSE wait_event_type || ':' || wait_event END AS state,
                count(*)::int AS n
           FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND state <> 'idle'
          GROUP BY 1`,
        [database],
      );
      samples++;
      if (rows.some((row) => row.state.startsWith('Lock:'))) samplesWithLockWait++;
      for (const row of rows) totals.set(row.state, (totals.get(row.state) ?? 0) + row.n);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop(): Promise<ActivityProfile> {
      stopped = true;
      await loop;
      await pool.end();
      const meanBackends: Record<string, number> = {};
      for (const [state, total] of [...totals].sort((a, b) => b[1] - a[1])) {
        meanBackends[state] = Math.round((total / Math.max(1, samples)) * 100) / 100;
      }
      return { samples, everyMs, meanBackends, samplesWithLockWait };
    },
  };
}
