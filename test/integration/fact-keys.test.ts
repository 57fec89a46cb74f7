import { describe, expect, it } from 'vitest';
import { loadRanking } from '../../src/db/load.ts';
import { useTestDatabase } from '../support/database.ts';
import { makeRanking } from '../support/rankings.ts';

const db = await useTestDatabase();

interface FactKey {
  table: string;
  references: string;
  enforced: boolean;
  on_delete: string;
}

/** The foreign keys declared on the fact tables, as BI tools read them from the catalog. */
async function factKeys(): Promise<FactKey[]> {
  const { rows } = await db.pool.query<FactKey>(
    `SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS references,
            coalesce((to_jsonb(c) ->> 'conenforced')::boolean, true) AS enforced,
            c.confdeltype::text AS on_delete
       FROM pg_constraint c
      WHERE c.contype = 'f' AND c.conparentid = 0
        AND c.conrelid IN ('fastmoss.ranking_entries'::regclass,
                           'fastmoss.ranking_top_lives'::regclass)
      ORDER BY 1, 2`,
  );
  return rows;
}

async function serverVersion(): Promise<number> {
  const { rows } = await db.pool.query<{ v: string }>(
    "SELECT current_setting('server_version_num') AS v",
  );
  return Number(rows[0]?.v);
}

describe('fact-table foreign keys', () => {
  it('all four stay declared for BI tools, with their ON DELETE; on Postgres 18 none is checked per row (NOT ENFORCED)', async () => {
    const checked = (await serverVersion()) < 180000;
    expect(await factKeys()).toEqual([
      {
        table: 'fastmoss.ranking_entries',
        references: 'fastmoss.creators',
        enforced: checked,
        on_delete: 'a',
      },
      {
        table: 'fastmoss.ranking_entries',
        references: 'fastmoss.ranking_snapshots',
        enforced: checked,
        on_delete: 'c',
      },
      {
        table: 'fastmoss.ranking_top_lives',
        references: 'fastmoss.live_streams',
        enforced: checked,
        on_delete: 'a',
      },
      {
        table: 'fastmoss.ranking_top_lives',
        references: 'fastmoss.ranking_entries',
        enforced: checked,
        on_delete: 'c',
      },
    ]);
  });

  it('a loaded ranking names only creators and live streams that exist, and deleting its snapshot still removes its entries and top lives', async () => {
    const { snapshotId, entries, topLives } = await loadRanking(db.pool, makeRanking({ size: 40 }));
    expect(entries).toBe(40);
    expect(topLives).toBeGreaterThan(0);
    const { rows: orphans } = await db.pool.query<{ creators: number; lives: number }>(
      `SELECT (SELECT count(*)::int FROM fastmoss.ranking_entries e
                WHERE NOT EXISTS (SELECT 1 FROM fastmoss.creators c WHERE c.uid = e.creator_uid))
                AS creators,
              (SELECT count(*)::int FROM fastmoss.ranking_top_lives t
                WHERE NOT EXISTS (SELECT 1 FROM fastmoss.live_streams l WHERE l.room_id = t.room_id))
                AS lives`,
    );
    expect(orphans).toEqual([{ creators: 0, lives: 0 }]);
    await db.pool.query('DELETE FROM fastmoss.ranking_snapshots WHERE id = $1', [snapshotId]);
    const { rows: left } = await db.pool.query<{ entries: number; lives: number }>(
      `SELECT (SELECT count(*)::int FROM fastmoss.ranking_entries WHERE snapshot_id = $1) AS entries,
              (SELECT count(*)::int FROM fastmoss.ranking_top_lives WHERE snapshot_id = $1) AS lives`,
      [snapshotId],
    );
    expect(left).toEqual([{ entries: 0, lives: 0 }]);
  });
});
