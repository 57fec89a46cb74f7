import { MAX_RANKING_ROWS, type RankingKey, REGIONS, type Region } from '../domain/ranking.ts';
import { CREATOR_CATEGORIES, LIVE_TITLES, NAME_PARTS, REGION_MONEY } from './catalog.ts';
import { hashText, mix, unit } from './random.ts';

/*
 * The simulator's deterministic rankings. Everything is derived from hashes of the ranking key
 * and the rank, so any page is computed on its own, in O(pagesize), with nothing cached but the
 * per-region creator pools (a few thousand small records each).
 */

/** Creators per region; rankings draw from it, so the same creators recur across periods. */
export const POOL_SIZE = 3000;

export interface SimCreator {
  index: number;
  /** 19 digits, above 2^53. */
  uid: string;
  uniqueId: string;
  nickname: string;
  avatar: string;
  categoryId: number;
  categoryName: string;
  followerCount: number;
  /** Typical price of what they sell, in USD. */
  priceUsd: number;
}

export interface SimTopLive {
  roomId: string;
  title: string;
  cover: string;
  unitsSold: number;
  gmvCents: number;
}

export interface SimRow {
  rank: number;
  creator: SimCreator;
  saleProductCount: number;
  unitsSold: number;
  gmvCents: number;
  usdGmvCents: number;
  liveCount: number;
  topLives: SimTopLive[];
}

const pools = new Map<Region, SimCreator[]>();
const categoryPools = new Map<string, number[]>();

function pick<T>(items: readonly T[], hash: number): T {
  const item = items[hash % items.length];
  if (item === undefined) throw new RangeError('pick from an empty list');
  return item;
}

function creatorCategory(hash: number): (typeof CREATOR_CATEGORIES)[number] {
  let point = unit(hash, 7);
  for (const category of CREATOR_CATEGORIES) {
    point -= category.weight;
    if (point < 0) return category;
  }
  return pick(CREATOR_CATEGORIES, hash);
}

// uid = (700 + region) * 10^16 + index * stride + noise: 19 digits, above 2^53, unique, and
// built from two safe integers (the low part stays below 2^53) rather than BigInt.
const UID_STRIDE = 2_718_281_828_459;

function creatorHash(regionIndex: number, index: number): number {
  return mix(regionIndex, index, 0xc4ea);
}

function buildCreator(region: Region, regionIndex: number, index: number): SimCreator {
  const hash = creatorHash(regionIndex, index);
  const low = index * UID_STRIDE + (hash % 1_000_000_007);
  const handle = `${pick(NAME_PARTS, hash)}${pick(NAME_PARTS, mix(hash, 1))}${region.toLowerCase()}${index}`;
  const category = creatorCategory(hash);
  // Popular creators (low index) have more followers.
  const followerCount = Math.floor((5_000_000 / (1 + index / 40)) * (0.5 + unit(hash, 2)));
  return {
    index,
    uid: `${700 + regionIndex}${String(low).padStart(16, '0')}`,
    uniqueId: handle,
    nickname:
      unit(hash, 3) < 0.5
        ? handle
        : `${pick(NAME_PARTS, mix(hash, 4))} ${pick(NAME_PARTS, mix(hash, 5))}`,
    avatar: `https://s.500fd.com/tt_author/${mix(hash, 6).toString(16).padStart(8, '0')}${hash.toString(16).padStart(8, '0')}~c5_300x300.jpeg`,
    categoryId: category.id,
    categoryName: category.name,
    followerCount,
    priceUsd: 5 + 55 * unit(hash, 8),
  };
}

/** The creator at `index` of a region's pool, built on first use. */
function creatorAt(region: Region, index: number): SimCreator {
  let pool = pools.get(region);
  if (!pool) {
    pool = [];
    pools.set(region, pool);
  }
  let creator = pool[index];
  if (!creator) {
    creator = buildCreator(region, REGIONS.indexOf(region), index);
    pool[index] = creator;
  }
  return creator;
}

/** Every creator of a region's pool. */
export function creatorPool(region: Region): SimCreator[] {
  return Array.from({ length: POOL_SIZE }, (_, index) => creatorAt(region, index));
}

/** Pool indexes of the creators a ranking may contain: all, or one creator category's. */
function eligibleCreators(region: Region, creatorCategoryId: number | null): number[] | undefined {
  if (creatorCategoryId === null) return undefined;
  const cacheKey = `${region}:${creatorCategoryId}`;
  let indexes = categoryPools.get(cacheKey);
  if (!indexes) {
    const regionIndex = REGIONS.indexOf(region);
    indexes = [];
    for (let index = 0; index < POOL_SIZE; index += 1) {
      if (creatorCategory(creatorHash(regionIndex, index)).id === creatorCategoryId) {
        indexes.push(index);
      }
    }
    categoryPools.set(cacheKey, indexes);
  }
  return indexes;
}

function periodHash(key: RankingKey): number {
  return hashText(`${key.region}|${key.periodType}|${key.periodValue}`);
}

/** Share of the unfiltered ranking a product category keeps: 15% to 54%. */
function productCategoryShare(productCategoryId: number | null): number {
  return productCategoryId === null ? 1 : 0.15 + (mix(productCategoryId, 0x9c) % 40) / 100;
}

/**
 * `data.total` of a ranking: 0 for some keys, under 100 for others, exact hundreds, and often
 * more than the 500 rows the API will serve. Independent of the order field (same creators,
 * other order); a category filter keeps a stable share of the unfiltered total.
 */
export function rankingTotal(key: RankingKey): number {
  const hash = periodHash(key);
  const spread = mix(hash, 1);
  const bucket = hash % 20;
  let total: number;
  if (bucket < 2) total = 0;
  else if (bucket < 5) total = 1 + (spread % 99);
  else if (bucket < 7) total = 100 * (1 + (spread % 5));
  else if (bucket < 12) total = 100 + (spread % 401);
  else total = 501 + (spread % 700);
  if (key.productCategoryId === null && key.creatorCategoryId === null) return total;
  const eligible = eligibleCreators(key.region, key.creatorCategoryId);
  const creatorShare = eligible === undefined ? 1 : eligible.length / POOL_SIZE;
  const filtered = Math.floor(total * productCategoryShare(key.productCategoryId) * creatorShare);
  return eligible === undefined ? filtered : Math.min(filtered, eligible.length);
}

function keyHash(key: RankingKey): number {
  return hashText(
    `${key.region}|${key.productCategoryId ?? 'all'}|${key.creatorCategoryId ?? 'all'}|${key.periodType}|${key.periodValue}|${key.orderField}`,
  );
}

function coprimeStep(size: number, hash: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let step = 1 + (hash % Math.max(1, size - 1));
  while (gcd(step, size) !== 1) step += 1;
  return step;
}

const BLOCK_RANKS = 50;
const BLOCKS = MAX_RANKING_ROWS / BLOCK_RANKS;

/**
 * The pool index of the creator at `rank`, injective over ranks 1..500. With a big enough pool,
 * ranks come in blocks of 50 drawn from successive slices of the pool, so popular creators
 * (low indexes) hold the top ranks across periods while the mix still varies.
 */
function creatorIndexAt(hash: number, rank: number, eligible: number[] | undefined): number {
  const size = eligible?.length ?? POOL_SIZE;
  let position: number;
  if (size >= MAX_RANKING_ROWS) {
    const span = Math.floor(size / BLOCKS);
    const block = Math.floor((rank - 1) / BLOCK_RANKS);
    const blockHash = mix(hash, block);
    position =
      block * span +
      ((coprimeStep(span, blockHash) * ((rank - 1) % BLOCK_RANKS) + blockHash) % span);
  } else {
    position = (coprimeStep(size, hash) * (rank - 1) + mix(hash, 99)) % size;
  }
  return eligible ? (eligible[position] ?? 0) : position;
}

const PERIOD_SCALE = { day: 1, week: 6, month: 25 } as const;
const LIVES_PER_PERIOD = { day: 4, week: 15, month: 60 } as const;

/** Rows `from`..`to` (1-based, inclusive) of a ranking, sorted by the key's order field. */
export function rankingRows(key: RankingKey, from: number, to: number): SimRow[] {
  const hash = keyHash(key);
  const eligible = eligibleCreators(key.region, key.creatorCategoryId);
  const money = REGION_MONEY[key.region];
  const filterShare =
    productCategoryShare(key.productCategoryId) * (key.creatorCategoryId === null ? 1 : 0.3);
  const topUnits =
    60_000 * PERIOD_SCALE[key.periodType] * money.scale * filterShare * (0.6 + 0.8 * unit(hash, 1));
  const alpha = 0.6 + 0.4 * unit(hash, 2);
  const rows: SimRow[] = [];
  for (let rank = from; rank <= to; rank += 1) {
    const creator = creatorAt(key.region, creatorIndexAt(hash, rank, eligible));
    const rowHash = mix(hash, rank);
    // (rank + jitter) strictly increases with rank, so the primary metric strictly decreases.
    const curve = (rank + 0.9 * unit(rowHash, 1)) ** -alpha;
    const localPrice = (creator.priceUsd * (0.8 + 0.4 * unit(rowHash, 2))) / money.usdPerUnit;
    let unitsSold: number;
    let gmvCents: number;
    if (key.orderField === 'units_sold') {
      unitsSold = Math.max(1, Math.floor(topUnits * curve));
      gmvCents = Math.round(unitsSold * localPrice * 100);
    } else {
      gmvCents = Math.max(100, Math.floor(topUnits * 30 * (100 / money.usdPerUnit) * curve));
      unitsSold = Math.max(1, Math.round(gmvCents / 100 / localPrice));
    }
    const liveCount = 1 + (mix(rowHash, 3) % LIVES_PER_PERIOD[key.periodType]);
    rows.push({
      rank,
      creator,
      saleProductCount: 1 + (mix(rowHash, 4) % 300),
      unitsSold,
      gmvCents,
      usdGmvCents: Math.round(gmvCents * money.usdPerUnit),
      liveCount,
      topLives: topLives(
        key,
        creator,
        unitsSold,
        localPrice,
        Math.min(liveCount, mix(rowHash, 5) % 6),
      ),
    });
  }
  return rows;
}

function topLives(
  key: RankingKey,
  creator: SimCreator,
  unitsSold: number,
  localPrice: number,
  count: number,
): SimTopLive[] {
  // Rooms depend on creator and period, not on the order field: both rankings show the same live.
  const roomHash = hashText(`${key.region}|${creator.index}|${key.periodType}|${key.periodValue}`);
  const lives: SimTopLive[] = [];
  let remaining = unitsSold;
  for (let position = 1; position <= count; position += 1) {
    const share = 0.25 + 0.35 * unit(roomHash, position);
    const units = Math.floor(remaining * share);
    remaining -= units;
    const roomId = `76${String(mix(roomHash, position, 1) % 1_000_000_000).padStart(9, '0')}${String(mix(roomHash, position, 2) % 100_000_000).padStart(8, '0')}`;
    lives.push({
      roomId,
      title: pick(LIVE_TITLES, mix(roomHash, position, 3)),
      cover: `https://s.500fd.com/tt_live/${roomId}~tplv-obj.image`,
      unitsSold: units,
      gmvCents: Math.round(units * localPrice * 100),
    });
  }
  return lives.sort((a, b) => b.unitsSold - a.unitsSold);
}
