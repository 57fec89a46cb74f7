import {
  type FetchedRanking,
  MAX_PAGE_SIZE,
  MAX_RANKING_ROWS,
  type RankingEntry,
  type RankingKey,
  rankingKeyLabel,
} from '../domain/ranking.ts';
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

/**
 * Every page of one ranking, checked as a whole: page 1 first (its `total` says how many more),
 * the rest concurrently through the client's limiter. Throws the first failure by page order,
 * its `apiCalls` set to every call the ranking cost; an InvalidResponseError names what
 * disagreed (total, row count, duplicate creator, order, echoed period).
 */
export async function fetchRanking(
  client: FastmossClient,
  key: RankingKey,
): Promise<FetchedRanking> {
  let apiCalls = 0;
  const fail = (error: unknown): never => {
    if (error instanceof FastmossError) error.apiCalls = apiCalls;
    throw error;
  };

  let first: FetchedPage;
  try {
    first = await client.fetchPage(key, 1, MAX_PAGE_SIZE);
    apiCalls += first.attempts;
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
    } else {
      apiCalls += outcome.reason instanceof FastmossError ? outcome.reason.apiCalls : 0;
      firstFailure ??= outcome.reason;
    }
  }
  if (firstFailure !== undefined) return fail(firstFailure);

  try {
    const entries = checkRankingPages(key, pages);
    return { key, total: first.total, entries, apiCalls, fetchedAt: new Date() };
  } catch (error) {
    return fail(error);
  }
}

function invalid(label: string, page: number, problem: string): InvalidResponseError {
  return new InvalidResponseError(
    `FastMoss sent an inconsistent ranking ${label}, page ${page}: ${problem}`,
    {
      page,
    },
  );
}

/**
 * The pages of one ranking, page 1 first, as one list of entries with ranks 1..n; throws an
 * InvalidResponseError at the first disagreement.
 */
export function checkRankingPages(key: RankingKey, pages: FetchedPage[]): RankingEntry[] {
  const label = rankingKeyLabel(key);
  const total = pages[0]?.total ?? 0;
  const entries: RankingEntry[] = [];
  const seenUids = new Map<string, number>();
  let previous: WireEntry | undefined;
  for (const page of pages) {
    if (page.total !== total) {
      throw invalid(label, page.page, `data.total is ${page.total} but page 1 said ${total}`);
    }
    checkEchoedPeriod(key, label, page);
    const expected = rowsExpectedOnPage(total, page.page);
    if (page.entries.length !== expected) {
      throw invalid(
        label,
        page.page,
        `data.list has ${page.entries.length} rows, expected ${expected} (total ${total})`,
      );
    }
    page.entries.forEach((entry, index) => {
      const rank = (page.page - 1) * MAX_PAGE_SIZE + index + 1;
      const at = `data.list[${index}]`;
      if (entry.wireRank !== null && entry.wireRank !== rank) {
        throw invalid(label, page.page, `${at}.rank is ${entry.wireRank}, expected ${rank}`);
      }
      const seenAt = seenUids.get(entry.creator.uid);
      if (seenAt !== undefined) {
        throw invalid(
          label,
          page.page,
          `${at}.creator.uid ${entry.creator.uid} already ranked at ${seenAt}`,
        );
      }
      seenUids.set(entry.creator.uid, rank);
      if (previous && ranksAbove(key, entry, previous)) {
        throw invalid(
          label,
          page.page,
          `${at} (rank ${rank}) has a higher ${key.orderField} than rank ${rank - 1}`,
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
function checkEchoedPeriod(key: RankingKey, label: string, page: FetchedPage): void {
  if (page.dateType !== null && page.dateType !== key.periodType) {
    throw invalid(
      label,
      page.page,
      `data.date_type is ${page.dateType}, asked for ${key.periodType}`,
    );
  }
  if (page.dateValue !== null && page.dateValue !== key.periodValue) {
    throw invalid(
      label,
      page.page,
      `data.date_value is ${page.dateValue}, asked for ${key.periodValue}`,
    );
  }
}
