import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planJobs, startRun } from '../../src/db/ledger.ts';
import { quarantineRanking } from '../../src/db/quarantine.ts';
import { type RankingKey, rankingKeyLabel } from '../../src/domain/ranking.ts';
import { pagesNeeded } from '../../src/fastmoss/page-plan.ts';
import { fetchRanking, rankingFromPages } from '../../src/fastmoss/ranking.ts';
import { replayQuarantine } from '../../src/pipeline/replay.ts';
import { periodBounds } from '../../src/plan/periods.ts';
import { rankingTotal } from '../../src/simulator/data.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { runCli, runEnv } from '../support/cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';
import { keyWithTotal, SIM_TOKEN, testClient } from '../support/simulator.ts';

/** A ranking of 3-5 pages whose rank 150 (page 2, row 50) says live_gmv "N/A". */
const CORRUPT_KEY = keyWithTotal((total) => total > 250 && total <= 500);
/** A ranking that promises 200+ rows but whose list ends after 140. */
const SHORT_KEY = keyWithTotal(
  (total) => total > 200 && total <= 500 && total !== rankingTotal(CORRUPT_KEY),
);
const SHORT_ROWS = 140;

const sameKey = (a: RankingKey, b: RankingKey) => rankingKeyLabel(a) === rankingKeyLabel(b);

/** FastMoss sends the corrupt field while this is true. */
let corrupting = true;
let simulator: Simulator;
let db: TestDatabase;

beforeAll(async () => {
  simulator = await startSimulator({
    quirks: (key) => {
      if (sameKey(key, CORRUPT_KEY) && corrupting)
        return { corrupt: { rank: 150, field: 'live_gmv', value: 'N/A' } };
      if (sameKey(key, SHORT_KEY)) return { listEndsAfter: SHORT_ROWS };
      return undefined;
    },
  });
  db = await useTestDatabase();
});

afterAll(async () => {
  await simulator.close();
});

function env(): Record<string, string> {
  return runEnv(db.url, simulator.url, SIM_TOKEN);
}

async function jobOf(key: RankingKey): Promise<{ status: string; last_error: string | null }> {
  const { rows } = await db.pool.query<{ status: string; last_error: string | null }>(
    `SELECT status, last_error FROM fastmoss.etl_jobs
      WHERE region = $1 AND period_value = $2 AND order_field = $3`,
    [key.region, key.periodValue, key.orderField],
  );
  const [job] = rows;
  if (!job) throw new Error(`no job for ${rankingKeyLabel(key)}`);
  return job;
}

async function quarantinedLabels(): Promise<string[]> {
  const { rows } = await db.pool.query<{ period_value: string; order_field: string }>(
    'SELECT period_value, order_field FROM fastmoss.quarantine ORDER BY period_value, order_field',
  );
  return rows.map((row) => `${row.period_value}/${row.order_field}`);
}

describe('quarantine and replay', () => {
  it('a ranking with an invalid field fails its job and lands in quarantine with field, page, value and run', async () => {
    const day = CORRUPT_KEY.periodValue;
    const result = await runCli(
      ['backfill', '--from', day, '--to', day, '--periods', 'day', '--regions', 'US', '--json'],
      env(),
    );
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ selected: 2, succeeded: 1, failed: 1 });

    const job = await jobOf(CORRUPT_KEY);
    expect(job.status).toBe('failed');
    expect(job.last_error).toContain('data.list[49].live_gmv: expected a decimal amount');

    const { rows } = await db.pool.query(
      `SELECT field, page, value, run_id, jsonb_array_length(pages) AS pages, reason
         FROM fastmoss.quarantine`,
    );
    expect(rows).toEqual([
      {
        field: 'data.list[49].live_gmv',
        page: 2,
        value: '"N/A"',
        run_id: summary.runId,
        pages: pagesNeeded(rankingTotal(CORRUPT_KEY)),
        reason: job.last_error,
      },
    ]);
    // Nothing of it reached the warehouse or the archive.
    const loaded = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM fastmoss.raw_pages WHERE order_field = 'units_sold'`,
    );
    expect(loaded.rows[0]?.n).toBe('0');

    const status = await runCli(['status', '--json'], env());
    expect(JSON.parse(status.stdout)).toMatchObject({
      quarantinedTotal: 1,
      quarantined: [
        {
          ranking: rankingKeyLabel(CORRUPT_KEY),
          page: 2,
          field: 'data.list[49].live_gmv',
          value: '"N/A"',
          runId: summary.runId,
        },
      ],
    });
    const text = await runCli(['status'], env());
    expect(text.stdout).toContain(
      `quarantined rankings: 1 (fastmoss-etl replay loads them once they pass)\n  ${rankingKeyLabel(CORRUPT_KEY)} page 2: data.list[49].live_gmv = "N/A"`,
    );
  });

  it("replay loads what today's checks accept (a list quarantined for ending early) and keeps what they refuse, with zero calls", async () => {
    // What an earlier version, which refused lists that end early, left behind.
    const { client } = testClient(simulator);
    const fetched = await fetchRanking(client, SHORT_KEY);
    await client.close();
    const bounds = periodBounds(SHORT_KEY.periodType, SHORT_KEY.periodValue);
    if (!bounds) throw new Error('bad period');
    const runId = await startRun(db.pool, {
      trigger: 'backfill',
      options: {},
      host: 'old',
      pid: 1,
    });
    await planJobs(
      db.pool,
      [{ key: SHORT_KEY, periodStart: bounds.start, periodEnd: bounds.end }],
      {
        force: false,
        priority: 0,
        runId,
      },
    );
    const oldReason = `FASTMOSS_INVALID_RESPONSE: page 2: data.list has 40 rows, expected 100`;
    await db.pool.query(
      `UPDATE fastmoss.etl_jobs SET status = 'failed', last_error = $1 WHERE period_value = $2`,
      [oldReason, SHORT_KEY.periodValue],
    );
    await quarantineRanking(db.pool, {
      key: SHORT_KEY,
      pages: fetched.pages ?? [],
      runId,
      reason: oldReason,
      field: 'data.list',
      page: 2,
      value: '40',
    });
    expect(await quarantinedLabels()).toHaveLength(2);

    simulator.reset();
    const result = await runCli(['replay', '--json'], env());
    expect(simulator.counters.total).toBe(0);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      quarantined: 2,
      loaded: [rankingKeyLabel(SHORT_KEY)],
      stillQuarantined: [{ ranking: rankingKeyLabel(CORRUPT_KEY) }],
      apiCalls: 0,
    });
    expect(await quarantinedLabels()).toEqual([`${CORRUPT_KEY.periodValue}/units_sold`]);
    expect(await jobOf(SHORT_KEY)).toEqual({ status: 'succeeded', last_error: null });
    expect((await jobOf(CORRUPT_KEY)).status).toBe('failed');

    const { rows } = await db.pool.query(
      `SELECT s.total, s.entry_count, s.flags, s.run_id,
              (SELECT count(*) FROM fastmoss.raw_pages r WHERE r.period_value = s.period_value
                  AND r.order_field = s.order_field)::int AS archived
         FROM fastmoss.ranking_snapshots s
        WHERE s.period_value = $1 AND s.order_field = 'units_sold'`,
      [SHORT_KEY.periodValue],
    );
    expect(rows).toEqual([
      {
        total: rankingTotal(SHORT_KEY),
        entry_count: SHORT_ROWS,
        flags: ['short'],
        run_id: runId,
        archived: pagesNeeded(rankingTotal(SHORT_KEY)),
      },
    ]);
  });

  it('after a fix that reads "N/A" as unknown, replay loads the quarantined ranking from its stored pages with zero calls', async () => {
    // The fix under test: the same checks, with "N/A" amounts read as missing. Stored bodies stay.
    const fixed: typeof rankingFromPages = (key, pages) => ({
      ...rankingFromPages(
        key,
        pages.map((page) => ({
          ...page,
          body: page.body.replaceAll('"live_gmv":"N/A"', '"live_gmv":null'),
        })),
      ),
      pages,
    });
    simulator.reset();
    const summary = await replayQuarantine(db.pool, fixed);
    expect(simulator.counters.total).toBe(0);
    expect(summary).toEqual({
      quarantined: 1,
      loaded: [rankingKeyLabel(CORRUPT_KEY)],
      stillQuarantined: [],
      apiCalls: 0,
    });
    expect(await quarantinedLabels()).toEqual([]);
    expect(await jobOf(CORRUPT_KEY)).toEqual({ status: 'succeeded', last_error: null });

    const entry = await db.pool.query(
      `SELECT e.rank, e.live_gmv, s.entry_count
         FROM fastmoss.ranking_entries e JOIN fastmoss.ranking_snapshots s ON s.id = e.snapshot_id
        WHERE s.period_value = $1 AND s.order_field = 'units_sold' AND e.rank IN (149, 150)
        ORDER BY e.rank`,
      [CORRUPT_KEY.periodValue],
    );
    expect(entry.rows.map((row) => row.live_gmv === null)).toEqual([false, true]);
    expect(entry.rows[0]?.entry_count).toBe(Math.min(rankingTotal(CORRUPT_KEY), 500));
    // The archive holds the pages exactly as FastMoss sent them, "N/A" included.
    const archived = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM fastmoss.raw_pages
        WHERE period_value = $1 AND order_field = 'units_sold' AND body LIKE '%"live_gmv":"N/A"%'`,
      [CORRUPT_KEY.periodValue],
    );
    expect(archived.rows[0]?.n).toBe('1');
  });

  it('a later fetch that passes clears the ranking from quarantine', async () => {
    const day = CORRUPT_KEY.periodValue;
    const args = ['backfill', '--from', day, '--to', day, '--periods', 'day', '--regions', 'US'];
    const refused = await runCli([...args, '--orderby', 'units_sold', '--force', '--json'], env());
    expect(refused.code).toBe(1);
    expect(await quarantinedLabels()).toEqual([`${day}/units_sold`]);

    corrupting = false;
    const fetched = await runCli([...args, '--orderby', 'units_sold', '--force', '--json'], env());
    expect(fetched.code).toBe(0);
    expect(JSON.parse(fetched.stdout)).toMatchObject({ selected: 1, succeeded: 1 });
    expect(await quarantinedLabels()).toEqual([]);
    expect(await jobOf(CORRUPT_KEY)).toEqual({ status: 'succeeded', last_error: null });
  });
});
