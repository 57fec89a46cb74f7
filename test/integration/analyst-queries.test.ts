import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRanking } from '../../src/db/load.ts';
import type {
  OrderField,
  PeriodType,
  RankingEntry,
  RankingKey,
  Region,
} from '../../src/domain/ranking.ts';
import { readAnalystQueries } from '../support/analyst-queries.ts';
import { useTestDatabase } from '../support/database.ts';
import { makeRanking } from '../support/rankings.ts';
import {
  FIXTURE_PERIODS,
  FIXTURE_REGIONS,
  loadSimulatedWarehouse,
  UNLOADED_JOBS,
  type WarehouseFixture,
} from '../support/warehouse-fixture.ts';

const db = await useTestDatabase();
const queries = new Map((await readAnalystQueries()).map((query) => [query.name, query]));
let fixture: WarehouseFixture;

beforeAll(async () => {
  fixture = await loadSimulatedWarehouse(db.pool);
});

type Row = Record<string, unknown>;

function sqlOf(name: string): string {
  const query = queries.get(name);
  if (!query) throw new Error(`docs/queries.sql has no query named ${name}`);
  return query.sql;
}

async function run(name: string, client: pg.Pool | pg.PoolClient = db.pool): Promise<Row[]> {
  return (await client.query<Row>(sqlOf(name))).rows;
}

/** Runs `work` in a transaction that is rolled back, so edits made to test a query vanish. */
async function inRolledBackTransaction<T>(work: (client: pg.PoolClient) => Promise<T>) {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    return await work(client);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

function overall(
  region: Region,
  periodType: PeriodType,
  periodValue: string,
  orderField: OrderField = 'gmv',
): RankingEntry[] {
  const found = fixture.rankings.find(
    ({ key }) =>
      key.region === region &&
      key.productCategoryId === null &&
      key.creatorCategoryId === null &&
      key.periodType === periodType &&
      key.periodValue === periodValue &&
      key.orderField === orderField,
  );
  if (!found) throw new Error(`fixture lacks ${region} ${periodType} ${periodValue}`);
  return found.entries;
}

const LATEST_WEEK = '2026-13';
const PREVIOUS_WEEK = '2026-12';
const MONTH = '2026-03';
const num = (value: unknown) => Number(value);
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

function expectDescending(values: number[]): void {
  values.forEach((value, index) => {
    if (index > 0) expect(value).toBeLessThanOrEqual(values[index - 1] ?? Number.POSITIVE_INFINITY);
  });
}

describe('docs/queries.sql', () => {
  it('holds the analysts questions, each named and introduced by a one-line question', async () => {
    expect([...queries.keys()]).toEqual([
      'top_creators_by_gmv_this_week',
      'risers_and_fallers',
      'creator_rank_trajectory',
      'category_share_of_gmv_by_region',
      'creators_new_to_top_100',
      'top_10_concentration',
      'creators_ranked_in_several_regions',
      'best_live_streams_of_month',
      'follower_growth_vs_gmv',
      'data_completeness',
      'rankings_loaded_latest_periods',
      'recent_etl_runs',
    ]);
    for (const query of queries.values()) expect(query.question).toMatch(/\?/);
  });

  it('top_creators_by_gmv_this_week: the latest week top 10 per region, GMV descending', async () => {
    const rows = await run('top_creators_by_gmv_this_week');
    for (const region of FIXTURE_REGIONS) {
      const mine = rows.filter((row) => row.region === region);
      const expected = overall(region, 'week', LATEST_WEEK).slice(0, 10);
      expect(
        mine.map((row) => [row.week, row.rank, row.creator_uid_text, num(row.live_gmv)]),
      ).toEqual(expected.map((e) => [LATEST_WEEK, e.rank, e.creator.uid, num(e.liveGmv)]));
      expectDescending(mine.map((row) => num(row.live_gmv)));
    }
    expect(rows.length).toBeGreaterThan(0);
  });

  it('risers_and_fallers: the five biggest climbs and drops per region between the two latest weeks', async () => {
    const rows = await run('risers_and_fallers');
    const expected: unknown[] = [];
    for (const region of FIXTURE_REGIONS) {
      const before = new Map(
        overall(region, 'week', PREVIOUS_WEEK).map((e) => [e.creator.uid, e.rank]),
      );
      const moves = overall(region, 'week', LATEST_WEEK).flatMap((e) => {
        const previous = before.get(e.creator.uid);
        return previous === undefined
          ? []
          : [{ uid: e.creator.uid, rank: e.rank, gained: previous - e.rank }];
      });
      const risers = moves
        .filter((m) => m.gained > 0)
        .sort((a, b) => b.gained - a.gained || a.rank - b.rank)
        .slice(0, 5);
      const fallers = moves
        .filter((m) => m.gained < 0)
        .sort((a, b) => a.gained - b.gained || a.rank - b.rank)
        .slice(0, 5);
      for (const m of risers) expected.push([region, 'riser', m.uid, m.rank, m.gained]);
      for (const m of fallers) expected.push([region, 'faller', m.uid, m.rank, m.gained]);
    }
    const actual = rows.map((row) => [
      row.region,
      row.direction,
      row.creator_uid_text,
      row.current_rank,
      num(row.places_gained),
    ]);
    expect(actual.sort()).toEqual(expected.sort());
    expect(actual.length).toBeGreaterThan(0);
    expect(
      rows.every(
        (row) => row.previous_period === PREVIOUS_WEEK && row.current_period === LATEST_WEEK,
      ),
    ).toBe(true);
  });

  it('creator_rank_trajectory: the default creator ranks day by day, with the overall GMV rank of each day', async () => {
    const rows = await run('creator_rank_trajectory');
    // Default: the no. 1 of the latest week by GMV, the first region alphabetically (GB).
    const uid = overall('GB', 'week', LATEST_WEEK)[0]?.creator.uid;
    expect(rows.every((row) => row.creator_uid_text === uid && row.region === 'GB')).toBe(true);
    const days = FIXTURE_PERIODS.find((p) => p.type === 'day')?.values ?? [];
    const expected = days.flatMap((day) => {
      const listings = fixture.rankings.filter(
        (r) => r.key.region === 'GB' && r.key.periodType === 'day' && r.key.periodValue === day,
      );
      const ranks = listings.flatMap((r) =>
        r.entries.filter((e) => e.creator.uid === uid).map((e) => e.rank),
      );
      if (ranks.length === 0) return [];
      const gmvRank = overall('GB', 'day', day).find((e) => e.creator.uid === uid)?.rank ?? null;
      return [[day, gmvRank, Math.min(...ranks)]];
    });
    expect(rows.map((row) => [row.period_value, row.gmv_rank, row.best_rank])).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  it('category_share_of_gmv_by_region: each category GMV of the month, shares summing to 1 per region', async () => {
    const rows = await run('category_share_of_gmv_by_region');
    for (const region of FIXTURE_REGIONS) {
      const mine = rows.filter((row) => row.region === region);
      expect(sum(mine.map((row) => num(row.gmv_share)))).toBeCloseTo(1, 12);
      const byCategory = new Map<number | null, number>();
      for (const e of overall(region, 'month', MONTH)) {
        const id = e.creator.categoryId;
        byCategory.set(id, (byCategory.get(id) ?? 0) + num(e.liveUsdGmv));
      }
      expect(mine.length).toBe(byCategory.size);
      for (const row of mine) {
        expect(num(row.usd_gmv)).toBeCloseTo(
          byCategory.get(row.creator_category_id as number) ?? -1,
          2,
        );
        expect(row.creator_category_name).not.toBe('Unknown');
      }
      expectDescending(mine.map((row) => num(row.gmv_share)));
    }
  });

  it('creators_new_to_top_100: latest week top 100 minus those in an earlier week top 100', async () => {
    const rows = await run('creators_new_to_top_100');
    const expected = [...FIXTURE_REGIONS].sort().flatMap((region) => {
      const earlier = new Set(
        overall(region, 'week', PREVIOUS_WEEK)
          .filter((e) => e.rank <= 100)
          .map((e) => e.creator.uid),
      );
      return overall(region, 'week', LATEST_WEEK)
        .filter((e) => e.rank <= 100 && !earlier.has(e.creator.uid))
        .map((e) => [region, e.rank, e.creator.uid]);
    });
    expect(rows.map((row) => [row.region, row.rank, row.creator_uid_text])).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  it('creators_new_to_top_100: a top-100 week long before the recent weeks still makes a creator not new; a lower rank then does not', async () => {
    const before = await run('creators_new_to_top_100');
    const newcomers = before.filter((row) => row.region === 'US');
    expect(newcomers.length).toBeGreaterThanOrEqual(2);
    const [seenLongAgo, rankedLowLongAgo] = newcomers;
    // Week 2026-02 (from 2026-01-05): ten weeks before the latest, loaded by the writer (which
    // keeps ranking_creator_firsts): the first creator at rank 100, the second at 101.
    const ranking = makeRanking({
      size: 101,
      livesPerEntry: 0,
      seed: 42,
      key: {
        region: 'US',
        productCategoryId: null,
        creatorCategoryId: null,
        periodType: 'week',
        periodValue: '2026-02',
        orderField: 'gmv',
      },
      fetchedAt: new Date('2026-01-12T06:00:00Z'),
    });
    const [atHundred, atHundredOne] = ranking.entries.slice(99);
    if (!atHundred || !atHundredOne || !seenLongAgo || !rankedLowLongAgo)
      throw new Error('fixture too small');
    for (const entry of ranking.entries) {
      // No category: the fixture's category names stay as they are.
      entry.creator.categoryId = null;
      entry.creator.categoryName = null;
    }
    atHundred.creator.uid = String(seenLongAgo.creator_uid_text);
    atHundredOne.creator.uid = String(rankedLowLongAgo.creator_uid_text);
    const { snapshotId } = await loadRanking(db.pool, ranking);
    let after: Row[];
    try {
      after = await run('creators_new_to_top_100');
    } finally {
      // Deleting the snapshot deletes its rows and moves the firsts back (its trigger).
      await db.pool.query('DELETE FROM fastmoss.ranking_snapshots WHERE id = $1', [snapshotId]);
    }
    expect(await run('creators_new_to_top_100')).toEqual(before);
    const key = (row: Row) => [row.region, row.creator_uid_text];
    expect(after.map(key)).toEqual(
      before.filter((row) => row.creator_uid_text !== seenLongAgo?.creator_uid_text).map(key),
    );
    expect(after.map(key)).toContainEqual(['US', rankedLowLongAgo?.creator_uid_text]);
  });

  it('top_10_concentration: the top 10 share of the listed GMV of the latest week, per region', async () => {
    const rows = await run('top_10_concentration');
    expect(rows.map((row) => row.region).sort()).toEqual([...FIXTURE_REGIONS].sort());
    for (const row of rows) {
      const entries = overall(row.region as Region, 'week', LATEST_WEEK);
      const all = sum(entries.map((e) => num(e.liveUsdGmv)));
      const top = sum(entries.filter((e) => e.rank <= 10).map((e) => num(e.liveUsdGmv)));
      expect(num(row.creators_listed)).toBe(entries.length);
      expect(num(row.top_usd_gmv)).toBeCloseTo(top, 2);
      expect(num(row.top_share)).toBeCloseTo(top / all, 10);
      expect(num(row.top_share)).toBeGreaterThan(0);
      expect(num(row.top_share)).toBeLessThanOrEqual(1);
    }
  });

  it('creators_ranked_in_several_regions: the cross-border creators of the month, with their regions and best rank', async () => {
    const rows = await run('creators_ranked_in_several_regions');
    const seen = new Map<string, { regions: Set<string>; best: number }>();
    for (const ranking of fixture.rankings) {
      if (ranking.key.periodType !== 'month' || ranking.key.periodValue !== MONTH) continue;
      for (const e of ranking.entries) {
        const creator = seen.get(e.creator.uid) ?? { regions: new Set(), best: e.rank };
        creator.regions.add(ranking.key.region);
        creator.best = Math.min(creator.best, e.rank);
        seen.set(e.creator.uid, creator);
      }
    }
    const expected = [...seen.entries()]
      .filter(([, creator]) => creator.regions.size > 1)
      .map(([uid, creator]) => [
        uid,
        MONTH,
        String(creator.regions.size),
        [...creator.regions].sort().join(', '),
        creator.best,
      ])
      .sort();
    const actual = rows.map((row) => [
      row.creator_uid_text,
      row.month,
      row.regions,
      row.region_list,
      row.best_rank,
    ]);
    expect([...actual].sort()).toEqual(expected);
    // The simulator's US and GB share a few creators.
    expect(expected.length).toBeGreaterThan(0);
    expect(actual.map((row) => row[4])).toEqual(
      [...actual]
        .sort((a, b) => Number(a[4]) - Number(b[4]) || (String(a[0]) < String(b[0]) ? -1 : 1))
        .map((row) => row[4]),
    );
  });

  it('best_live_streams_of_month: the ten top-GMV lives of the month per region, GMV descending', async () => {
    const rows = await run('best_live_streams_of_month');
    for (const region of FIXTURE_REGIONS) {
      const lives = overall(region, 'month', MONTH)
        .flatMap((e) => e.topLives.map((live) => ({ room: live.roomId, gmv: num(live.gmv) })))
        .sort((a, b) => b.gmv - a.gmv || (BigInt(a.room) < BigInt(b.room) ? -1 : 1))
        .slice(0, 10);
      const mine = rows.filter((row) => row.region === region);
      expect(mine.map((row) => [row.room_id_text, num(row.gmv)])).toEqual(
        lives.map((l) => [l.room, l.gmv]),
      );
      expect(mine.map((row) => num(row.live_rank))).toEqual(lives.map((_, i) => i + 1));
      expect(lives.length).toBeGreaterThan(0);
    }
  });

  it('follower_growth_vs_gmv: follower change between the two latest weeks beside GMV, for creators in both GMV lists', async () => {
    const rows = await run('follower_growth_vs_gmv');
    const expected = [...FIXTURE_REGIONS].sort().flatMap((region) => {
      const before = new Map(
        overall(region, 'week', PREVIOUS_WEEK).map((e) => [e.creator.uid, e.creator.followerCount]),
      );
      return overall(region, 'week', LATEST_WEEK).flatMap((now) => {
        const then = before.get(now.creator.uid);
        const followers = now.creator.followerCount;
        if (then === undefined || then === null || followers === null) return [];
        return [[region, now.creator.uid, then, followers, followers - then, num(now.liveUsdGmv)]];
      });
    });
    const actual = rows.map((row) => [
      row.region,
      row.creator_uid_text,
      num(row.followers_before),
      num(row.followers_now),
      num(row.follower_growth),
      num(row.live_usd_gmv),
    ]);
    expect(actual.sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect([row.previous_period, row.current_period]).toEqual([PREVIOUS_WEEK, LATEST_WEEK]);
      const correlation = row.region_growth_gmv_correlation;
      if (correlation !== null) expect(Math.abs(num(correlation))).toBeLessThanOrEqual(1);
    }
  });

  it('data_completeness: loaded, failed and still-pending rankings per period type and region, as the ledger says', async () => {
    const rows = await run('data_completeness');
    const expected = (['day', 'week', 'month'] as const).flatMap((periodType) =>
      [...FIXTURE_REGIONS].sort().map((region) => {
        const unloaded = UNLOADED_JOBS.filter(
          (j) => j.key.region === region && j.key.periodType === periodType,
        );
        return {
          period_type: periodType,
          region,
          loaded: String(
            fixture.rankings.filter(
              (r) => r.key.region === region && r.key.periodType === periodType,
            ).length,
          ),
          failed: String(unloaded.filter((j) => j.status === 'failed').length),
          missing: String(unloaded.filter((j) => j.status === 'pending').length),
          periods_without_data: '0',
        };
      }),
    );
    expect(rows.map(({ first_period, last_period, last_fetched_at, ...counts }) => counts)).toEqual(
      expected,
    );
    expect(rows.find((row) => row.period_type === 'day')).toMatchObject({
      first_period: '2026-03-22',
      last_period: '2026-03-29',
    });
  });

  it('data_completeness: a day with no ranking loaded for a region counts as a period without data', async () => {
    const rows = await inRolledBackTransaction(async (client) => {
      await client.query(
        `DELETE FROM fastmoss.ranking_snapshots
          WHERE region = 'US' AND period_type = 'day' AND period_value = '2026-03-25'`,
      );
      return run('data_completeness', client);
    });
    const gaps = rows.map((row) => [row.period_type, row.region, row.periods_without_data]);
    expect(gaps).toContainEqual(['day', 'US', '1']);
    expect(gaps).toContainEqual(['day', 'GB', '0']);
  });

  it('rankings_loaded_latest_periods: per region, the latest day, week and month loaded, empty and flagged rankings counted', async () => {
    const rows = await run('rankings_loaded_latest_periods');
    const latest = { day: '2026-03-29', week: LATEST_WEEK, month: MONTH };
    const previous: Record<string, string | undefined> = { day: '2026-03-28', week: PREVIOUS_WEEK };
    const sameKey = (a: RankingKey, b: RankingKey) =>
      a.region === b.region &&
      a.productCategoryId === b.productCategoryId &&
      a.creatorCategoryId === b.creatorCategoryId &&
      a.orderField === b.orderField &&
      a.periodType === b.periodType;
    const expected = (['day', 'week', 'month'] as const).flatMap((periodType) =>
      [...FIXTURE_REGIONS].sort().map((region) => {
        const mine = fixture.rankings.filter(
          (r) =>
            r.key.region === region &&
            r.key.periodType === periodType &&
            r.key.periodValue === latest[periodType],
        );
        const dropped = mine.filter((r) => {
          const before = fixture.rankings.find(
            (p) => sameKey(p.key, r.key) && p.key.periodValue === previous[periodType],
          );
          return before !== undefined && r.entries.length * 2 < before.entries.length;
        });
        return {
          period_type: periodType,
          period_value: latest[periodType],
          region,
          rankings_loaded: String(mine.length),
          empty: String(mine.filter((r) => r.entries.length === 0).length),
          truncated: String(mine.filter((r) => r.total > 500).length),
          short: String(mine.filter((r) => r.entries.length < Math.min(r.total, 500)).length),
          dropped: String(dropped.length),
          creators_listed: String(sum(mine.map((r) => r.entries.length))),
        };
      }),
    );
    expect(rows.map(({ last_fetched_at, ...counts }) => counts)).toEqual(expected);
  });

  it('recent_etl_runs: the run that wrote the ledger, with its counts', async () => {
    const rows = await run('recent_etl_runs');
    expect(rows).toEqual([
      expect.objectContaining({
        id: fixture.runId,
        trigger: 'backfill',
        status: 'failed',
        planned: fixture.rankings.length + UNLOADED_JOBS.length,
        succeeded: fixture.rankings.length,
        failed: 2,
      }),
    ]);
  });
});

describe('analyst views', () => {
  it('v_rankings: one row per loaded entry, the uid exact as text', async () => {
    const { rows } = await db.pool.query<{ n: string; exact: string }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE creator_uid_text = creator_uid::text) AS exact
         FROM fastmoss.v_rankings`,
    );
    const entries = sum(fixture.rankings.map((r) => r.entries.length));
    expect(rows[0]).toEqual({ n: String(entries), exact: String(entries) });
  });

  it('v_top_lives: one row per listed top live, with the creator of its entry', async () => {
    const { rows } = await db.pool.query<Row>(
      `SELECT region, period_value, order_field, entry_rank, position, room_id_text,
              creator_uid_text, gmv, rank
         FROM fastmoss.v_top_lives
        WHERE product_category_id IS NULL
        ORDER BY region, period_value, order_field, entry_rank, position`,
    );
    const expected = fixture.rankings
      .filter((r) => r.key.productCategoryId === null)
      .flatMap((r) =>
        r.entries.flatMap((e) =>
          e.topLives.map((live) => ({
            region: r.key.region,
            period_value: r.key.periodValue,
            order_field: r.key.orderField,
            entry_rank: e.rank,
            position: live.position,
            room_id_text: live.roomId,
            creator_uid_text: e.creator.uid,
            gmv: num(live.gmv),
            rank: e.rank,
          })),
        ),
      );
    const key = (row: Row) =>
      [row.region, row.period_value, row.order_field, row.entry_rank, row.position].join('|');
    expect(
      rows.map((row) => ({ ...row, gmv: num(row.gmv) })).sort((a, b) => (key(a) < key(b) ? -1 : 1)),
    ).toEqual(expected.sort((a, b) => (key(a) < key(b) ? -1 : 1)));
  });

  it('v_creator_history: best rank over every ranking; figures from the overall GMV list, else the units list', async () => {
    const { rows } = await db.pool.query<Row>(
      `SELECT creator_uid_text, best_rank, gmv_rank, units_rank, rankings_count, figures_from,
              live_gmv, live_units_sold
         FROM fastmoss.v_creator_history
        WHERE region = 'US' AND period_type = 'week' AND period_value = $1`,
      [LATEST_WEEK],
    );
    const week = fixture.rankings.filter(
      (r) =>
        r.key.region === 'US' && r.key.periodType === 'week' && r.key.periodValue === LATEST_WEEK,
    );
    const byUid = new Map<string, Row>();
    for (const ranking of week) {
      const isOverall = ranking.key.productCategoryId === null;
      for (const e of ranking.entries) {
        const row = byUid.get(e.creator.uid) ?? {
          creator_uid_text: e.creator.uid,
          best_rank: e.rank,
          gmv_rank: null,
          units_rank: null,
          rankings_count: 0,
          figures_from: null,
          live_gmv: null,
          live_units_sold: null,
        };
        row.best_rank = Math.min(num(row.best_rank), e.rank);
        row.rankings_count = num(row.rankings_count) + 1;
        const fromGmv = isOverall && ranking.key.orderField === 'gmv';
        if (fromGmv) row.gmv_rank = e.rank;
        if (isOverall && ranking.key.orderField === 'units_sold') row.units_rank = e.rank;
        if (fromGmv || (isOverall && row.figures_from === null)) {
          row.figures_from = ranking.key.orderField;
          row.live_gmv = num(e.liveGmv);
          row.live_units_sold = e.liveUnitsSold;
        }
        byUid.set(e.creator.uid, row);
      }
    }
    const actual: Row[] = rows.map((row) => ({
      ...row,
      rankings_count: num(row.rankings_count),
      live_gmv: row.live_gmv === null ? null : num(row.live_gmv),
      live_units_sold: row.live_units_sold === null ? null : num(row.live_units_sold),
    }));
    const order = (a: Row, b: Row) =>
      String(a.creator_uid_text) < String(b.creator_uid_text) ? -1 : 1;
    expect(actual.sort(order)).toEqual([...byUid.values()].sort(order));
    expect(actual.some((row) => row.figures_from === 'units_sold')).toBe(true);
    expect(actual.some((row) => row.figures_from === null)).toBe(true);
  });

  it('v_coverage: one row per loaded ranking with its size and flags, an empty ranking included', async () => {
    const { rows } = await db.pool.query<Row>(
      `SELECT region, product_category_id, period_type, period_value, order_field,
              snapshot_total, entry_count, is_empty, flag_truncated, flag_short
         FROM fastmoss.v_coverage`,
    );
    const label = (row: Row) =>
      [
        row.region,
        row.product_category_id,
        row.period_type,
        row.period_value,
        row.order_field,
      ].join('|');
    const expected = fixture.rankings.map((r) => ({
      region: r.key.region,
      product_category_id: r.key.productCategoryId,
      period_type: r.key.periodType,
      period_value: r.key.periodValue,
      order_field: r.key.orderField,
      snapshot_total: r.total,
      entry_count: r.entries.length,
      is_empty: r.entries.length === 0,
      flag_truncated: r.total > 500,
      flag_short: r.entries.length < Math.min(r.total, 500),
    }));
    const byLabel = (a: Row, b: Row) => (label(a) < label(b) ? -1 : 1);
    expect([...rows].sort(byLabel)).toEqual(expected.sort(byLabel));

    const empty = await inRolledBackTransaction(async (client) => {
      await client.query(
        `INSERT INTO fastmoss.ranking_snapshots (region, period_type, period_value, period_start,
                                                 period_end, order_field, total, entry_count,
                                                 fetched_at)
         VALUES ('US', 'day', '2026-03-30', '2026-03-30', '2026-03-30', 'gmv', 0, 0, now())`,
      );
      return client.query<Row>(
        `SELECT snapshot_total, entry_count, is_empty, snapshot_flags FROM fastmoss.v_coverage
          WHERE region = 'US' AND period_value = '2026-03-30'`,
      );
    });
    expect(empty.rows).toEqual([
      { snapshot_total: 0, entry_count: 0, is_empty: true, snapshot_flags: [] },
    ]);
  });
});
