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

  it('rows naming no creator, live stream, snapshot or entry: refused by each key before Postgres 18, accepted unchecked on 18', async () => {
    const checked = (await serverVersion()) < 180000;
    const { snapshotId } = await loadRanking(db.pool, makeRanking({ size: 5 }));
    const { rows } = await db.pool.query<{ period_start: string; rank: number; room_id: string }>(
      `SELECT e.period_start::text, e.rank, t.room_id::text
         FROM fastmoss.ranking_entries e
         JOIN fastmoss.ranking_top_lives t USING (snapshot_id, rank, period_start)
        WHERE e.snapshot_id = $1 ORDER BY e.rank, t.position LIMIT 1`,
      [snapshotId],
    );
    const at = rows[0];
    if (!at) throw new Error('the loaded ranking has no top live');
    const orphans: Record<string, { sql: string; params: unknown[] }> = {
      ranking_entries_creator_uid_creators_uid_fk: {
        sql: `INSERT INTO fastmoss.ranking_entries (snapshot_id, rank, creator_uid, period_start)
              VALUES ($1, 400, 1, $2)`,
        params: [snapshotId, at.period_start],
      },
      ranking_entries_snapshot_fk: {
        sql: `INSERT INTO fastmoss.ranking_entries (snapshot_id, rank, creator_uid, period_start)
              SELECT $1 + 1000, 1, creator_uid, period_start FROM fastmoss.ranking_entries
               WHERE snapshot_id = $1 AND rank = $2`,
        params: [snapshotId, at.rank],
      },
      ranking_top_lives_room_id_live_streams_room_id_fk: {
        sql: `INSERT INTO fastmoss.ranking_top_lives (snapshot_id, rank, position, room_id, period_start)
              VALUES ($1, $2, 99, 1, $3)`,
        params: [snapshotId, at.rank, at.period_start],
      },
      ranking_top_lives_entry_fk: {
        sql: `INSERT INTO fastmoss.ranking_top_lives (snapshot_id, rank, position, room_id, period_start)
              VALUES ($1, 499, 1, $2, $3)`,
        params: [snapshotId, at.room_id, at.period_start],
      },
    };
    const client = await db.pool.connect();
    const outcomes: Record<string, string> = {};
    try {
      for (const [key, orphan] of Object.entries(orphans)) {
        // Each in a transaction rolled back: on 18 the accepted orphan must not stay.
        await client.query('BEGIN');
        try {
          await client.query(orphan.sql, orphan.params);
          outcomes[key] = 'accepted';
        } catch (error) {
          const { code, constraint } = error as { code?: string; constraint?: string };
          outcomes[key] = `refused ${code} ${constraint}`;
        } finally {
          await client.query('ROLLBACK');
        }
      }
    } finally {
      client.release();
    }
    expect(outcomes).toEqual(
      Object.fromEntries(
        Object.keys(orphans).map((key) => [key, checked ? `refused 23503 ${key}` : 'accepted']),
      ),
    );
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
