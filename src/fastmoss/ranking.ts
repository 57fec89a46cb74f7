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
import type { CallReservation } from './limiter.ts';
import { compareDecimalText } from './lossless-parse.ts';
import { type PageRequest, pagesAfterFirst, rowsServed } from './page-plan.ts';
import type { WireEntry } from './wire.ts';

/** Rows page `page` holds, at `pagesize`, of a ranking of `total` rows. */
export function rowsExpectedOnPage(total: number, page: number, pagesize = MAX_PAGE_SIZE): number {
  return Math.max(0, Math.min(pagesize, rowsServed(total) - (page - 1) * pagesize));
}

/** What the ranking checks read of a page: its number and size, total, rows and echoed period. */
export type CheckedPage = Pick<
  FetchedPage,
  'page' | 'pagesize' | 'total' | 'entries' | 'dateType' | 'dateValue'
>;

/**
 * A page-size cap that FastMoss enforces for this account, shared by every process and run on
 * the database (db/page-size-cap.ts implements it), so it is discovered once.
 */
export interface PageSizeCapStore {
  /** The smallest cap seen so far; undefined when none was. */
  knownCap(): Promise<number | undefined>;
  /** Records a cap just seen (a larger one than known is ignored). */
  rememberCap(cap: number): Promise<void>;
}

export interface FetchRankingOptions {
  /** The `pagesize` to ask for (FASTMOSS_PAGE_SIZE); default 100. */
  pageSize?: number;
  /** Where a discovered cap is kept; without one, each ranking rediscovers it. */
  pageSizeCaps?: PageSizeCapStore;
}

/**
 * Rankings begun by this process so far. Each ranking's requests carry its number, and the
 * client's limiter starts a lower number's first: a ranking begun earlier is finished before
 * later ones take its request slots, so the writer gets whole rankings from the first seconds of
 * a run, and at most a few rankings are half fetched (and held in memory) at any time.
 */
let rankingsBegun = 0;

/**
 * Every page of one ranking, checked as a whole: page 1 first (its `total` says how many more),
 * the rest concurrently through the client's limiter, at the size page 1 was served.
 *
 * Page 1 is asked at the configured size, or at a smaller cap already known. When it holds fewer
 * rows than asked and the total promises more, either the plan caps page sizes at that many rows
 * or the list ended early; page 2 at that size tells which (rows: a cap, remembered; none: the
 * end), and is needed anyway when it is a cap, so telling them apart costs at most one call.
 *
 * Throws the first failure by page order, its `apiCalls` set to every call the ranking cost; an
 * InvalidResponseError names what disagreed (total, row count, duplicate creator, order, echoed
 * period) and carries every page received, for the quarantine.
 */
export async function fetchRanking(
  client: FastmossClient,
  key: RankingKey,
  options: FetchRankingOptions = {},
): Promise<FetchedRanking> {
  const rankingOrder = rankingsBegun++;
  let apiCalls = 0;
  const received: RawPage[] = [];
  const pages: FetchedPage[] = [];
  const fail = (error: unknown): never => {
    if (error instanceof FastmossError) error.apiCalls = apiCalls;
    if (error instanceof InvalidResponseError) {
      error.rawPages = [...received, ...error.rawPages].sort((a, b) => a.page - b.page);
    }
    throw error;
  };
  const fetchOne = async (request: PageRequest): Promise<FetchedPage> => {
    try {
      const page = await client.fetchPage(key, request.page, request.pagesize, calls, rankingOrder);
      apiCalls += page.attempts;
      received.push(page.raw);
      pages.push(page);
      return page;
    } catch (error) {
      apiCalls += error instanceof FastmossError ? error.apiCalls : 0;
      throw error;
    }
  };

  const knownCap = await options.pageSizeCaps?.knownCap();
  const asked = Math.min(options.pageSize ?? MAX_PAGE_SIZE, knownCap ?? MAX_PAGE_SIZE);
  // Under a daily spend cap, the most pages this ranking can need are counted before page 1: a
  // ranking the day cannot pay for whole is not begun (nothing is bought twice), and what page 1
  // shows it does not need is given back.
  let calls: CallReservation;
  try {
    calls = await client.reserveCalls(1 + pagesAfterFirst(MAX_RANKING_ROWS, asked).length);
  } catch (error) {
    return fail(error);
  }
  try {
    return await fetchReserved();
  } finally {
    await calls.release();
  }

  async function fetchReserved(): Promise<FetchedRanking> {
    let pagesize = asked;
    let rest: PageRequest[];
    try {
      const first = await fetchOne({ page: 1, pagesize: asked });
      const wanted = rowsServed(first.total);
      const served = first.entries.length;
      rest = pagesAfterFirst(wanted, asked);
      if (served === 0) {
        // Nothing on page 1 although `total` promises rows: the list is empty, not capped at zero.
        rest = [];
      } else if (served < Math.min(asked, wanted)) {
        pagesize = served;
        const probe = await fetchOne({ page: 2, pagesize });
        const capped = probe.entries.length > 0;
        if (capped && pagesize < (knownCap ?? MAX_PAGE_SIZE)) {
          // Only a cost if it fails: later rankings rediscover the cap.
          await options.pageSizeCaps?.rememberCap(pagesize).catch(() => undefined);
        }
        const full = probe.entries.length === rowsExpectedOnPage(wanted, 2, pagesize);
        rest = capped && full ? pagesAfterFirst(wanted, pagesize).slice(1) : [];
      }
      // A plan's cap found on page 1 can need more pages than were counted: they are counted
      // now, before any of them starts.
      await calls.resize(rest.length);
    } catch (error) {
      return fail(error);
    }

    const settled = await Promise.allSettled(rest.map(fetchOne));
    const failure = settled.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) return fail(failure.reason);

    try {
      return assembleRanking(key, pages);
    } catch (error) {
      return fail(error);
    }
  }
}

/**
 * A ranking from its pages as archived (or quarantined), with no API call: each body goes
 * through the same envelope and page checks as a fresh response, then the same ranking checks,
 * each page placed by the `pagesize` it was asked at. Throws what fetchRanking would have thrown
 * for those pages, with `rawPages` set.
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
      return { ...data, page: raw.page, pagesize: raw.pagesize, attempts: raw.attempts, raw };
    });
    return assembleRanking(key, pages);
  } catch (error) {
    if (error instanceof InvalidResponseError) error.rawPages = sorted;
    throw error;
  }
}

/** The checked pages of one ranking as the FetchedRanking the loader writes. */
function assembleRanking(key: RankingKey, pages: FetchedPage[]): FetchedRanking {
  const entries = checkRankingPages(key, pages);
  const raw = pages.map((page) => page.raw).sort((a, b) => a.page - b.page);
  return {
    key,
    total: pages.find((page) => page.page === 1)?.total ?? 0,
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

/** A page with the ranks it may hold: from `firstRank`, at most `window` rows. */
interface PlacedPage {
  page: CheckedPage;
  firstRank: number;
  window: number;
}

/**
 * Where each page's rows sit. Page `p` asked at size `s` starts at rank `(p - 1) * s + 1`. Page 1
 * is the one page that may have been served below the size asked (a plan's cap): when page 2
 * was asked at a smaller size, page 1 holds at most that many rows.
 */
function placePages(pages: CheckedPage[], wanted: number): PlacedPage[] {
  const second = pages.find((page) => page.page === 2);
  return pages
    .map((page) => {
      const pagesize =
        page.page === 1 && second ? Math.min(page.pagesize, second.pagesize) : page.pagesize;
      const firstRank = (page.page - 1) * page.pagesize + 1;
      const window = Math.max(0, Math.min(firstRank - 1 + pagesize, wanted) - firstRank + 1);
      return { page, firstRank, window };
    })
    .sort((a, b) => a.firstRank - b.firstRank || a.page.page - b.page.page);
}

/**
 * The pages of one ranking, of any page sizes, as one list of entries with ranks 1..n; throws an
 * InvalidResponseError at the first disagreement. A list may end early (a page with fewer rows
 * than `total` promises, followed only by empty pages): that is accepted, and the snapshot is
 * flagged `short`; rows after such a page, a page never received, or more rows than a page
 * holds are not. Pages that overlap (the last one of a size that does not divide 500) must
 * agree on the creators they share.
 */
export function checkRankingPages(key: RankingKey, pages: CheckedPage[]): RankingEntry[] {
  const label = rankingKeyLabel(key);
  const total = pages.find((page) => page.page === 1)?.total ?? pages[0]?.total ?? 0;
  const wanted = rowsServed(total);
  const entries: RankingEntry[] = [];
  const seenUids = new Map<string, number>();
  /** The first page that held fewer rows than it could: the list ended there. */
  let endedOn: CheckedPage | undefined;
  for (const { page, firstRank, window } of placePages(pages, wanted)) {
    if (page.total !== total) {
      throw invalid(label, page.page, `data.total is ${page.total} but page 1 said ${total}`, {
        field: 'data.total',
        value: page.total,
      });
    }
    checkEchoedPeriod(key, label, page);
    const rows = page.entries.length;
    if (rows > window) {
      throw invalid(
        label,
        page.page,
        `data.list has ${rows} rows, expected ${window} (total ${total})`,
        { field: 'data.list', value: rows },
      );
    }
    if (rows > 0 && firstRank > entries.length + 1) {
      if (endedOn !== undefined) {
        throw invalid(
          label,
          page.page,
          `data.list has ${rows} rows after page ${endedOn.page} ended the list early (total ${total})`,
          { field: 'data.list', value: rows },
        );
      }
      throw invalid(label, missingPage(entries.length, page), 'this page was never received');
    }
    if (rows < window) endedOn ??= page;
    page.entries.forEach((entry, index) => {
      const rank = firstRank + index;
      checkEntry(key, label, page.page, index, rank, entry, entries, seenUids);
      if (rank > entries.length) entries.push(rankedEntry(rank, entry));
    });
  }
  const last = pages.reduce<CheckedPage | undefined>(
    (latest, page) => (latest === undefined || page.page > latest.page ? page : latest),
    undefined,
  );
  if (entries.length < wanted && endedOn === undefined && last !== undefined) {
    throw invalid(label, missingPage(entries.length, last), 'this page was never received');
  }
  return entries;
}

/** The wire row as the ranking's entry at `rank`, built field by field (no rest spread per row). */
function rankedEntry(rank: number, entry: WireEntry): RankingEntry {
  return {
    rank,
    creator: entry.creator,
    saleProductCount: entry.saleProductCount,
    liveUnitsSold: entry.liveUnitsSold,
    liveGmv: entry.liveGmv,
    liveUsdGmv: entry.liveUsdGmv,
    currency: entry.currency,
    liveCount: entry.liveCount,
    topLives: entry.topLives,
  };
}

/** The page, at `like`'s size, that holds the rank after `received`. */
function missingPage(received: number, like: CheckedPage): number {
  return Math.floor(received / like.pagesize) + 1;
}

/** One row at `rank`: its rank field, a creator not ranked elsewhere, the key's order. */
function checkEntry(
  key: RankingKey,
  label: string,
  page: number,
  index: number,
  rank: number,
  entry: WireEntry,
  entries: RankingEntry[],
  seenUids: Map<string, number>,
): void {
  const at = `data.list[${index}]`;
  if (entry.wireRank !== null && entry.wireRank !== rank) {
    throw invalid(label, page, `${at}.rank is ${entry.wireRank}, expected ${rank}`, {
      field: `${at}.rank`,
      value: entry.wireRank,
    });
  }
  const seenAt = seenUids.get(entry.creator.uid);
  if (seenAt !== undefined && seenAt !== rank) {
    throw invalid(
      label,
      page,
      `${at}.creator.uid ${entry.creator.uid} already ranked at ${seenAt}`,
      {
        field: `${at}.creator.uid`,
        value: entry.creator.uid,
      },
    );
  }
  const already = entries[rank - 1];
  if (already !== undefined) {
    // A rank two overlapping pages both hold: the same creator, or the pages disagree.
    if (already.creator.uid !== entry.creator.uid) {
      throw invalid(
        label,
        page,
        `${at}.creator.uid ${entry.creator.uid} is at rank ${rank}, where an earlier page has ${already.creator.uid}`,
        { field: `${at}.creator.uid`, value: entry.creator.uid },
      );
    }
    return;
  }
  seenUids.set(entry.creator.uid, rank);
  const previous = entries[rank - 2];
  if (previous && ranksAbove(key, entry, previous)) {
    const field = key.orderField === 'units_sold' ? 'live_units_sold' : 'live_gmv';
    throw invalid(
      label,
      page,
      `${at} (rank ${rank}) has a higher ${key.orderField} than rank ${rank - 1}`,
      {
        field: `${at}.${field}`,
        value: key.orderField === 'units_sold' ? entry.liveUnitsSold : entry.liveGmv,
      },
    );
  }
}

/** True when `entry` should have ranked above `previous` under the key's descending order. */
function ranksAbove(
  key: RankingKey,
  entry: WireEntry,
  previous: Pick<WireEntry, 'liveUnitsSold' | 'liveGmv'>,
): boolean {
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
