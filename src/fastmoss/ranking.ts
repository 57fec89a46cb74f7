import {
  type FetchedRanking,
  MAX_PAGE_SIZE,
  MAX_RANKING_ROWS,
  type RankingEntry,
  type RankingKey,
  type RawPage,
  rankingKeyLabel,
} from '../domain/ranking.ts';
import { classifyResponse, readRankingPage } from './classify.ts';
import type { FastmossClient, FetchedPage } from './client.ts';
import { FastmossError, InvalidResponseError } from './errors.ts';
import { compareDecimalText } from './lossless-parse.ts';
import type { WireEntry } from './wire.ts';

/** Pages a ranking of `total` rows needs: the API serves at most 500 rows, 100 a page. */
export function pagesNeeded(total: number): number {
  return Math.max(1, Math.ceil(Math.min(total, MAX_RANKING_ROWS) / MAX_PAGE_SIZE));
}

/** Rows page `page` must hold for a ranking of `total` rows. */
export function rowsExpectedOnPage(total: number, page: number): number {
  const served = Math.min(total, MAX_RANKING_ROWS);
  return Math.max(0, Math.min(MAX_PAGE_SIZE, served - (page - 1) * MAX_PAGE_SIZE));
}

/** What the ranking checks read of a page: its number, total, rows and echoed period. */
export type CheckedPage = Pick<
  FetchedPage,
  'page' | 'total' | 'entries' | 'dateType' | 'dateValue'
>;

/**
 * Every page of one ranking, checked as a whole: page 1 first (its `total` says how many more),
 * the rest concurrently through the client's limiter. Throws the first failure by page order,
 * its `apiCalls` set to every call the ranking cost; an InvalidResponseError names what
 * disagreed (total, row count, duplicate creator, order, echoed period) and carries every page
 * received, for the quarantine.
 */
export async function fetchRanking(
  client: FastmossClient,
  key: RankingKey,
): Promise<FetchedRanking> {
  let apiCalls = 0;
  const received: RawPage[] = [];
  const fail = (error: unknown): never => {
    if (error instanceof FastmossError) error.apiCalls = apiCalls;
    if (error instanceof InvalidResponseError) {
      error.rawPages = [...received, ...error.rawPages].sort((a, b) => a.page - b.page);
    }
    throw error;
  };

  let first: FetchedPage;
  try {
    first = await client.fetchPage(key, 1, MAX_PAGE_SIZE);
    apiCalls += first.attempts;
    received.push(first.raw);
  } catch (error) {
    apiCalls += error instanceof FastmossError ? error.apiCalls : 0;
    return fail(error);
  }

  const rest = Array.from({ length: pagesNeeded(first.total) - 1 }, (_, index) => index + 2);
  const settled = await Promise.allSettled(
    rest.map((page) => client.fetchPage(key, page, MAX_PAGE_SIZE)),
  );
  const pages: FetchedPage[] = [first];
  let firstFailure: unknown;
  for (const outcome of settled) {
    if (outcome.status === 'fulfilled') {
      apiCalls += outcome.value.attempts;
      pages.push(outcome.value);
      received.push(outcome.value.raw);
    } else {
      apiCalls += outcome.reason instanceof FastmossError ? outcome.reason.apiCalls : 0;
      firstFailure ??= outcome.reason;
    }
  }
  if (firstFailure !== undefined) return fail(firstFailure);

  try {
    return assembleRanking(key, pages);
  } catch (error) {
    return fail(error);
  }
}

/**
 * A ranking from its pages as archived (or quarantined), with no API call: each body goes
 * through the same envelope and page checks as a fresh response, then the same ranking checks.
 * Throws what fetchRanking would have thrown for those pages, with `rawPages` set.
 */
export function rankingFromPages(key: RankingKey, rawPages: RawPage[]): FetchedRanking {
  const label = rankingKeyLabel(key);
  const sorted = [...rawPages].sort((a, b) => a.page - b.page);
  try {
    const pages = sorted.map((raw): FetchedPage => {
      const where = `${label} page ${raw.page}`;
      const verdict = classifyResponse(
        {
          status: raw.status,
          contentType: 'application/json',
          retryAfterMs: undefined,
          bodyText: raw.body,
        },
        { where, page: raw.page, redact: (text) => text },
      );
      if (!verdict.ok) throw verdict.error;
      const data = readRankingPage(verdict.data, where, raw.page);
      return { ...data, page: raw.page, pagesize: MAX_PAGE_SIZE, attempts: raw.attempts, raw };
    });
    const missing = pagesMissing(pages);
    if (missing !== undefined) throw invalid(label, missing, 'this page was never received');
    return assembleRanking(key, pages);
  } catch (error) {
    if (error instanceof InvalidResponseError) error.rawPages = sorted;
    throw error;
  }
}

/** The first page a ranking needs that is absent from `pages`, if any. */
function pagesMissing(pages: CheckedPage[]): number | undefined {
  const total = pages[0]?.total ?? 0;
  for (let page = 1; page <= pagesNeeded(total); page += 1) {
    if (pages[page - 1]?.page !== page) return page;
  }
  return undefined;
}

/** The checked pages of one ranking as the FetchedRanking the loader writes. */
function assembleRanking(key: RankingKey, pages: FetchedPage[]): FetchedRanking {
  const entries = checkRankingPages(key, pages);
  const raw = pages.map((page) => page.raw);
  return {
    key,
    total: pages[0]?.total ?? 0,
    entries,
    apiCalls: raw.reduce((calls, page) => calls + page.attempts, 0),
    // The last arrival, so a rebuild from the archive reproduces the same fetched_at.
    fetchedAt: new Date(Math.max(...raw.map((page) => page.receivedAt.getTime()))),
    pages: raw,
  };
}

function invalid(
  label: string,
  page: number,
  problem: string,
  details: { field?: string; value?: unknown } = {},
): InvalidResponseError {
  return new InvalidResponseError(
    `FastMoss sent an inconsistent ranking ${label}, page ${page}: ${problem}`,
    { page, ...details },
  );
}

/**
 * The pages of one ranking, page 1 first, as one list of entries with ranks 1..n; throws an
 * InvalidResponseError at the first disagreement. A list may end early (a page with fewer rows
 * than `total` promises, followed only by empty pages): that is accepted, and the snapshot is
 * flagged `short`; rows after such a page, or more rows than a page holds, are not.
 */
export function checkRankingPages(key: RankingKey, pages: CheckedPage[]): RankingEntry[] {
  const label = rankingKeyLabel(key);
  const total = pages[0]?.total ?? 0;
  const entries: RankingEntry[] = [];
  const seenUids = new Map<string, number>();
  let previous: WireEntry | undefined;
  let endedOnPage: number | undefined;
  for (const page of pages) {
    if (page.total !== total) {
      throw invalid(label, page.page, `data.total is ${page.total} but page 1 said ${total}`, {
        field: 'data.total',
        value: page.total,
      });
    }
    checkEchoedPeriod(key, label, page);
    const expected = rowsExpectedOnPage(total, page.page);
    const rows = page.entries.length;
    if (rows > expected) {
      throw invalid(
        label,
        page.page,
        `data.list has ${rows} rows, expected ${expected} (total ${total})`,
        {
          field: 'data.list',
          value: rows,
        },
      );
    }
    if (endedOnPage !== undefined && rows > 0) {
      throw invalid(
        label,
        page.page,
        `data.list has ${rows} rows after page ${endedOnPage} ended the list early (total ${total})`,
        { field: 'data.list', value: rows },
      );
    }
    if (rows < expected) endedOnPage ??= page.page;
    page.entries.forEach((entry, index) => {
      const rank = (page.page - 1) * MAX_PAGE_SIZE + index + 1;
      const at = `data.list[${index}]`;
      if (entry.wireRank !== null && entry.wireRank !== rank) {
        throw invalid(label, page.page, `${at}.rank is ${entry.wireRank}, expected ${rank}`, {
          field: `${at}.rank`,
          value: entry.wireRank,
        });
      }
      const seenAt = seenUids.get(entry.creator.uid);
      if (seenAt !== undefined) {
        throw invalid(
          label,
          page.page,
          `${at}.creator.uid ${entry.creator.uid} already ranked at ${seenAt}`,
          { field: `${at}.creator.uid`, value: entry.creator.uid },
        );
      }
      seenUids.set(entry.creator.uid, rank);
      if (previous && ranksAbove(key, entry, previous)) {
        const field = key.orderField === 'units_sold' ? 'live_units_sold' : 'live_gmv';
        throw invalid(
          label,
          page.page,
          `${at} (rank ${rank}) has a higher ${key.orderField} than rank ${rank - 1}`,
          {
            field: `${at}.${field}`,
            value: key.orderField === 'units_sold' ? entry.liveUnitsSold : entry.liveGmv,
          },
        );
      }
      previous = entry;
      const { wireRank: _unused, ...rest } = entry;
      entries.push({ rank, ...rest });
    });
  }
  return entries;
}

/** True when `entry` should have ranked above `previous` under the key's descending order. */
function ranksAbove(key: RankingKey, entry: WireEntry, previous: WireEntry): boolean {
  if (key.orderField === 'units_sold') {
    return (
      entry.liveUnitsSold !== null &&
      previous.liveUnitsSold !== null &&
      entry.liveUnitsSold > previous.liveUnitsSold
    );
  }
  return (
    entry.liveGmv !== null &&
    previous.liveGmv !== null &&
    compareDecimalText(entry.liveGmv, previous.liveGmv) > 0
  );
}

/** The API echoes the period it answered for; data for another period must not be stored as ours. */
function checkEchoedPeriod(key: RankingKey, label: string, page: CheckedPage): void {
  if (page.dateType !== null && page.dateType !== key.periodType) {
    throw invalid(
      label,
      page.page,
      `data.date_type is ${page.dateType}, asked for ${key.periodType}`,
      { field: 'data.date_type', value: page.dateType },
    );
  }
  if (page.dateValue !== null && page.dateValue !== key.periodValue) {
    throw invalid(
      label,
      page.page,
      `data.date_value is ${page.dateValue}, asked for ${key.periodValue}`,
      { field: 'data.date_value', value: page.dateValue },
    );
  }
}
