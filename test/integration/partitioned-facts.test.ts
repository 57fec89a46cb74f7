import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/connect.ts';
import { grantReader } from '../../src/db/grant-reader.ts';
import { loadRanking } from '../../src/db/load.ts';
import { ensurePartitions, PARTITIONED_TABLES } from '../../src/db/partitions.ts';
import { deleteExpiredPages } from '../../src/db/raw-archive.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { runCli, runEnv } from '../support/cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';
import { makeRanking, US_DAY_KEY } from '../support/rankings.ts';
import { warehouseChecksum } from '../support/warehouse-checksum.ts';

/*
 * ranking_entries, ranking_top_lives and raw_pages are partitioned by month of period_start.
 * The pipeline makes a month's partitions when a load needs them; reloads, rebuilds and
 * retention work on the partitioned tables; creating a partition waits for no reader or writer.
 */

const TOKEN = 'partition-test-token';
/** US, by GMV, one day at the end of March and one at the start of April: two months. */
const SELECTION = ['--periods', 'day', '--regions', 'US', '--orderby', 'gmv'];
const MARCH_APRIL = ['--from', '2026-03-31', '--to', '2026-04-01', ...SELECTION];

let simulator: Simulator;
let db: TestDatabase;
const reader = `partition_reader_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  simulator = await startSimulator({ token: TOKEN });
  db = await useTestDatabase();
  await db.pool.query(`CREATE ROLE ${reader} LOGIN PASSWORD 'reader'`);
  await grantReader(db.pool, reader);
});

afterAll(async () => {
  await simulator.close();
  await db.pool.query(`DROP OWNED BY ${reader}`);
  await db.pool.query(`DROP ROLE ${reader}`);
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return runEnv(db.url, simulator.url, TOKEN, extra);
}

async function cli(args: string[], extra: Record<string, string> = {}): Promise<void> {
  const result = await runCli(args, env(extra));
  expect(result.code, result.stderr).toBe(0);
}

/** The partitions of each fact table, by name. */
async function partitions(): Promise<Record<string, string[]>> {
  const { rows } = await db.pool.query<{ parent: string; part: string }>(
    `SELECT p.relname AS parent, c.relname AS part
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname = ANY($1::text[]) ORDER BY 1, 2`,
    [[...PARTITIONED_TABLES]],
  );
  const result: Record<string, string[]> = {};
  for (const table of PARTITIONED_TABLES) result[table] = [];
  for (const row of rows) result[row.parent]?.push(row.part);
  return result;
}

/** Rows of each fact table per partition it sits in. */
async function rowsByPartition(): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of PARTITIONED_TABLES) {
    const { rows } = await db.pool.query<{ part: string; n: string }>(
      `SELECT tableoid::regclass::text AS part, count(*) AS n FROM fastmoss.${table} GROUP BY 1`,
    );
    for (const row of rows) result[row.part.replace(/^fastmoss\./, '')] = Number(row.n);
  }
  return result;
}

async function snapshotIds(): Promise<Record<string, string>> {
  const { rows } = await db.pool.query<{ key: string; id: string }>(
    `SELECT region || '/' || period_type || ':' || period_value || '/' || order_field AS key, id
       FROM fastmoss.ranking_snapshots ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((row) => [row.key, row.id]));
}

describe('partitioned fact tables', () => {
  it('a backfill makes the partitions of the months it loads, each row in its month', async () => {
    expect(await partitions()).toEqual({
      ranking_entries: [],
      ranking_top_lives: [],
      raw_pages: [],
    });
    await cli(['backfill', ...MARCH_APRIL]);

    expect(await partitions()).toEqual({
      ranking_entries: ['ranking_entries_p2026_03', 'ranking_entries_p2026_04'],
      ranking_top_lives: ['ranking_top_lives_p2026_03', 'ranking_top_lives_p2026_04'],
      raw_pages: ['raw_pages_p2026_03', 'raw_pages_p2026_04'],
    });
    // Each snapshot's entries sit in its month's partition, none elsewhere.
    const { rows } = await db.pool.query<{ month: string; entries: string }>(
      `SELECT to_char(period_start, 'YYYY_MM') AS month, sum(entry_count) AS entries
         FROM fastmoss.ranking_snapshots GROUP BY 1 ORDER BY 1`,
    );
    const byPartition = await rowsByPartition();
    expect(rows.map((row) => row.month)).toEqual(['2026_03', '2026_04']);
    for (const row of rows) {
      expect(byPartition[`ranking_entries_p${row.month}`]).toBe(Number(row.entries));
      expect(byPartition[`ranking_top_lives_p${row.month}`]).toBeGreaterThan(0);
      expect(byPartition[`raw_pages_p${row.month}`]).toBeGreaterThan(0);
    }
  });

  it('every partition has the keys, indexes, foreign keys and comments of its table', async () => {
    const { rows } = await db.pool.query<{
      part: string;
      indexes: string;
      parent_indexes: string;
      fks: string;
      parent_fks: string;
      comment: string | null;
      uncommented: string;
    }>(
      `SELECT c.relname AS part,
              (SELECT count(*) FROM pg_index x WHERE x.indrelid = c.oid) AS indexes,
              (SELECT count(*) FROM pg_index x WHERE x.indrelid = i.inhparent) AS parent_indexes,
              -- Foreign keys cloned from the parent's own (not those Postgres adds per referenced
              -- partition).
              (SELECT count(*) FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f'
                  AND k.conparentid IN (SELECT p.oid FROM pg_constraint p
                                         WHERE p.conrelid = i.inhparent AND p.contype = 'f'
                                           AND p.conparentid = 0)) AS fks,
              (SELECT count(*) FROM pg_constraint k WHERE k.conrelid = i.inhparent
                  AND k.contype = 'f' AND k.conparentid = 0) AS parent_fks,
              obj_description(c.oid, 'pg_class') AS comment,
              (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
                  AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL) AS uncommented
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = ANY(ARRAY['fastmoss.ranking_entries', 'fastmoss.ranking_top_lives',
                                      'fastmoss.raw_pages']::regclass[])`,
    );
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      expect(row.indexes, row.part).toBe(row.parent_indexes);
      expect(row.fks, row.part).toBe(row.parent_fks);
      expect(row.comment, row.part).toMatch(/^The rows of \w+ whose period starts in 2026-0[34]/);
      expect(row.uncommented, row.part).toBe('0');
    }
  });

  it('--force reloads replace the rows in place: same snapshot ids, same partitions', async () => {
    const ids = await snapshotIds();
    const checksum = await warehouseChecksum(db.pool);
    const counts = await rowsByPartition();
    await cli(['backfill', ...MARCH_APRIL, '--force']);
    expect(await snapshotIds()).toEqual(ids);
    expect(await warehouseChecksum(db.pool)).toEqual(checksum);
    expect(await rowsByPartition()).toEqual(counts);
  });

  it('rebuild rewrites the warehouse from the archive with the same snapshot ids', async () => {
    const ids = await snapshotIds();
    const checksum = await warehouseChecksum(db.pool);
    const counts = await rowsByPartition();
    await cli(['rebuild']);
    expect(await snapshotIds()).toEqual(ids);
    expect(await warehouseChecksum(db.pool)).toEqual(checksum);
    expect(await rowsByPartition()).toEqual(counts);
  });

  it('a new month gets its partitions on demand, and the reader granted before reads them', async () => {
    await cli(['backfill', '--from', '2026-05-01', '--to', '2026-05-01', ...SELECTION]);
    expect((await partitions()).ranking_entries).toContain('ranking_entries_p2026_05');
    const url = new URL(db.url);
    url.username = reader;
    url.password = 'reader';
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const viaParent = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM fastmoss.ranking_entries WHERE period_start >= '2026-05-01'`,
      );
      expect(Number(viaParent.rows[0]?.n)).toBeGreaterThan(0);
      const viaView = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM fastmoss.v_top_lives WHERE period_start = '2026-05-01'`,
      );
      expect(Number(viaView.rows[0]?.n)).toBeGreaterThan(0);
      // The partition itself too: grant-reader's default privileges cover tables made later.
      const direct = await client.query<{ n: string }>(
        'SELECT count(*) AS n FROM fastmoss.ranking_entries_p2026_05',
      );
      expect(direct.rows[0]?.n).toBe(viaParent.rows[0]?.n);
      await expect(
        client.query('DELETE FROM fastmoss.ranking_entries_p2026_05'),
      ).rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.end();
    }
  });

  it('making a partition waits for no analyst query, and for an open load only until it commits', async () => {
    const analyst = await db.pool.connect();
    const other = createPool(db.url, { max: 2 });
    try {
      // An analyst's transaction that has read every fact table and stays open throughout.
      await analyst.query('BEGIN');
      await analyst.query(
        `SELECT (SELECT count(*) FROM fastmoss.ranking_entries),
                (SELECT count(*) FROM fastmoss.ranking_top_lives),
                (SELECT count(*) FROM fastmoss.raw_pages),
                (SELECT count(*) FROM fastmoss.v_rankings)`,
      );
      await ensurePartitions(other, ['2026-06-15']);
      const made = await partitions();
      for (const table of PARTITIONED_TABLES) expect(made[table]).toContain(`${table}_p2026_06`);

      // Another worker's load, its transaction open (creators, entries and top lives written):
      // ATTACH locks the tables its foreign keys reference in SHARE ROW EXCLUSIVE mode, so it
      // waits for that commit (up to its lock_timeout, then tries again), not longer.
      let releaseLoad: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        releaseLoad = resolve;
      });
      let loadOpen!: () => void;
      const opened = new Promise<void>((resolve) => {
        loadOpen = resolve;
      });
      let committedAt = 0;
      const load = loadRanking(db.pool, makeRanking({ size: 20, key: US_DAY_KEY, seed: 3 }), {
        withinTransaction: async () => {
          loadOpen();
          await held;
        },
      }).then(() => {
        committedAt = Date.now();
      });
      await opened;
      const making = ensurePartitions(other, ['2026-08-01']).then(() => Date.now());
      await new Promise((resolve) => setTimeout(resolve, 500));
      releaseLoad();
      await load;
      const madeAt = await making;
      // Made by then, or at most one lock_timeout retry later.
      expect(madeAt - committedAt).toBeLessThan(5_000);
      expect((await partitions()).ranking_entries).toContain('ranking_entries_p2026_08');
      // The analyst's reads went on all along.
      const still = await analyst.query<{ n: string }>(
        'SELECT count(*) AS n FROM fastmoss.ranking_entries',
      );
      expect(Number(still.rows[0]?.n)).toBeGreaterThan(0);
    } finally {
      await analyst.query('ROLLBACK');
      analyst.release();
      await other.end();
    }
  });

  it('processes making the same month at once make it once', async () => {
    const pools = [createPool(db.url, { max: 1 }), createPool(db.url, { max: 1 })];
    try {
      await Promise.all(pools.map((pool) => ensurePartitions(pool, ['2026-07-01', '2026-07-31'])));
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
    const made = await partitions();
    for (const table of PARTITIONED_TABLES) {
      expect(made[table]?.filter((name) => name.endsWith('_p2026_07'))).toEqual([
        `${table}_p2026_07`,
      ]);
    }
  });
});

describe('RAW_RETENTION_DAYS on the partitioned archive', () => {
  it('drops a month whose pages all expired, and deletes only the expired pages elsewhere', async () => {
    // March: every page old. April: all but one page old. June and July: empty partitions.
    await db.pool.query(
      `UPDATE fastmoss.raw_pages SET received_at = now() - interval '30 days'
        WHERE period_start < '2026-04-01'`,
    );
    await db.pool.query(
      `UPDATE fastmoss.raw_pages SET received_at = now() - interval '30 days'
        WHERE period_start >= '2026-04-01' AND period_start < '2026-05-01'
          AND id <> (SELECT max(id) FROM fastmoss.raw_pages
                      WHERE period_start >= '2026-04-01' AND period_start < '2026-05-01')`,
    );
    const before = await rowsByPartition();
    const fresh = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM fastmoss.raw_pages WHERE received_at > now() - interval '2 days'`,
    );

    await cli(['backfill', ...MARCH_APRIL], { RAW_RETENTION_DAYS: '2' });

    const after = await partitions();
    expect(after.raw_pages).toEqual([
      'raw_pages_p2026_04',
      'raw_pages_p2026_05',
      'raw_pages_p2026_06',
      'raw_pages_p2026_07',
      'raw_pages_p2026_08',
    ]);
    // Entries and top lives keep every month.
    expect(after.ranking_entries).toContain('ranking_entries_p2026_03');
    const counts = await rowsByPartition();
    expect(counts.raw_pages_p2026_04).toBe(1);
    expect(counts.raw_pages_p2026_05).toBe(before.raw_pages_p2026_05);
    expect(counts.ranking_entries_p2026_03).toBe(before.ranking_entries_p2026_03);
    const left = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM fastmoss.raw_pages');
    expect(left.rows[0]?.n).toBe(fresh.rows[0]?.n);
  });

  it('a month dropped after this process made it is made again by the next load of it', async () => {
    const march = { ...US_DAY_KEY, periodValue: '2026-03-30' };
    // This process knows March's partitions (it made them), then retention drops the archive's.
    await ensurePartitions(db.pool, ['2026-03-30']);
    await loadRanking(db.pool, {
      ...makeRanking({ size: 5, key: march }),
      pages: [
        {
          page: 1,
          pagesize: 100,
          body: '{"code":0}',
          requestId: null,
          status: 200,
          attempts: 1,
          receivedAt: new Date(Date.now() - 40 * 86_400_000),
        },
      ],
    });
    const expired = await deleteExpiredPages(db.pool, 2);
    expect(expired.droppedPartitions).toEqual(['raw_pages_p2026_03']);
    expect(expired.deleted).toBe(1);

    const loaded = await loadRanking(db.pool, {
      ...makeRanking({ size: 5, key: march, seed: 2 }),
      pages: [
        {
          page: 1,
          pagesize: 100,
          body: '{"code":0}',
          requestId: null,
          status: 200,
          attempts: 1,
          receivedAt: new Date(),
        },
      ],
    });
    expect(loaded.entries).toBe(5);
    expect((await partitions()).raw_pages).toContain('raw_pages_p2026_03');
    expect((await rowsByPartition()).raw_pages_p2026_03).toBe(1);
  });
});
