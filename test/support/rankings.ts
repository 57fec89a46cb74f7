import type {
  FetchedRanking,
  RankedTopLive,
  RankingEntry,
  RankingKey,
} from '../../src/domain/ranking.ts';

export const US_DAY_KEY: RankingKey = {
  region: 'US',
  productCategoryId: null,
  creatorCategoryId: null,
  periodType: 'day',
  periodValue: '2026-04-01',
  orderField: 'units_sold',
};

/** A creator uid beyond 2^53, as in the API document's example. */
export const BIG_UID = '7291972001835992106';

function uidFor(index: number, seed: number): string {
  return (7_000_000_000_000_000_000n + BigInt(seed) * 1_000_000n + BigInt(index)).toString();
}

function topLives(rank: number, uid: string, count: number, seed: number): RankedTopLive[] {
  return Array.from({ length: count }, (_, i) => ({
    position: i + 1,
    roomId: (
      7_600_000_000_000_000_000n +
      BigInt(seed) * 10_000_000n +
      BigInt(rank * 10 + i)
    ).toString(),
    creatorUid: uid,
    region: 'US',
    title: `live ${rank}.${i + 1} (seed ${seed})`,
    coverUrl: `https://example.test/cover/${rank}/${i + 1}.jpeg`,
    unitsSold: 1000 - i,
    gmv: `${rank * 100 + i}.25`,
    currency: 'USD',
  }));
}

/** A plausible ranking of `size` creators, each with `livesPerEntry` top lives; `seed` varies ids and figures. */
export function makeRanking(options: {
  size: number;
  livesPerEntry?: number;
  seed?: number;
  key?: RankingKey;
  fetchedAt?: Date;
}): FetchedRanking {
  const seed = options.seed ?? 1;
  const entries: RankingEntry[] = Array.from({ length: options.size }, (_, index) => {
    const rank = index + 1;
    const uid = uidFor(index, seed);
    return {
      rank,
      creator: {
        uid,
        uniqueId: `creator_${seed}_${rank}`,
        nickname: `Creator ${rank}`,
        avatarUrl: `https://example.test/avatar/${uid}.jpeg`,
        region: 'US',
        categoryId: 4,
        categoryName: 'Beauty',
        followerCount: 100_000 + rank,
      },
      saleProductCount: 10 + rank,
      liveUnitsSold: 60_000 - rank * seed,
      liveGmv: `${900_000 - rank}.${String(seed % 100).padStart(2, '0')}`,
      liveUsdGmv: `${900_000 - rank}.${String(seed % 100).padStart(2, '0')}`,
      currency: 'USD',
      liveCount: 6,
      topLives: topLives(rank, uid, options.livesPerEntry ?? 3, seed),
    };
  });
  return {
    key: options.key ?? US_DAY_KEY,
    total: Math.max(options.size, 1234),
    entries,
    apiCalls: Math.ceil(options.size / 100),
    fetchedAt: options.fetchedAt ?? new Date('2026-04-02T01:00:00Z'),
  };
}
