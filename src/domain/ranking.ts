import { z } from 'zod';

/** Regions the FastMoss API accepts, in the document's order. */
export const REGIONS = [
  'US',
  'GB',
  'MX',
  'ES',
  'DE',
  'IT',
  'FR',
  'ID',
  'VN',
  'MY',
  'TH',
  'PH',
  'BR',
  'JP',
  'SG',
] as const;
export const regionSchema = z.enum(REGIONS);
export type Region = z.infer<typeof regionSchema>;

export const PERIOD_TYPES = ['day', 'week', 'month'] as const;
export const periodTypeSchema = z.enum(PERIOD_TYPES);
export type PeriodType = z.infer<typeof periodTypeSchema>;

export const ORDER_FIELDS = ['units_sold', 'gmv'] as const;
export const orderFieldSchema = z.enum(ORDER_FIELDS);
export type OrderField = z.infer<typeof orderFieldSchema>;

/** The API's hard cap: `page * pagesize <= 500`. */
export const MAX_RANKING_ROWS = 500;
export const MAX_PAGE_SIZE = 100;

/**
 * One ranking = one unit of work. A category of `null` means "all" (no filter upstream,
 * NULL in the warehouse).
 */
export interface RankingKey {
  region: Region;
  productCategoryId: number | null;
  creatorCategoryId: number | null;
  periodType: PeriodType;
  /** `2026-04-01` (day), `2026-14` (ISO week-year and week), `2026-03` (month). */
  periodValue: string;
  orderField: OrderField;
}

/** A stable, human-readable name for a ranking key, used in logs, errors and summaries. */
export function rankingKeyLabel(key: RankingKey): string {
  const pc = key.productCategoryId ?? 'all';
  const cc = key.creatorCategoryId ?? 'all';
  return `${key.region}/pc=${pc}/cc=${cc}/${key.periodType}:${key.periodValue}/${key.orderField}`;
}

/**
 * The one order in which every writer that locks rows of several rankings takes them (the
 * loader's batches, the ledger's plans and its job rows): two writers that lock in the same order
 * can wait for each other but never deadlock.
 */
export function compareRankingKeys(a: RankingKey, b: RankingKey): number {
  const la = rankingKeyLabel(a);
  const lb = rankingKeyLabel(b);
  return la < lb ? -1 : la > lb ? 1 : 0;
}

/*
 * The validated shape the client hands to the loader. Exact values travel as strings:
 * ids as decimal digits (19 digits do not fit a double), money as decimal text.
 */

/** Decimal digits of an id, e.g. "7291972001835992106". */
export type IdString = string;
/** Exact decimal text of an amount, e.g. "958762.84". */
export type DecimalString = string;

export interface RankedCreator {
  uid: IdString;
  uniqueId: string;
  nickname: string;
  avatarUrl: string | null;
  region: string | null;
  categoryId: number | null;
  categoryName: string | null;
  followerCount: number | null;
}

export interface RankedTopLive {
  /** 1-based order inside the entry's `top_live` array. */
  position: number;
  roomId: IdString;
  creatorUid: IdString;
  region: string | null;
  title: string | null;
  coverUrl: string | null;
  unitsSold: number | null;
  gmv: DecimalString | null;
  currency: string | null;
}

export interface RankingEntry {
  /** 1-based, contiguous across pages. */
  rank: number;
  creator: RankedCreator;
  saleProductCount: number | null;
  liveUnitsSold: number | null;
  liveGmv: DecimalString | null;
  liveUsdGmv: DecimalString | null;
  currency: string | null;
  liveCount: number | null;
  topLives: RankedTopLive[];
}

/**
 * One successful response of a ranking page, exactly as received: what the archive keeps so the
 * ranking can be rebuilt, or re-validated after a fix, without calling the API again.
 */
export interface RawPage {
  page: number;
  /**
   * The `pagesize` the request asked for. Page `page` holds ranks from `(page - 1) * pagesize + 1`;
   * a plan that caps page sizes serves fewer rows than asked on page 1 only, since later pages are
   * asked at the size served.
   */
  pagesize: number;
  /** The response body, verbatim. */
  body: string;
  /** The envelope's `request_id`, when it had one. */
  requestId: string | null;
  status: number;
  /** Requests this page took, retries included. */
  attempts: number;
  receivedAt: Date;
}

/** Every page of one ranking, fetched and checked: what `loadRanking` writes in one transaction. */
export interface FetchedRanking {
  key: RankingKey;
  /** `data.total` as the API reported it (may exceed the 500 rows it will serve). */
  total: number;
  entries: RankingEntry[];
  /** Requests made for this ranking, retries included. */
  apiCalls: number;
  fetchedAt: Date;
  /** The pages as received, page 1 first; archived with the ranking when present. */
  pages?: RawPage[];
}
