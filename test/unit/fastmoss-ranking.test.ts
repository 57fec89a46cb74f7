import { describe, expect, it } from 'vitest';
import { InvalidResponseError } from '../../src/fastmoss/errors.ts';
import { pagesNeeded } from '../../src/fastmoss/page-plan.ts';
import {
  type CheckedPage,
  checkRankingPages,
  rowsExpectedOnPage,
} from '../../src/fastmoss/ranking.ts';
import type { WireEntry } from '../../src/fastmoss/wire.ts';
import { rankingKey } from '../support/simulator.ts';

function entry(uid: number, units: number, gmv: string): WireEntry {
  return {
    wireRank: null,
    creator: {
      uid: String(7_000_000_000_000_000_000n + BigInt(uid)),
      uniqueId: `c${uid}`,
      nickname: `c${uid}`,
      avatarUrl: null,
      region: 'US',
      categoryId: null,
      categoryName: null,
      followerCount: null,
    },
    saleProductCount: 1,
    liveUnitsSold: units,
    liveGmv: gmv,
    liveUsdGmv: gmv,
    currency: 'USD',
    liveCount: 1,
    topLives: [],
  };
}

/** Pages of a consistent ranking of `total` rows, units and gmv both descending. */
function pages(total: number): CheckedPage[] {
  const served = Math.min(total, 500);
  return Array.from({ length: pagesNeeded(total) }, (_, index) => {
    const page = index + 1;
    const count = rowsExpectedOnPage(total, page);
    const entries = Array.from({ length: count }, (_, row) => {
      const rank = index * 100 + row + 1;
      return entry(rank, 10_000 - rank, `${(served - rank + 1) * 10}.5`);
    });
    return {
      page,
      pagesize: 100,
      total,
      entries,
      dateType: 'day',
      dateValue: '2026-04-01',
    };
  });
}

function problem(key: ReturnType<typeof rankingKey>, fetched: CheckedPage[]): string {
  try {
    checkRankingPages(key, fetched);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidResponseError);
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected the pages to be refused');
}

describe('pagesNeeded', () => {
  it('asks for exactly the pages the total needs, at least one, at most five', () => {
    expect([0, 1, 99, 100, 101, 250, 500, 501, 1200].map((total) => pagesNeeded(total))).toEqual([
      1, 1, 1, 1, 2, 3, 5, 5, 5,
    ]);
  });
});

/** The same ranking as `pages(total)`, as a plan capping page sizes at `cap` serves it. */
function cappedPages(total: number, cap: number): CheckedPage[] {
  const rows = pages(total).flatMap((page) => page.entries);
  return Array.from({ length: Math.ceil(Math.min(total, 500) / cap) }, (_, index) => ({
    page: index + 1,
    // Page 1 was asked at 100 and served `cap` rows; the rest were asked at the cap.
    pagesize: index === 0 ? 100 : cap,
    total,
    entries: rows.slice(index * cap, (index + 1) * cap),
    dateType: 'day',
    dateValue: '2026-04-01',
  }));
}

describe('checkRankingPages', () => {
  const key = rankingKey();

  it('joins pages of a capped plan: page 1 asked at 100 but served 10, the rest asked at 10', () => {
    const entries = checkRankingPages(key, cappedPages(437, 10));
    expect(entries.map((e) => e.rank)).toEqual(Array.from({ length: 437 }, (_, i) => i + 1));
    expect(entries.map((e) => e.creator.uid)).toEqual(
      pages(437).flatMap((page) => page.entries.map((row) => row.creator.uid)),
    );
  });

  it('accepts a list that ended after page 1, told by an empty page 2 at the size page 1 held', () => {
    const [first] = pages(437);
    if (!first) throw new Error('no page 1');
    first.entries.splice(37);
    const probe = { ...first, page: 2, pagesize: 37, entries: [] };
    expect(checkRankingPages(key, [first, probe])).toHaveLength(37);
  });

  it('accepts overlapping last pages that agree, refuses ones that disagree', () => {
    const rows = pages(500).flatMap((page) => page.entries);
    const at = (page: number, pagesize: number): CheckedPage => ({
      page,
      pagesize,
      total: 500,
      entries: rows.slice((page - 1) * pagesize, page * pagesize),
      dateType: 'day',
      dateValue: '2026-04-01',
    });
    const fetched = [...Array.from({ length: 16 }, (_, index) => at(index + 1, 30)), at(20, 25)];
    expect(checkRankingPages(key, fetched).map((e) => e.rank)).toEqual(
      Array.from({ length: 500 }, (_, i) => i + 1),
    );
    const tail = fetched.at(-1);
    const [repeated] = tail?.entries ?? [];
    if (tail && repeated)
      tail.entries[0] = { ...repeated, creator: { ...repeated.creator, uid: '42' } };
    expect(problem(key, fetched)).toContain(
      `page 20: data.list[0].creator.uid 42 is at rank 476, where an earlier page has ${repeated?.creator.uid}`,
    );
  });

  it('refuses a capped ranking missing a page', () => {
    const fetched = cappedPages(437, 10).filter((page) => page.page !== 7);
    expect(problem(key, fetched)).toContain('page 7: this page was never received');
  });

  it('joins consistent pages into ranks 1..n', () => {
    const entries = checkRankingPages(key, pages(1200));
    expect(entries).toHaveLength(500);
    expect(entries.map((e) => e.rank)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(checkRankingPages(key, pages(0))).toEqual([]);
    expect(checkRankingPages(rankingKey({ orderField: 'gmv' }), pages(250))).toHaveLength(250);
  });

  it('refuses a total that changes between pages', () => {
    const fetched = pages(300);
    const third = fetched[2];
    if (third) third.total = 301;
    expect(problem(key, fetched)).toContain('page 3: data.total is 301 but page 1 said 300');
  });

  it('accepts a list that ends early: a short page followed only by empty pages', () => {
    const endsOnPage2 = pages(450);
    endsOnPage2[1]?.entries.splice(40);
    for (const later of endsOnPage2.slice(2)) later.entries = [];
    const entries = checkRankingPages(key, endsOnPage2);
    expect(entries).toHaveLength(140);
    expect(entries.at(-1)?.rank).toBe(140);
  });

  it('refuses rows after a page that ended the list early', () => {
    const gap = pages(250);
    gap[1]?.entries.pop();
    expect(problem(key, gap)).toContain(
      'page 3: data.list has 50 rows after page 2 ended the list early (total 250)',
    );
  });

  it('refuses a page longer than the page size', () => {
    const long = pages(50);
    long[0]?.entries.push(entry(999, 1, '0.5'));
    expect(problem(key, long)).toContain('page 1: data.list has 51 rows, expected 50');
  });

  it('refuses a creator ranked twice', () => {
    const fetched = pages(200);
    const [first] = fetched[0]?.entries ?? [];
    const second = fetched[1];
    if (first && second) second.entries[5] = { ...entry(1, 1, '0.1'), liveUnitsSold: 0 };
    expect(problem(key, fetched)).toContain(
      `data.list[5].creator.uid ${first?.creator.uid} already ranked at 1`,
    );
  });

  it('refuses rows out of order for the order field, across page boundaries too', () => {
    const fetched = pages(200);
    const boundary = fetched[1]?.entries[0];
    if (boundary) boundary.liveUnitsSold = 1_000_000;
    expect(problem(key, fetched)).toContain(
      'page 2: data.list[0] (rank 101) has a higher units_sold',
    );

    const byGmv = pages(200);
    const row = byGmv[0]?.entries[7];
    if (row) row.liveGmv = '999999999.01';
    expect(problem(rankingKey({ orderField: 'gmv' }), byGmv)).toContain(
      '(rank 8) has a higher gmv',
    );
  });

  it('refuses a page for another period than asked', () => {
    const fetched = pages(10);
    const first = fetched[0];
    if (first) first.dateValue = '2026-03-31';
    expect(problem(key, fetched)).toContain('data.date_value is 2026-03-31, asked for 2026-04-01');
  });

  it('checks a rank field when the API sends one', () => {
    const fetched = pages(10);
    const row = fetched[0]?.entries[2];
    if (row) row.wireRank = 4;
    expect(problem(key, fetched)).toContain('data.list[2].rank is 4, expected 3');
  });
});
