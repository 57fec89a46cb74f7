import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { pagesNeeded } from '../../src/fastmoss/page-plan.ts';
import { planBackfill } from '../../src/plan/plan.ts';
import { rankingTotal } from '../../src/simulator/data.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { runCli, runEnv } from '../support/cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';
import { warehouseChecksum } from '../support/warehouse-checksum.ts';

const TOKEN = 'archive-test-token';
/** 2 regions x 3 days x 2 order fields = 12 rankings. */
const RANGE = [
  '--from',
  '2026-04-01',
  '--to',
  '2026-04-03',
  '--periods',
  'day',
  '--regions',
  'US,GB',
];

let simulator: Simulator;
let db: TestDatabase;

beforeAll(async () => {
  simulator = await startSimulator({ token: TOKEN });
  db = await useTestDatabase();
});

afterAll(async () => {
  await simulator.close();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return runEnv(db.url, simulator.url, TOKEN, extra);
}

function expectedPages(): number {
  const { selection } = loadConfig({ REGIONS: 'US,GB', PERIODS: 'day' });
  return planBackfill(selection, '2026-04-01', '2026-04-03', new Date()).reduce(
    (pages, planned) => pages + pagesNeeded(rankingTotal(planned.key)),
    0,
  );
}

/** Snapshot columns a rebuild must reproduce beyond the checksum's. */
async function snapshotDetails(): Promise<unknown[]> {
  const { rows } = await db.pool.query(
    `SELECT region, period_value, order_field, fetched_at, api_calls, run_id, flags
       FROM fastmoss.ranking_snapshots ORDER BY region, period_value, order_field`,
  );
  return rows;
}

/**
 * Archived pages whose snapshot_id does not name the snapshot of their own ranking (NULL, a
 * deleted snapshot's, or another ranking's).
 */
async function pagesOffTheirSnapshot(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM fastmoss.raw_pages r
      WHERE NOT EXISTS (
        SELECT 1 FROM fastmoss.ranking_snapshots s
         WHERE s.id = r.snapshot_id AND s.region = r.region AND s.period_type = r.period_type
           AND s.period_value = r.period_value AND s.order_field = r.order_field
           AND s.period_start = r.period_start
           AND s.product_category_id IS NOT DISTINCT FROM r.product_category_id
           AND s.creator_category_id IS NOT DISTINCT FROM r.creator_category_id)`,
  );
  return rows[0]?.n ?? -1;
}

async function snapshotIds(): Promise<string[]> {
  const { rows } = await db.pool.query<{ id: string }>(
    'SELECT id FROM fastmoss.ranking_snapshots ORDER BY id',
  );
  return rows.map((row) => row.id);
}

async function dropNormalizedRows(): Promise<void> {
  await db.pool.query(`TRUNCATE fastmoss.ranking_top_lives, fastmoss.ranking_entries,
    fastmoss.ranking_snapshots, fastmoss.creators, fastmoss.live_streams,
    fastmoss.creator_categories, fastmoss.product_categories CASCADE`);
}

describe('raw archive', () => {
  it('keeps every page body verbatim with its request id, status and arrival', async () => {
    const result = await runCli(['backfill', ...RANGE, '--json'], env());
    expect(result.code).toBe(0);
    const { rows } = await db.pool.query<{
      pages: string;
      with_request_id: string;
      statuses: number[];
      bare_uids: string;
      runs: string;
    }>(
      `SELECT count(*) AS pages, count(request_id) AS with_request_id,
              array_agg(DISTINCT http_status) AS statuses,
              count(*) FILTER (WHERE body ~ '"uid":7\\d{18}[,}]') AS bare_uids,
              count(DISTINCT run_id) AS runs
         FROM fastmoss.raw_pages`,
    );
    const pages = expectedPages();
    expect(rows[0]).toEqual({
      pages: String(pages),
      with_request_id: String(pages),
      statuses: [200],
      // Non-empty pages keep the 19-digit uid as the bare number FastMoss sent.
      bare_uids: expect.any(String),
      runs: '1',
    });
    const empty = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM fastmoss.raw_pages WHERE body LIKE '%"list":[]%'`,
    );
    expect(Number(rows[0]?.bare_uids) + Number(empty.rows[0]?.n)).toBe(pages);
    // Each page names its ranking's snapshot (the column Citus would co-locate the archive by).
    expect(await pagesOffTheirSnapshot()).toBe(0);
  });

  it('rebuild after dropping the normalized rows gives the same warehouse with zero API calls', async () => {
    const reference = await warehouseChecksum(db.pool);
    const details = await snapshotDetails();
    const idsBefore = await snapshotIds();
    expect(reference.ranking_entries?.rows).toBeGreaterThan(0);
    await dropNormalizedRows();
    expect((await warehouseChecksum(db.pool)).ranking_snapshots?.rows).toBe(0);

    simulator.reset();
    const result = await runCli(['rebuild', '--json'], env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      rankings: 12,
      rebuilt: 12,
      failed: 0,
      pages: expectedPages(),
      apiCalls: 0,
    });
    expect(simulator.counters.total).toBe(0);
    expect(await warehouseChecksum(db.pool)).toEqual(reference);
    expect(await snapshotDetails()).toEqual(details);
    // The emptied snapshots came back with new ids, and the archived pages follow them.
    expect(await snapshotIds()).not.toEqual(idsBefore);
    expect(await pagesOffTheirSnapshot()).toBe(0);
  });

  it('rebuild --from --to rewrites only the rankings of periods in the range', async () => {
    await db.pool.query(
      `DELETE FROM fastmoss.ranking_snapshots WHERE period_value <> '2026-04-02'`,
    );
    const result = await runCli(
      ['rebuild', '--from', '2026-04-01', '--to', '2026-04-01', '--json'],
      env(),
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rankings: 4, rebuilt: 4 });
    const { rows } = await db.pool.query<{ period_value: string; n: string }>(
      `SELECT period_value, count(*) AS n FROM fastmoss.ranking_snapshots
        GROUP BY period_value ORDER BY period_value`,
    );
    expect(rows).toEqual([
      { period_value: '2026-04-01', n: '4' },
      { period_value: '2026-04-02', n: '4' },
    ]);
  });

  it('a reload replaces the archived pages of a ranking: one version per ranking and page', async () => {
    const before = await db.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM fastmoss.raw_pages',
    );
    const result = await runCli(['backfill', ...RANGE, '--force', '--json'], env());
    expect(result.code).toBe(0);
    const after = await db.pool.query<{ n: string; runs: string }>(
      'SELECT count(*) AS n, count(DISTINCT run_id) AS runs FROM fastmoss.raw_pages',
    );
    expect(after.rows[0]).toEqual({ n: before.rows[0]?.n, runs: '1' });
    // Also the pages of 04-03, whose snapshots the previous test deleted: reloaded, they name
    // the new ones.
    expect(await pagesOffTheirSnapshot()).toBe(0);
  });

  it('RAW_RETENTION_DAYS deletes pages received longer ago at the end of a run, and only those', async () => {
    await db.pool.query(
      `UPDATE fastmoss.raw_pages SET received_at = now() - interval '3 days'
        WHERE period_value = '2026-04-01'`,
    );
    const kept = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM fastmoss.raw_pages WHERE period_value <> '2026-04-01'`,
    );
    const result = await runCli(['backfill', ...RANGE, '--json'], env({ RAW_RETENTION_DAYS: '2' }));
    expect(result.code).toBe(0);
    const { rows } = await db.pool.query<{ period_value: string }>(
      'SELECT DISTINCT period_value FROM fastmoss.raw_pages ORDER BY period_value',
    );
    expect(rows.map((row) => row.period_value)).toEqual(['2026-04-02', '2026-04-03']);
    const left = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM fastmoss.raw_pages');
    expect(left.rows[0]?.n).toBe(kept.rows[0]?.n);
  });
});
