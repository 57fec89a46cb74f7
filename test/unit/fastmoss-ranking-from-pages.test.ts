import { describe, expect, it } from 'vitest';
import type { RawPage } from '../../src/domain/ranking.ts';
import { InvalidResponseError } from '../../src/fastmoss/errors.ts';
import { rankingFromPages } from '../../src/fastmoss/ranking.ts';
import { rankingRows } from '../../src/simulator/data.ts';
import { envelopeText, rankingPageText } from '../../src/simulator/render.ts';
import { keyWithTotal } from '../support/simulator.ts';

const TOTAL = 250;
/** A day the simulator lists at least TOTAL creators for, so it has the rows to serve. */
const KEY = keyWithTotal((total) => total >= TOTAL);
const STAMP = { timestamp: 1777297264, requestId: 'eeb9aec8-5bd6-2019-da8d-ba53c6946833' };

function rawPage(page: number, body: string): RawPage {
  return {
    page,
    pagesize: 100,
    body,
    requestId: STAMP.requestId,
    status: 200,
    attempts: 2,
    receivedAt: new Date(Date.UTC(2026, 3, 2, 0, 0, page)),
  };
}

function pagesOf(total: number): RawPage[] {
  return [1, 2, 3].map((page) => {
    const from = (page - 1) * 100 + 1;
    const to = Math.min(page * 100, total);
    return rawPage(page, rankingPageText(KEY, total, rankingRows(KEY, from, to), STAMP));
  });
}

function refusal(pages: RawPage[]): InvalidResponseError {
  try {
    rankingFromPages(KEY, pages);
  } catch (error) {
    if (error instanceof InvalidResponseError) return error;
    throw error;
  }
  throw new Error('expected the pages to be refused');
}

describe('rankingFromPages', () => {
  it('rebuilds a ranking from stored bodies: exact ids, the calls they cost, the last arrival', () => {
    const pages = pagesOf(TOTAL);
    const ranking = rankingFromPages(KEY, [...pages].reverse());
    expect(ranking.total).toBe(TOTAL);
    expect(ranking.entries.map((entry) => entry.rank)).toEqual(
      Array.from({ length: TOTAL }, (_, index) => index + 1),
    );
    expect(ranking.entries[0]?.creator.uid).toBe(rankingRows(KEY, 1, 1)[0]?.creator.uid);
    expect(ranking.apiCalls).toBe(6);
    expect(ranking.fetchedAt).toEqual(new Date(Date.UTC(2026, 3, 2, 0, 0, 3)));
    expect(ranking.pages?.map((page) => page.page)).toEqual([1, 2, 3]);
  });

  it('refuses an archive missing a page the total needs, keeping the pages it has', () => {
    const pages = pagesOf(TOTAL).filter((page) => page.page !== 2);
    const error = refusal(pages);
    expect(error.message).toContain('page 2: this page was never received');
    expect(error.rawPages.map((page) => page.page)).toEqual([1, 3]);
  });

  it('names the field, page and value of a bad row, as the client does', () => {
    const pages = pagesOf(TOTAL);
    const second = pages[1];
    if (second)
      second.body = second.body.replace(/"live_units_sold":\d+/, '"live_units_sold":"lots"');
    const error = refusal(pages);
    expect({ field: error.field, page: error.page, value: error.value }).toEqual({
      field: 'data.list[0].live_units_sold',
      page: 2,
      value: '"lots"',
    });
    expect(error.rawPages).toHaveLength(3);
  });

  it('refuses a stored body that is an error envelope rather than a page', () => {
    const pages = pagesOf(TOTAL);
    pages[0] = rawPage(1, envelopeText(0, null, '', STAMP));
    expect(refusal(pages).message).toContain('code 0 but no data object');
  });
});
