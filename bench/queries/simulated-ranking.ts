import type { FetchedRanking, RankingEntry, RankingKey } from '../../src/domain/ranking.ts';
import { MAX_RANKING_ROWS } from '../../src/domain/ranking.ts';
import { REGION_MONEY } from '../../src/simulator/catalog.ts';
import { rankingRows, rankingTotal, type SimRow } from '../../src/simulator/data.ts';

/** Exact decimal text of an amount in cents, as the client reads the simulator's JSON money. */
function decimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function entryOf(key: RankingKey, row: SimRow): RankingEntry {
  const { currency } = REGION_MONEY[key.region];
  const { creator } = row;
  return {
    rank: row.rank,
    creator: {
      uid: creator.uid,
      uniqueId: creator.uniqueId,
      nickname: creator.nickname,
      avatarUrl: creator.avatar,
      region: creator.region,
      categoryId: creator.categoryId,
      categoryName: creator.categoryName,
      followerCount: creator.followerCount,
    },
    saleProductCount: row.saleProductCount,
    liveUnitsSold: row.unitsSold,
    liveGmv: decimal(row.gmvCents),
    liveUsdGmv: decimal(row.usdGmvCents),
    currency,
    liveCount: row.liveCount,
    topLives: row.topLives.map((live, index) => ({
      position: index + 1,
      roomId: live.roomId,
      creatorUid: creator.uid,
      region: key.region,
      title: live.title,
      coverUrl: live.cover,
      unitsSold: live.unitsSold,
      gmv: decimal(live.gmvCents),
      currency,
    })),
  };
}

/**
 * The ranking the bundled simulator serves for `key`, taken straight from its data generator
 * instead of over HTTP: the same rows the client would hand the loader, minus the network.
 */
export function simulatedRanking(key: RankingKey, fetchedAt: Date): FetchedRanking {
  const total = rankingTotal(key);
  const served = Math.min(total, MAX_RANKING_ROWS);
  const rows = served === 0 ? [] : rankingRows(key, 1, served);
  return {
    key,
    total,
    entries: rows.map((row) => entryOf(key, row)),
    apiCalls: Math.max(1, Math.ceil(served / 100)),
    fetchedAt,
  };
}
