import { describe, expect, it } from 'vitest';
import {
  firstRankOf,
  pagesAfterFirst,
  pagesNeeded,
  rowsServed,
} from '../../src/fastmoss/page-plan.ts';

describe('pagesAfterFirst', () => {
  it('asks a capped ranking for pages 2.. at the cap: 437 rows at 10 take 44 requests', () => {
    const requests = pagesAfterFirst(437, 10);
    expect(requests).toHaveLength(43);
    expect(requests[0]).toEqual({ page: 2, pagesize: 10 });
    expect(requests.at(-1)).toEqual({ page: 44, pagesize: 10 });
    expect(pagesNeeded(437, 10)).toBe(44);
  });

  it('ends a size that does not divide 500 with one smaller page inside the 500 rule', () => {
    const requests = pagesAfterFirst(500, 30);
    expect(requests.slice(0, -1).every((request) => request.pagesize === 30)).toBe(true);
    expect(requests.at(-2)).toEqual({ page: 16, pagesize: 30 });
    // Ranks 476..500: the five before 481 are asked again, and must agree.
    expect(requests.at(-1)).toEqual({ page: 20, pagesize: 25 });
    expect(pagesNeeded(500, 30)).toBe(17);
  });

  it('covers ranks 1..min(total, 500) contiguously within the 500 rule at every size', () => {
    for (let pagesize = 1; pagesize <= 100; pagesize += 1) {
      for (const total of [1, 9, 10, 11, 99, 100, 101, 437, 490, 499, 500, 501, 5000]) {
        const wanted = rowsServed(total);
        let covered = Math.min(pagesize, wanted);
        const requests = pagesAfterFirst(wanted, pagesize);
        for (const request of requests) {
          expect(request.page * request.pagesize).toBeLessThanOrEqual(500);
          expect(request.pagesize).toBeLessThanOrEqual(pagesize);
          expect(firstRankOf(request)).toBeLessThanOrEqual(covered + 1);
          covered = Math.max(covered, Math.min(request.page * request.pagesize, wanted));
        }
        expect(covered).toBe(wanted);
        const ideal = Math.max(1, Math.ceil(wanted / pagesize));
        // A few sizes (18, 36, 39, ...) need a second short page at the very end.
        expect(requests.length + 1 - ideal).toBeLessThanOrEqual(1);
      }
    }
  });

  it('needs page 1 alone for an empty or one-page ranking', () => {
    expect(pagesAfterFirst(0, 100)).toEqual([]);
    expect(pagesAfterFirst(100, 100)).toEqual([]);
    expect(pagesAfterFirst(10, 10)).toEqual([]);
  });
});
