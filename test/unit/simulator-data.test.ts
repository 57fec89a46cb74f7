import { describe, expect, it } from 'vitest';
import { REGIONS } from '../../src/domain/ranking.ts';
import { REGION_MONEY } from '../../src/simulator/catalog.ts';
import { creatorPool, rankingRows, rankingTotal } from '../../src/simulator/data.ts';
import { rankingKey } from '../support/simulator.ts';

const TWO_POW_53 = 2n ** 53n;

function days(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
  );
}

describe('simulated rankings', () => {
  it('are the same for the same key', () => {
    const key = rankingKey({ region: 'DE', periodType: 'week', periodValue: '2026-13' });
    expect(rankingTotal(key)).toBe(rankingTotal({ ...key }));
    expect(rankingRows(key, 101, 200)).toEqual(rankingRows({ ...key }, 101, 200));
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
    const byUnits = rankingRows(rankingKey({ region: 'ID' }), 1, 500);
    const byGmv = rankingRows(rankingKey({ region: 'ID', orderField: 'gmv' }), 1, 500);
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

  it('give every creator of every region a distinct uid', () => {
    const uids = REGIONS.flatMap((region) => creatorPool(region).map((creator) => creator.uid));
    expect(new Set(uids).size).toBe(uids.length);
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
});
