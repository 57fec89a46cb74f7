import type pg from 'pg';
import type { PageSizeCapStore } from '../fastmoss/ranking.ts';
import { retryOnConnectionLoss } from './connection-retry.ts';

/*
 * fastmoss.api_plan_limits: the page-size cap a FastMoss plan enforces, per API, learnt once and
 * used by every process and later run on this database. A cap is only ever lowered here: a
 * larger one seen later means a ranking was short, not that the plan changed (after an upgrade,
 * delete the row and the next ranking probes again).
 */

/** The cap known for `api`, if any. */
export async function readPageSizeCap(
  db: pg.Pool | pg.ClientBase,
  api: string,
): Promise<{ cap: number; discoveredAt: Date } | undefined> {
  const result = await db.query<{ page_size_cap: number; discovered_at: Date }>(
    `SELECT page_size_cap, discovered_at FROM fastmoss.api_plan_limits WHERE api = $1`,
    [api],
  );
  const row = result.rows[0];
  return row ? { cap: row.page_size_cap, discoveredAt: row.discovered_at } : undefined;
}

/** Records `cap` for `api` unless a smaller one is known. */
export async function rememberPageSizeCap(
  db: pg.Pool | pg.ClientBase,
  api: string,
  cap: number,
): Promise<void> {
  await db.query(
    `INSERT INTO fastmoss.api_plan_limits AS l (api, page_size_cap) VALUES ($1, $2)
     ON CONFLICT (api) DO UPDATE SET page_size_cap = EXCLUDED.page_size_cap, discovered_at = now()
       WHERE l.page_size_cap > EXCLUDED.page_size_cap`,
    [api, cap],
  );
}

/**
 * The fetcher's view of the cap of `api`, kept in this database. Every ranking asks before its
 * first page; the rankings a run starts together (16 at concurrency 8) share one read instead of
 * each taking a connection of its own, which at a run's start would open a dozen more (each ~4 ms
 * of Postgres CPU and as much here, for SCRAM). A call made after that read has answered reads
 * again, so a cap another process learns is seen by the next rankings.
 */
export function pageSizeCapStore(pool: pg.Pool, api: string): PageSizeCapStore {
  let reading: Promise<number | undefined> | undefined;
  return {
    // Part of a run: a lost connection is tried again, like every other statement of it.
    knownCap: () => {
      reading ??= retryOnConnectionLoss(() => readPageSizeCap(pool, api))
        .then((known) => known?.cap)
        .finally(() => {
          reading = undefined;
        });
      return reading;
    },
    rememberCap: (cap) => retryOnConnectionLoss(() => rememberPageSizeCap(pool, api, cap)),
  };
}
