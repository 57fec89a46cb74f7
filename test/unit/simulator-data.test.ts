import { describe, expect, it } from 'vitest';
import { type RankingKey, REGIONS } from '../../src/domain/ranking.ts';
import { periodBounds } from '../../src/plan/periods.ts';
import { REGION_MONEY } from '../../src/simulator/catalog.ts';
import { creatorPool, rankingRows, rankingTotal, type SimRow } from '../../src/simulator/data.ts';
import { keyWithTotal, rankingKey } from '../support/simulator.ts';

const TWO_POW_53 = 2n ** 53n;

function days(count: number, first = '2026-01-01'): string[] {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) =>
    new Date(start + i * 86_400_000).toISOString().slice(0, 10),
  );
}

/** Every day of a week or month. */
function daysOf(key: RankingKey): string[] {
  const bounds = periodBounds(key.periodType, key.periodValue);
  if (!bounds) throw new Error(`bad period ${key.periodValue}`);
  const count = (Date.parse(bounds.end) - Date.parse(bounds.start)) / 86_400_000 + 1;
  return days(count, bounds.start);
}

/** Every row the API serves for a key: min(total, 500). */
function served(key: RankingKey): SimRow[] {
  return rankingRows(key, 1, Math.min(rankingTotal(key), 500));
}

describe('simulated rankings', () => {
  it('are the same for the same key, whatever was asked before', () => {
    const key = rankingKey({ region: 'DE', periodType: 'week', periodValue: '2026-13' });
    const first = rankingRows(key, 101, 200);
    expect(first).toHaveLength(100);
    for (const day of daysOf(key)) served(rankingKey({ region: 'DE', periodValue: day }));
    served(rankingKey({ region: 'DE', periodType: 'month', periodValue: '2026-03' }));
    expect(rankingTotal(key)).toBe(rankingTotal({ ...key }));
    expect(rankingRows({ ...key }, 101, 200)).toEqual(first);
  });

  it('have totals from 0 to beyond 500: none, under 100, whole hundreds, over 500', () => {
    const totals = days(200).map((day) => rankingTotal(rankingKey({ periodValue: day })));
    expect(totals.some((t) => t === 0)).toBe(true);
    expect(totals.some((t) => t > 0 && t < 100)).toBe(true);
    expect(totals.some((t) => t > 0 && t % 100 === 0)).toBe(true);
    expect(totals.some((t) => t > 500)).toBe(true);
    expect(Math.max(...totals)).toBeLessThanOrEqual(1200);
  });

  it('do not depend on the order field for the total', () => {
    for (const day of days(20)) {
      const key = rankingKey({ periodValue: day });
      expect(rankingTotal({ ...key, orderField: 'gmv' })).toBe(rankingTotal(key));
    }
  });

  it('are sorted descending by the order field', () => {
    const full = keyWithTotal((total) => total > 500, { region: 'ID' });
    const byUnits = rankingRows(full, 1, 500);
    const byGmv = rankingRows({ ...full, orderField: 'gmv' }, 1, 500);
    expect([byUnits.length, byGmv.length]).toEqual([500, 500]);
    for (let i = 1; i < 500; i += 1) {
      expect(byUnits[i]?.unitsSold).toBeLessThanOrEqual(byUnits[i - 1]?.unitsSold ?? 0);
      expect(byGmv[i]?.gmvCents).toBeLessThanOrEqual(byGmv[i - 1]?.gmvCents ?? 0);
    }
  });

  it('rank each creator once, with stable 19-digit uids above 2^53', () => {
    const rows = rankingRows(
      rankingKey({ region: 'BR', periodType: 'month', periodValue: '2026-02' }),
      1,
      500,
    );
    const uids = rows.map((row) => row.creator.uid);
    expect(new Set(uids).size).toBe(500);
    for (const uid of uids) {
      expect(uid).toMatch(/^\d{19}$/);
      expect(BigInt(uid) > TWO_POW_53).toBe(true);
    }
  });

  it('give every creator a distinct uid; a cross-border creator is the same person in both regions', () => {
    const people = new Map<string, string>();
    let crossBorder = 0;
    for (const region of REGIONS) {
      const pool = creatorPool(region);
      expect(new Set(pool.map((creator) => creator.uid)).size).toBe(pool.length);
      for (const creator of pool) {
        const person = JSON.stringify({ ...creator, index: undefined });
        const seen = people.get(creator.uid);
        if (seen === undefined) people.set(creator.uid, person);
        else expect(seen).toBe(person);
        if (creator.region !== region) crossBorder += 1;
      }
    }
    const slots = REGIONS.length * creatorPool('US').length;
    // A few: about 2% of each region's creators come from its partner region.
    expect(crossBorder).toBeGreaterThan(slots * 0.01);
    expect(crossBorder).toBeLessThan(slots * 0.04);
    expect(people.size).toBe(slots - crossBorder);
  });

  it('bring the same creators back across days and weeks', () => {
    const top = (periodType: 'day' | 'week', periodValue: string) =>
      new Set(
        rankingRows(rankingKey({ periodType, periodValue }), 1, 100).map((row) => row.creator.uid),
      );
    const monday = top('day', '2026-03-30');
    const tuesday = top('day', '2026-03-31');
    const week = top('week', '2026-14');
    expect([...monday].filter((uid) => tuesday.has(uid)).length).toBeGreaterThan(10);
    expect([...monday].filter((uid) => week.has(uid)).length).toBeGreaterThan(10);
  });

  it('narrow to a category: smaller, stable totals, only that category s creators', () => {
    for (const day of days(30)) {
      const all = rankingTotal(rankingKey({ periodValue: day }));
      const beauty = rankingKey({ periodValue: day, creatorCategoryId: 4 });
      const product = rankingKey({ periodValue: day, productCategoryId: 14 });
      expect(rankingTotal(beauty)).toBeLessThanOrEqual(all);
      expect(rankingTotal(product)).toBeLessThanOrEqual(all);
      expect(rankingTotal(product)).toBe(rankingTotal({ ...product }));
      const served = Math.min(rankingTotal(beauty), 500);
      const rows = rankingRows(beauty, 1, served);
      expect(rows.every((row) => row.creator.categoryId === 4)).toBe(true);
      expect(new Set(rows.map((row) => row.creator.uid)).size).toBe(served);
    }
    expect(rankingTotal(rankingKey({ creatorCategoryId: 999 }))).toBe(0);
  });

  it("price in the region's currency, with a USD conversion and top lives that fit the totals", () => {
    for (const region of REGIONS) {
      const rows = rankingRows(rankingKey({ region, orderField: 'gmv' }), 1, 50);
      const { usdPerUnit } = REGION_MONEY[region];
      for (const row of rows) {
        expect(row.usdGmvCents).toBe(Math.round(row.gmvCents * usdPerUnit));
        expect(row.topLives.length).toBeLessThanOrEqual(row.liveCount);
        const liveUnits = row.topLives.reduce((sum, live) => sum + live.unitsSold, 0);
        expect(liveUnits).toBeLessThanOrEqual(row.unitsSold);
        for (const live of row.topLives) expect(live.roomId).toMatch(/^\d{19}$/);
      }
    }
    const lifeCounts = rankingRows(
      rankingKey({ periodType: 'month', periodValue: '2026-03' }),
      1,
      200,
    ).map((row) => row.topLives.length);
    expect(Math.min(...lifeCounts)).toBe(0);
    expect(Math.max(...lifeCounts)).toBeGreaterThanOrEqual(3);
  });

  it("add up: a week's and a month's figures are the sums of their days, for the same creators", () => {
    for (const period of [
      { periodType: 'week', periodValue: '2026-13' },
      { periodType: 'month', periodValue: '2026-03' },
    ] as const) {
      const key = rankingKey({ ...period, orderField: 'gmv' });
      const dayRows = daysOf(key).map((day) =>
        served(rankingKey({ periodValue: day, orderField: 'gmv' })),
      );
      const top = rankingRows(key, 1, 20);
      expect(top).toHaveLength(20);
      for (const row of top) {
        const daily = dayRows.flatMap((rows) =>
          rows.filter((r) => r.creator.uid === row.creator.uid),
        );
        expect(daily.length).toBeGreaterThan(0);
        const sum = (pick: (r: SimRow) => number) => daily.reduce((total, r) => total + pick(r), 0);
        expect(row.gmvCents).toBe(sum((r) => r.gmvCents));
        expect(row.unitsSold).toBe(sum((r) => r.unitsSold));
        expect(row.liveCount).toBe(sum((r) => r.liveCount));
        // Its top lives are the best of its days' lives.
        const dayRooms = new Set(daily.flatMap((r) => r.topLives.map((live) => live.roomId)));
        const shownEveryLive = daily.every((r) => r.topLives.length === r.liveCount);
        if (shownEveryLive)
          for (const live of row.topLives) expect(dayRooms).toContain(live.roomId);
      }
      // Everyone listed on a day is listed in the period: its total covers each day's.
      const dayTotals = daysOf(key).map((day) => rankingTotal(rankingKey({ periodValue: day })));
      expect(rankingTotal(key)).toBeGreaterThanOrEqual(Math.max(...dayTotals));
    }
  });

  it('list every region in every month, at least everyone its weeks list', () => {
    for (const region of REGIONS) {
      const month = rankingTotal(
        rankingKey({ region, periodType: 'month', periodValue: '2026-03' }),
      );
      // ISO weeks 10 to 13 of 2026 lie inside March.
      for (const week of ['2026-10', '2026-11', '2026-12', '2026-13']) {
        const weekly = rankingTotal(rankingKey({ region, periodType: 'week', periodValue: week }));
        expect(weekly).toBeGreaterThan(0);
        expect(month).toBeGreaterThanOrEqual(weekly);
      }
      expect(month).toBeGreaterThan(500);
    }
  });

  it('grow followers over time, most creators gaining; a ranking shows them as of its last day', () => {
    const before = new Map(
      served(rankingKey({ periodType: 'week', periodValue: '2026-09', orderField: 'gmv' })).map(
        (row) => [row.creator.uid, row.creator.followerCount],
      ),
    );
    const later = served(
      rankingKey({ periodType: 'week', periodValue: '2026-13', orderField: 'gmv' }),
    );
    const both = later.filter((row) => before.has(row.creator.uid));
    expect(both.length).toBeGreaterThan(100);
    const gained = both.filter(
      (row) => row.creator.followerCount > (before.get(row.creator.uid) ?? 0),
    );
    const lost = both.filter(
      (row) => row.creator.followerCount < (before.get(row.creator.uid) ?? 0),
    );
    expect(gained.length).toBeGreaterThan(both.length * 0.6);
    expect(lost.length).toBeGreaterThan(0);
    // Week 2026-13 ends on Sunday 2026-03-29: that day's ranking shows the same counts.
    const sunday = new Map(
      served(rankingKey({ periodValue: '2026-03-29', orderField: 'gmv' })).map((row) => [
        row.creator.uid,
        row.creator.followerCount,
      ]),
    );
    const onSunday = later.filter((row) => sunday.has(row.creator.uid));
    expect(onSunday.length).toBeGreaterThan(10);
    for (const row of onSunday) expect(row.creator.followerCount).toBe(sunday.get(row.creator.uid));
  });

  it('rank a few creators in two regions, under their home region', () => {
    const month = (region: 'US' | 'GB') =>
      served(
        rankingKey({ region, periodType: 'month', periodValue: '2026-03', orderField: 'gmv' }),
      );
    const us = month('US');
    const gb = new Map(month('GB').map((row) => [row.creator.uid, row]));
    const inBoth = us.filter((row) => gb.has(row.creator.uid));
    expect(inBoth.length).toBeGreaterThan(0);
    expect(inBoth.length).toBeLessThan(us.length * 0.05);
    for (const row of inBoth) {
      const there = gb.get(row.creator.uid);
      expect(there?.creator).toEqual(row.creator);
      expect(['US', 'GB']).toContain(row.creator.region);
      // Sales are the market's: a creator sells differently in each.
      expect(there?.gmvCents).not.toBe(row.gmvCents);
    }
  });
});
