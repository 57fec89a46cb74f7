import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/connect.ts';
import { loadRanking, loadRankings } from '../../src/db/load.ts';
import { useTestDatabase } from '../support/database.ts';
import { makeRanking, US_DAY_KEY } from '../support/rankings.ts';

const db = await useTestDatabase();

interface Scans {
  seq: number;
  idx: number;
}

/**
 * Sequential and index scans of creators and live_streams as counted so far, this backend's own
 * included: its pending counters are flushed first (pg_stat_force_next_flush, Postgres 15+).
 */
async function scans(client: pg.PoolClient): Promise<Record<'creators' | 'live_streams', Scans>> {
  await client.query('SELECT pg_stat_force_next_flush()');
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query<{ relname: 'creators' | 'live_streams' } & Scans>(
    `SELECT relname, seq_scan::int AS seq, coalesce(idx_scan, 0)::int AS idx
       FROM pg_stat_user_tables
      WHERE schemaname = 'fastmoss' AND relname IN ('creators', 'live_streams')`,
  );
  const by = Object.fromEntries(rows.map((row) => [row.relname, { seq: row.seq, idx: row.idx }]));
  return {
    creators: by.creators ?? { seq: -1, idx: -1 },
    live_streams: by.live_streams ?? { seq: -1, idx: -1 },
  };
}

describe('the dimension upserts', () => {
  it('look stored creators and live streams up by key, never by scanning the table', async () => {
    // Tables of some pages (5,000 creators, 15,000 live streams), so a scan is a real choice.
    await loadRankings(
      db.pool,
      Array.from({ length: 10 }, (_, i) => ({
        ranking: makeRanking({
          size: 500,
          seed: i + 1,
          key: { ...US_DAY_KEY, periodValue: `2026-03-${String(i + 1).padStart(2, '0')}` },
        }),
      })),
    );
    await db.pool.query('ANALYZE fastmoss.creators, fastmoss.live_streams');

    // One connection, so the load's scans are this backend's and its counters can be flushed.
    const pool = createPool(db.url, { max: 1 });
    try {
      const client = await pool.connect();
      const before = await scans(client);
      client.release();
      // Half its creators and live streams are stored already (seed 1), half are new.
      const ranking = makeRanking({
        size: 500,
        seed: 1,
        key: { ...US_DAY_KEY, periodValue: '2026-03-20' },
        fetchedAt: new Date('2026-04-05T01:00:00Z'),
      });
      const fresh = makeRanking({ size: 250, seed: 50 });
      ranking.entries.splice(250, 250, ...fresh.entries.map((e) => ({ ...e, rank: e.rank + 250 })));
      await loadRanking(pool, ranking);
      const again = await pool.connect();
      const after = await scans(again);
      again.release();

      expect(after.creators.seq - before.creators.seq).toBe(0);
      expect(after.live_streams.seq - before.live_streams.seq).toBe(0);
      expect(after.creators.idx - before.creators.idx).toBeGreaterThanOrEqual(500);
      expect(after.live_streams.idx - before.live_streams.idx).toBeGreaterThanOrEqual(1500);
    } finally {
      await pool.end();
    }
  });
});
