import type { FetchedRanking, IdString, RankedCreator } from '../domain/ranking.ts';
import type { IsoDate, PeriodBounds } from '../plan/periods.ts';
import { copyNumber, copyText } from './copy-in.ts';
import { sortIds, stripNul } from './ranking-rows.ts';

/*
 * The dimension rows of a batch of rankings, merged: one row per creator, live stream and
 * category however many rankings of the batch name it, ordered by key. A creator's, live
 * stream's or category's attributes are those of its latest period in the batch (the latest period_end; of two
 * ending the same day, the later fetch), as load.ts keeps them across batches: the merge gives
 * the same result as loading the rankings one after another, oldest period first. A missing
 * value does not erase a known one. first_seen_at / last_seen_at are the earliest and latest
 * fetch, of any period.
 */

/** A ranking of the batch, with the period it covers. */
export interface DatedRanking {
  ranking: FetchedRanking;
  bounds: PeriodBounds;
}

/** Where a row's attributes come from: the ranking's last day, then its fetch. */
export interface AttributesAsOf {
  /** `period_end` of the ranking the attributes come from. */
  attributesAsOf: IsoDate;
  attributesFetchedAt: Date;
}

/** A creator's latest attributes across the batch (the category's name is kept apart). */
export interface CreatorRow extends Omit<RankedCreator, 'categoryName'>, AttributesAsOf {
  /** The earliest and latest fetch of the batch that named this creator. */
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export interface LiveStreamRow extends AttributesAsOf {
  roomId: IdString;
  creatorUid: IdString;
  region: string | null;
  title: string | null;
  coverUrl: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** A creator category and its name of the batch's latest period naming it (as-of null: none did). */
export interface CategoryRow {
  id: number;
  name: string | null;
  attributesAsOf: IsoDate | null;
  attributesFetchedAt: Date | null;
}

export interface DimensionRows {
  creatorCategories: CategoryRow[];
  productCategoryIds: number[];
  creators: CreatorRow[];
  liveStreams: LiveStreamRow[];
}

function stripNulOrNull(text: string | null): string | null {
  return text === null ? null : stripNul(text);
}

function sortedValues<K, V>(map: Map<K, V>, compare: (a: K, b: K) => number): V[] {
  return [...map.keys()].sort(compare).map((key) => map.get(key) as V);
}

/** Oldest period first; of two ending the same day, the earlier fetch first (a stable sort). */
function byPeriodThenFetch(a: DatedRanking, b: DatedRanking): number {
  if (a.bounds.end !== b.bounds.end) return a.bounds.end < b.bounds.end ? -1 : 1;
  return a.ranking.fetchedAt.getTime() - b.ranking.fetchedAt.getTime();
}

function earlier(a: Date | undefined, b: Date): Date {
  return a !== undefined && a < b ? a : b;
}

function later(a: Date | undefined, b: Date): Date {
  return a !== undefined && a > b ? a : b;
}

/** Merges the dimension rows of `rankings`, NUL stripped from all text. */
export function mergeDimensionRows(rankings: readonly DatedRanking[]): DimensionRows {
  const oldestFirst = [...rankings].sort(byPeriodThenFetch);
  const categories = new Map<number, CategoryRow>();
  const creators = new Map<IdString, CreatorRow>();
  const lives = new Map<IdString, LiveStreamRow>();
  const productCategoryIds = new Set<number>();
  for (const { ranking, bounds } of oldestFirst) {
    const seenAt = ranking.fetchedAt;
    const asOf: AttributesAsOf = { attributesAsOf: bounds.end, attributesFetchedAt: seenAt };
    if (ranking.key.productCategoryId !== null)
      productCategoryIds.add(ranking.key.productCategoryId);
    for (const entry of ranking.entries) {
      const c = entry.creator;
      if (c.categoryId !== null) {
        const name = stripNulOrNull(c.categoryName);
        if (name !== null) categories.set(c.categoryId, { id: c.categoryId, name, ...asOf });
        else if (!categories.has(c.categoryId)) {
          categories.set(c.categoryId, {
            id: c.categoryId,
            name: null,
            attributesAsOf: null,
            attributesFetchedAt: null,
          });
        }
      }
      const before = creators.get(c.uid);
      creators.set(c.uid, {
        uid: c.uid,
        uniqueId: stripNul(c.uniqueId),
        nickname: stripNul(c.nickname),
        avatarUrl: stripNulOrNull(c.avatarUrl) ?? before?.avatarUrl ?? null,
        region: stripNulOrNull(c.region) ?? before?.region ?? null,
        categoryId: c.categoryId ?? before?.categoryId ?? null,
        followerCount: c.followerCount ?? before?.followerCount ?? null,
        ...asOf,
        firstSeenAt: earlier(before?.firstSeenAt, seenAt),
        lastSeenAt: later(before?.lastSeenAt, seenAt),
      });
      for (const live of entry.topLives) {
        const seen = lives.get(live.roomId);
        lives.set(live.roomId, {
          roomId: live.roomId,
          creatorUid: live.creatorUid,
          region: stripNulOrNull(live.region) ?? seen?.region ?? null,
          title: stripNulOrNull(live.title) ?? seen?.title ?? null,
          coverUrl: stripNulOrNull(live.coverUrl) ?? seen?.coverUrl ?? null,
          ...asOf,
          firstSeenAt: earlier(seen?.firstSeenAt, seenAt),
          lastSeenAt: later(seen?.lastSeenAt, seenAt),
        });
      }
    }
  }
  return {
    creatorCategories: sortedValues(categories, (a, b) => a - b),
    productCategoryIds: [...productCategoryIds].sort((a, b) => a - b),
    creators: sortIds(creators.keys()).map((uid) => creators.get(uid) as CreatorRow),
    liveStreams: sortIds(lives.keys()).map((roomId) => lives.get(roomId) as LiveStreamRow),
  };
}

export const ENTRIES_COPY = `COPY fastmoss.ranking_entries
  (snapshot_id, rank, creator_uid, sale_product_count, live_units_sold, live_gmv, live_usd_gmv,
   currency, live_count, follower_count, period_start) FROM STDIN`;

export const TOP_LIVES_COPY = `COPY fastmoss.ranking_top_lives
  (snapshot_id, rank, position, room_id, units_sold, gmv, currency, period_start) FROM STDIN`;

/**
 * The entries of `ranking` as COPY text lines for `ENTRIES_COPY`; `periodStart` (YYYY-MM-DD) is
 * the snapshot's, the partition key.
 */
export function entryCopyLines(
  ranking: FetchedRanking,
  snapshotId: string,
  periodStart: string,
): string {
  let text = '';
  for (const e of ranking.entries) {
    text += `${snapshotId}\t${e.rank}\t${e.creator.uid}\t${copyNumber(e.saleProductCount)}\t${copyNumber(e.liveUnitsSold)}\t${copyNumber(e.liveGmv)}\t${copyNumber(e.liveUsdGmv)}\t${copyText(stripNulOrNull(e.currency))}\t${copyNumber(e.liveCount)}\t${copyNumber(e.creator.followerCount)}\t${periodStart}\n`;
  }
  return text;
}

/** The top lives of `ranking` as COPY text lines for `TOP_LIVES_COPY`; and their count. */
export function topLiveCopyLines(
  ranking: FetchedRanking,
  snapshotId: string,
  periodStart: string,
): { text: string; rows: number } {
  let text = '';
  let rows = 0;
  for (const e of ranking.entries) {
    for (const t of e.topLives) {
      rows++;
      text += `${snapshotId}\t${e.rank}\t${t.position}\t${t.roomId}\t${copyNumber(t.unitsSold)}\t${copyNumber(t.gmv)}\t${copyText(stripNulOrNull(t.currency))}\t${periodStart}\n`;
    }
  }
  return { text, rows };
}
