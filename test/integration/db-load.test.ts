import { describe, expect, it } from 'vitest';
import { RankingLoadError } from '../../src/db/errors.ts';
import { loadRanking } from '../../src/db/load.ts';
import type { FetchedRanking, RankingKey } from '../../src/domain/ranking.ts';
import { useTestDatabase } from '../support/database.ts';
import { BIG_UID, makeRanking, US_DAY_KEY } from '../support/rankings.ts';

const db = await useTestDatabase();

/** Each test loads its own key so the tests of this file don't see each other's rows. */
function keyFor(periodValue: string, overrides: Partial<RankingKey> = {}): RankingKey {
  return { ...US_DAY_KEY, periodValue, ...overrides };
}

async function snapshotsOf(key: RankingKey) {
  const { rows } = await db.pool.query<{ id: string; entry_count: number; total: number }>(
    `select id, entry_count, total from fastmoss.ranking_snapshots
      where region = $1 and product_category_id is not distinct from $2
        and creator_category_id is not distinct from $3 and period_type = $4
        and period_value = $5 and order_field = $6`,
    [
      key.region,
      key.productCategoryId,
      key.creatorCategoryId,
      key.periodType,
      key.periodValue,
      key.orderField,
    ],
  );
  return rows;
}

async function entriesOf(snapshotId: string) {
  const { rows } = await db.pool.query<{
    rank: number;
    creator_uid: string;
    live_gmv: string;
    live_usd_gmv: string;
  }>(
    `select rank, creator_uid, live_gmv, live_usd_gmv from fastmoss.ranking_entries
      where snapshot_id = $1 order by rank`,
    [snapshotId],
  );
  return rows;
}

async function topLiveCount(snapshotId: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    'select count(*)::int as n from fastmoss.ranking_top_lives where snapshot_id = $1',
    [snapshotId],
  );
  return rows[0]?.n ?? -1;
}

describe('loadRanking', () => {
  it('round-trips a 19-digit uid and a money amount exactly', async () => {
    const ranking = makeRanking({ size: 2, key: keyFor('2026-03-01') });
    const first = ranking.entries[0];
    if (!first) throw new Error('fixture has no entries');
    first.creator.uid = BIG_UID;
    first.liveGmv = '958762.84';
    first.liveUsdGmv = '958762.84';
    for (const live of first.topLives) live.creatorUid = BIG_UID;

    const { snapshotId } = await loadRanking(db.pool, ranking);

    const [top] = await entriesOf(snapshotId);
    expect(top).toMatchObject({
      creator_uid: BIG_UID,
      live_gmv: '958762.84',
      live_usd_gmv: '958762.84',
    });
    const { rows } = await db.pool.query<{ uid: string; as_text: string }>(
      'select uid, uid::text as as_text from fastmoss.creators where uid = $1',
      [BIG_UID],
    );
    expect(rows).toEqual([{ uid: BIG_UID, as_text: BIG_UID }]);
  });

  it('loads a 500-entry ranking with its top lives, ranks 1..500', async () => {
    const key = keyFor('2026-03-02');
    const ranking = makeRanking({ size: 500, livesPerEntry: 3, key });

    const loaded = await loadRanking(db.pool, ranking);

    expect(loaded).toMatchObject({ entries: 500, topLives: 1500 });
    const snapshots = await snapshotsOf(key);
    expect(snapshots).toEqual([{ id: loaded.snapshotId, entry_count: 500, total: 1234 }]);
    const entries = await entriesOf(loaded.snapshotId);
    expect(entries.map((entry) => entry.rank)).toEqual(
      Array.from({ length: 500 }, (_, i) => i + 1),
    );
    expect(await topLiveCount(loaded.snapshotId)).toBe(1500);
  });

  it('replaces a reloaded ranking in place: one snapshot, same id, only the new content', async () => {
    const key = keyFor('2026-03-03');
    const before = await loadRanking(db.pool, makeRanking({ size: 300, seed: 1, key }));

    const after = await loadRanking(
      db.pool,
      makeRanking({ size: 120, livesPerEntry: 1, seed: 2, key }),
    );

    expect(after.snapshotId).toBe(before.snapshotId);
    expect(await snapshotsOf(key)).toEqual([
      { id: before.snapshotId, entry_count: 120, total: 1234 },
    ]);
    const entries = await entriesOf(after.snapshotId);
    expect(entries).toHaveLength(120);
    expect(entries.every((entry) => entry.live_gmv.endsWith('.02'))).toBe(true);
    expect(await topLiveCount(after.snapshotId)).toBe(120);
  });

  it('keeps one snapshot per key when the categories are "all" (NULL) or set', async () => {
    const allKey = keyFor('2026-03-04');
    const filteredKey = keyFor('2026-03-04', { productCategoryId: 14, creatorCategoryId: 4 });
    const first = await loadRanking(db.pool, makeRanking({ size: 3, key: allKey }));
    const second = await loadRanking(db.pool, makeRanking({ size: 3, key: allKey, seed: 3 }));
    const filtered = await loadRanking(db.pool, makeRanking({ size: 3, key: filteredKey }));
    const filteredAgain = await loadRanking(db.pool, makeRanking({ size: 2, key: filteredKey }));

    expect(second.snapshotId).toBe(first.snapshotId);
    expect(filteredAgain.snapshotId).toBe(filtered.snapshotId);
    expect(filtered.snapshotId).not.toBe(first.snapshotId);
    expect(await snapshotsOf(allKey)).toHaveLength(1);
    expect(await snapshotsOf(filteredKey)).toHaveLength(1);
  });

  it('leaves the previous version intact when a load fails midway', async () => {
    const key = keyFor('2026-03-05');
    const previous = await loadRanking(db.pool, makeRanking({ size: 50, seed: 1, key }));
    const broken = makeRanking({ size: 80, seed: 4, key });
    const last = broken.entries.at(-1)?.topLives[0];
    if (!last) throw new Error('fixture has no top lives');
    // Violates ranking_top_lives_position_check, in the last statement of the transaction.
    last.position = 0;

    await expect(loadRanking(db.pool, broken)).rejects.toBeInstanceOf(RankingLoadError);

    expect(await snapshotsOf(key)).toEqual([
      { id: previous.snapshotId, entry_count: 50, total: 1234 },
    ]);
    const entries = await entriesOf(previous.snapshotId);
    expect(entries).toHaveLength(50);
    expect(entries.every((entry) => entry.live_gmv.endsWith('.01'))).toBe(true);
    expect(await topLiveCount(previous.snapshotId)).toBe(150);
  });

  it('rolls back and passes on the error when the in-transaction hook throws', async () => {
    const key = keyFor('2026-03-06');
    class LeaseLost extends Error {}

    const load = loadRanking(db.pool, makeRanking({ size: 5, key }), {
      withinTransaction: async () => {
        throw new LeaseLost('lease lost');
      },
    });

    await expect(load).rejects.toBeInstanceOf(LeaseLost);
    expect(await snapshotsOf(key)).toEqual([]);
  });

  it('commits what the in-transaction hook writes together with the ranking', async () => {
    const key = keyFor('2026-03-07');
    const { rows } = await db.pool.query<{ id: string }>(
      "insert into fastmoss.etl_runs (trigger) values ('manual') returning id",
    );
    const runId = rows[0]?.id ?? '';

    await loadRanking(db.pool, makeRanking({ size: 5, key }), {
      runId,
      withinTransaction: async (tx) => {
        await tx.query('update fastmoss.etl_runs set succeeded = 1 where id = $1', [runId]);
      },
    });

    const run = await db.pool.query('select succeeded from fastmoss.etl_runs where id = $1', [
      runId,
    ]);
    expect(run.rows).toEqual([{ succeeded: 1 }]);
    const snapshot = await db.pool.query(
      'select run_id from fastmoss.ranking_snapshots where period_value = $1',
      [key.periodValue],
    );
    expect(snapshot.rows).toEqual([{ run_id: runId }]);
  });

  it('strips NUL from text and keeps emoji, CJK and 20,000-character strings as they are', async () => {
    const key = keyFor('2026-03-08');
    const ranking = makeRanking({ size: 1, key });
    const entry = ranking.entries[0];
    const live = entry?.topLives[0];
    if (!entry || !live) throw new Error('fixture has no entries');
    const long = 'ä'.repeat(20_000);
    entry.creator.nickname = 'Glow\u0000 ✨💄 美妆小店';
    entry.creator.uniqueId = '\u0000handle\u0000';
    entry.creator.categoryName = 'Beauty\u0000';
    live.title = long;

    await loadRanking(db.pool, ranking);

    const creator = await db.pool.query(
      `select c.nickname, c.unique_id, cc.name as category
         from fastmoss.creators c join fastmoss.creator_categories cc on cc.id = c.creator_category_id
        where c.uid = $1`,
      [entry.creator.uid],
    );
    expect(creator.rows).toEqual([
      { nickname: 'Glow ✨💄 美妆小店', unique_id: 'handle', category: 'Beauty' },
    ]);
    const stream = await db.pool.query(
      'select title from fastmoss.live_streams where room_id = $1',
      [live.roomId],
    );
    expect(stream.rows).toEqual([{ title: long }]);
  });

  it('takes the last of duplicate creators in one ranking and keeps first_seen_at on reload', async () => {
    const key = keyFor('2026-03-09');
    const ranking: FetchedRanking = makeRanking({
      size: 3,
      key,
      fetchedAt: new Date('2026-04-02T01:00:00Z'),
    });
    const [first, , third] = ranking.entries;
    if (!first || !third) throw new Error('fixture too small');
    third.creator = { ...first.creator, nickname: 'Renamed', avatarUrl: null };

    await loadRanking(db.pool, ranking);
    await loadRanking(db.pool, { ...ranking, fetchedAt: new Date('2026-04-03T01:00:00Z') });

    const { rows } = await db.pool.query(
      `select nickname, avatar_url, first_seen_at, last_seen_at from fastmoss.creators
        where uid = $1`,
      [first.creator.uid],
    );
    expect(rows).toEqual([
      {
        nickname: 'Renamed',
        avatar_url: first.creator.avatarUrl,
        first_seen_at: new Date('2026-04-02T01:00:00Z'),
        last_seen_at: new Date('2026-04-03T01:00:00Z'),
      },
    ]);
  });

  it('records the product category of the key without erasing a known name', async () => {
    await db.pool.query("insert into fastmoss.product_categories (id, name) values (21, 'Toys')");
    const key = keyFor('2026-03-10', { productCategoryId: 21 });

    await loadRanking(db.pool, makeRanking({ size: 2, key }));
    await loadRanking(db.pool, makeRanking({ size: 2, key: { ...key, productCategoryId: 22 } }));

    const { rows } = await db.pool.query(
      'select id, name from fastmoss.product_categories where id in (21, 22) order by id',
    );
    expect(rows).toEqual([
      { id: 21, name: 'Toys' },
      { id: 22, name: null },
    ]);
  });

  it('refuses a ranking whose ranks are not 1..n, writing nothing', async () => {
    const key = keyFor('2026-03-11');
    const ranking = makeRanking({ size: 3, key });
    const second = ranking.entries[1];
    if (!second) throw new Error('fixture too small');
    second.rank = 5;

    await expect(loadRanking(db.pool, ranking)).rejects.toMatchObject({ code: 'ETL_LOAD' });
    expect(await snapshotsOf(key)).toEqual([]);
  });
});
