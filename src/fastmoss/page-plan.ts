import { MAX_PAGE_SIZE, MAX_RANKING_ROWS } from '../domain/ranking.ts';

/*
 * Which requests fetch a ranking, as pure arithmetic. Page `p` at `pagesize` s holds ranks
 * (p - 1) * s + 1 .. p * s, and the endpoint refuses `page * pagesize > 500`: at a size that does
 * not divide 500 (30, or a plan's cap of 7) the last ranks cannot be reached at that size, so
 * the last request uses a smaller size whose page ends on or after the last rank wanted.
 */

/** One request of a ranking: which page, at which page size. */
export interface PageRequest {
  page: number;
  pagesize: number;
}

/** Rows of a ranking the API serves: `total`, but never more than 500. */
export function rowsServed(total: number): number {
  return Math.max(0, Math.min(total, MAX_RANKING_ROWS));
}

/** The first rank a request's page holds. */
export function firstRankOf(request: PageRequest): number {
  return (request.page - 1) * request.pagesize + 1;
}

/**
 * The requests after page 1 (asked at `pagesize`, holding ranks 1..pagesize) that fetch ranks up
 * to `rowsWanted`: pages 2, 3, ... at `pagesize`, then, where `page * pagesize <= 500` stops
 * them short, one request at a smaller size that ends the ranking (it may repeat a few ranks).
 * With page 1, `ceil(rowsWanted / pagesize)` requests; at a few sizes (18, 36, 39, ...) one more,
 * where no single smaller page both holds the next rank and ends the ranking.
 */
export function pagesAfterFirst(rowsWanted: number, pagesize: number): PageRequest[] {
  const requests: PageRequest[] = [];
  let covered = Math.min(pagesize, rowsWanted);
  for (let page = 2; covered < rowsWanted && page * pagesize <= MAX_RANKING_ROWS; page += 1) {
    requests.push({ page, pagesize });
    covered = Math.min(page * pagesize, rowsWanted);
  }
  while (covered < rowsWanted) {
    const tail = tailRequest(covered, rowsWanted, pagesize);
    requests.push(tail);
    covered = Math.min(tail.page * tail.pagesize, rowsWanted);
  }
  return requests;
}

/**
 * The request at a size up to `maxSize` whose page holds rank `covered + 1` and reaches furthest
 * towards `rowsWanted` within the 500 rule; the larger size on a tie. Size 1 always qualifies.
 */
function tailRequest(covered: number, rowsWanted: number, maxSize: number): PageRequest {
  let best: PageRequest = { page: covered + 1, pagesize: 1 };
  let bestReach = covered + 1;
  for (let pagesize = maxSize; pagesize > 1; pagesize -= 1) {
    const page = Math.floor(covered / pagesize) + 1;
    if (page * pagesize > MAX_RANKING_ROWS) continue;
    const reach = Math.min(page * pagesize, rowsWanted);
    if (reach > bestReach) {
      best = { page, pagesize };
      bestReach = reach;
    }
  }
  return best;
}

/** Requests a ranking of `total` rows costs at `pagesize` (at least one: page 1 says the total). */
export function pagesNeeded(total: number, pagesize: number = MAX_PAGE_SIZE): number {
  return 1 + pagesAfterFirst(rowsServed(total), pagesize).length;
}
