import { describe, expect, it } from 'vitest';
import { loadRanking, loadRankings } from '../../src/db/load.ts';
import type { FetchedRanking, PeriodType } from '../../src/domain/ranking.ts';
import { useTestDatabase } from '../support/database.ts';
import { makeRanking, US_DAY_KEY } from '../support/rankings.ts';
import { staleAttributes, warehouseChecksum } from '../support/warehouse-checksum.ts';

const db = await useTestDatabase();

/**
 * A 3-creator ranking of `period` fetched at `fetchedAt`, whose creators show `followers` (+ rank)
 * and `label` in their nickname and live titles; the same creators and rooms in every period.
 */
function rankingOf(
  periodType: PeriodType,
  periodValue: string,
  fetchedAt: string,
  followers: number,
  label: string,
): FetchedRanking {
  const ranking = makeRanking({
    size: 3,
    livesPerEntry: 1,
    key: { ...US_DAY_KEY, periodType, periodValue },
    fetchedAt: new Date(fetchedAt),
  });
  for (const entry of ranking.entries) {
    entry.creator.followerCount = followers + entry.rank;
    entry.creator.nickname = `${label} ${entry.rank}`;
    entry.creator.categoryName = `${label} category`;
    for (const live of entry.topLives) live.title = `${label} live ${entry.rank}`;
  }
  return ranking;
}

async function truncate(): Promise<void> {
  await db.pool.query(`TRUNCATE fastmoss.ranking_top_lives, fastmoss.ranking_entries,
    fastmoss.ranking_snapshots, fastmoss.creators, fastmoss.live_streams,
    fastmoss.creator_categories, fastmoss.product_categories CASCADE`);
}

async function creators() {
  const { rows } = await db.pool.query<{
    nickname: string;
    follower_count: number;
    attributes_as_of: string;
    attributes_fetched_at: Date;
    first_seen_at: Date;
    last_seen_at: Date;
  }>(
    `SELECT nickname, follower_count::int, attributes_as_of::text, attributes_fetched_at,
            first_seen_at, last_seen_at
       FROM fastmoss.creators ORDER BY uid`,
  );
  return rows;
}

async function categories() {
  const { rows } = await db.pool.query<{ id: number; name: string; attributes_as_of: string }>(
    `SELECT id, name, attributes_as_of::text FROM fastmoss.creator_categories ORDER BY id`,
  );
  return rows;
}

async function liveStreams() {
  const { rows } = await db.pool.query<{ title: string; attributes_as_of: string }>(
    `SELECT title, attributes_as_of::text FROM fastmoss.live_streams ORDER BY room_id`,
  );
  return rows;
}

/** The row versions of the creators and live streams: unchanged when a load wrote none of them. */
async function rowVersions(): Promise<string[]> {
  const { rows } = await db.pool.query<{ v: string }>(
    `SELECT xmin::text AS v FROM fastmoss.creators
     UNION ALL SELECT xmin::text FROM fastmoss.live_streams`,
  );
  return rows.map((row) => row.v);
}

describe('creators, live streams and categories keep the attributes of their latest period', () => {
  it('backfilling an older period after a newer one rolls nothing back; last_seen_at still moves', async () => {
    await truncate();
    await loadRanking(db.pool, rankingOf('day', '2026-03-20', '2026-04-02T01:00:00Z', 200, 'New'));

    await loadRanking(db.pool, rankingOf('day', '2026-03-10', '2026-04-05T01:00:00Z', 100, 'Old'));

    expect((await creators()).map((c) => [c.nickname, c.follower_count])).toEqual([
      ['New 1', 201],
      ['New 2', 202],
      ['New 3', 203],
    ]);
    expect(await creators()).toEqual(
      Array.from({ length: 3 }, () =>
        expect.objectContaining({
          attributes_as_of: '2026-03-20',
          attributes_fetched_at: new Date('2026-04-02T01:00:00Z'),
          first_seen_at: new Date('2026-04-02T01:00:00Z'),
          last_seen_at: new Date('2026-04-05T01:00:00Z'),
        }),
      ),
    );
    expect(await liveStreams()).toEqual([
      { title: 'New live 1', attributes_as_of: '2026-03-20' },
      { title: 'New live 2', attributes_as_of: '2026-03-20' },
      { title: 'New live 3', attributes_as_of: '2026-03-20' },
    ]);
    expect(await staleAttributes(db.pool)).toEqual({ creators: [], liveStreams: [] });
  });

  it('an older period fetched within the hour writes no creator or live stream row', async () => {
    await truncate();
    await loadRanking(db.pool, rankingOf('day', '2026-03-20', '2026-04-02T01:00:00Z', 200, 'New'));
    const before = await rowVersions();

    await loadRanking(db.pool, rankingOf('day', '2026-03-10', '2026-04-02T01:20:00Z', 100, 'Old'));

    expect(await rowVersions()).toEqual(before);
  });

  it('a batch with two periods keeps the newer one, though the older was fetched later', async () => {
    for (const order of ['older first', 'newer first']) {
      await truncate();
      const newer = rankingOf('day', '2026-03-20', '2026-04-02T01:00:00Z', 200, 'New');
      const older = rankingOf('day', '2026-03-10', '2026-04-05T01:00:00Z', 100, 'Old');
      const batch = order === 'older first' ? [older, newer] : [newer, older];

      await loadRankings(
        db.pool,
        batch.map((ranking) => ({ ranking })),
      );

      expect(await creators(), order).toEqual([
        expect.objectContaining({ nickname: 'New 1', follower_count: 201 }),
        expect.objectContaining({ nickname: 'New 2', follower_count: 202 }),
        expect.objectContaining({ nickname: 'New 3', follower_count: 203 }),
      ]);
      expect(
        (await creators()).map((c) => [c.attributes_as_of, c.first_seen_at, c.last_seen_at]),
      ).toEqual(
        Array.from({ length: 3 }, () => [
          '2026-03-20',
          new Date('2026-04-02T01:00:00Z'),
          new Date('2026-04-05T01:00:00Z'),
        ]),
      );
      expect((await liveStreams()).map((l) => l.title)).toEqual([
        'New live 1',
        'New live 2',
        'New live 3',
      ]);
    }
  });

  it('a --force reload of the newest period refreshes the attributes', async () => {
    await truncate();
    await loadRanking(db.pool, rankingOf('day', '2026-03-20', '2026-04-02T01:00:00Z', 200, 'New'));
    await loadRanking(db.pool, rankingOf('day', '2026-03-10', '2026-04-03T01:00:00Z', 100, 'Old'));

    await loadRanking(
      db.pool,
      rankingOf('day', '2026-03-20', '2026-04-04T01:00:00Z', 300, 'Refreshed'),
    );

    expect(await creators()).toEqual([
      expect.objectContaining({
        nickname: 'Refreshed 1',
        follower_count: 301,
        attributes_as_of: '2026-03-20',
        attributes_fetched_at: new Date('2026-04-04T01:00:00Z'),
      }),
      expect.objectContaining({ nickname: 'Refreshed 2', follower_count: 302 }),
      expect.objectContaining({ nickname: 'Refreshed 3', follower_count: 303 }),
    ]);
    expect((await liveStreams()).map((l) => l.title)).toEqual([
      'Refreshed live 1',
      'Refreshed live 2',
      'Refreshed live 3',
    ]);
  });

  it('of a day and its month, both ending 2026-03-31, the later fetch wins; a week ending before loses', async () => {
    await truncate();
    await loadRanking(db.pool, rankingOf('month', '2026-03', '2026-04-02T03:00:00Z', 300, 'Month'));
    await loadRanking(db.pool, rankingOf('day', '2026-03-31', '2026-04-02T01:00:00Z', 100, 'Day'));
    await loadRanking(db.pool, rankingOf('week', '2026-13', '2026-04-02T05:00:00Z', 200, 'Week'));

    expect(
      (await creators()).map((c) => [c.nickname, c.follower_count, c.attributes_as_of]),
    ).toEqual([
      ['Month 1', 301, '2026-03-31'],
      ['Month 2', 302, '2026-03-31'],
      ['Month 3', 303, '2026-03-31'],
    ]);
    expect(await staleAttributes(db.pool)).toEqual({ creators: [], liveStreams: [] });
  });

  it('the same rankings loaded in any order or batching (a rebuild, a replay) give the same tables', async () => {
    const rankings = [
      rankingOf('day', '2026-03-30', '2026-04-01T01:00:00Z', 100, 'Day 30'),
      rankingOf('week', '2026-13', '2026-04-01T03:00:00Z', 200, 'Week 13'),
      rankingOf('day', '2026-03-31', '2026-04-01T05:00:00Z', 300, 'Day 31'),
      rankingOf('month', '2026-03', '2026-04-01T07:00:00Z', 400, 'Month 3'),
      rankingOf('day', '2026-03-29', '2026-04-01T09:00:00Z', 500, 'Day 29'),
    ];
    const orders: Record<string, FetchedRanking[][]> = {
      'one at a time, as fetched': rankings.map((ranking) => [ranking]),
      'one at a time, newest fetch first': [...rankings].reverse().map((ranking) => [ranking]),
      'one batch': [rankings],
      'batches of two, shuffled': [
        [rankings[4], rankings[1]],
        [rankings[3], rankings[0]],
        [rankings[2]],
      ].map((batch) => batch.filter((ranking) => ranking !== undefined)),
    };
    const results: Record<string, unknown> = {};
    for (const [order, batches] of Object.entries(orders)) {
      await truncate();
      for (const batch of batches) {
        await loadRankings(
          db.pool,
          batch.map((ranking) => ({ ranking })),
        );
      }
      results[order] = {
        creators: await creators(),
        categories: await categories(),
        liveStreams: await liveStreams(),
        checksum: await warehouseChecksum(db.pool),
      };
    }

    const [first, ...others] = Object.values(results);
    for (const other of others) expect(other).toEqual(first);
    expect(await creators()).toEqual([
      {
        nickname: 'Month 3 1',
        follower_count: 401,
        attributes_as_of: '2026-03-31',
        attributes_fetched_at: new Date('2026-04-01T07:00:00Z'),
        first_seen_at: new Date('2026-04-01T01:00:00Z'),
        last_seen_at: new Date('2026-04-01T09:00:00Z'),
      },
      expect.objectContaining({ nickname: 'Month 3 2', follower_count: 402 }),
      expect.objectContaining({ nickname: 'Month 3 3', follower_count: 403 }),
    ]);
    expect(await categories()).toEqual([
      { id: 4, name: 'Month 3 category', attributes_as_of: '2026-03-31' },
    ]);
  });

  it("a category's name is the latest period's: an older period loaded after keeps it, a newer one changes it", async () => {
    await truncate();
    await loadRanking(db.pool, rankingOf('day', '2026-03-20', '2026-04-02T01:00:00Z', 200, 'New'));
    await loadRanking(db.pool, rankingOf('day', '2026-03-10', '2026-04-05T01:00:00Z', 100, 'Old'));
    expect(await categories()).toEqual([
      { id: 4, name: 'New category', attributes_as_of: '2026-03-20' },
    ]);
    await loadRanking(
      db.pool,
      rankingOf('day', '2026-03-25', '2026-04-06T01:00:00Z', 300, 'Newer'),
    );
    expect(await categories()).toEqual([
      { id: 4, name: 'Newer category', attributes_as_of: '2026-03-25' },
    ]);
  });
});
