import { REGIONS, type Region } from '../domain/ranking.ts';
import { CREATOR_CATEGORIES, CROSS_BORDER_PARTNER, NAME_PARTS } from './catalog.ts';
import { mix, unit } from './random.ts';

/*
 * The creators of each region: who they are, and the traits the market model (market.ts) turns
 * into their sales and followers. A region's pool has POOL_SIZE slots; a slot's index is its
 * popularity (0 = the most popular). A few slots hold a partner region's creator: the same person
 * (uid, handle, home region, followers), selling in a second market.
 */

/** Creators per region; rankings draw from it, so the same creators recur across periods. */
export const POOL_SIZE = 3000;

/** One in this many slots (past the first) of a region holds a cross-border creator. */
const CROSS_BORDER_EVERY = 50;

export interface SimCreator {
  /** Slot in the home region's pool. */
  index: number;
  /** 19 digits, above 2^53. */
  uid: string;
  uniqueId: string;
  nickname: string;
  avatar: string;
  categoryId: number;
  categoryName: string;
  /** Where the creator is based: `creator.region` in every ranking that lists them. */
  region: Region;
  /** Followers on 2026-01-01; a ranking shows them as of its period's last day. */
  followerCount: number;
  /** Yearly follower growth rate (continuous): -0.05 .. 0.7. */
  followerGrowth: number;
  /** Typical price of what they sell, in USD. */
  priceUsd: number;
  /** Seeds what depends on the person, not the market: product categories sold, followers. */
  hash: number;
}

/** A region's slots as parallel arrays, for the per-day loops over the whole pool. */
export interface RegionPool {
  region: Region;
  regionIndex: number;
  creators: SimCreator[];
  /** Share of the region's top daily sales a slot makes on an average day. */
  strength: Float64Array;
  /** How far the slot's form swings over its cycle (a multiplier of e^±amp). */
  formAmplitude: Float64Array;
  /** Radians per day of the form cycle (cycles of 30 to 230 days). */
  formRate: Float64Array;
  formPhase: Float64Array;
  /** Share of days without a live. */
  offDayRate: Float64Array;
  /** Product lines the creator carries in a month. */
  productLines: Float64Array;
  /** Yearly sales growth (continuous), with the followers' growth of the slot's creator. */
  salesGrowth: Float64Array;
  /** Seeds the slot's day-to-day noise. */
  daySeed: Uint32Array;
}

// uid = (700 + region) * 10^16 + index * stride + noise: 19 digits, above 2^53, unique, and
// built from two safe integers (the low part stays below 2^53) rather than BigInt.
const UID_STRIDE = 2_718_281_828_459;

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

function creatorHash(regionIndex: number, index: number): number {
  return mix(regionIndex, index, 0xc4ea);
}

function buildCreator(region: Region, regionIndex: number, index: number): SimCreator {
  const hash = creatorHash(regionIndex, index);
  const low = index * UID_STRIDE + (hash % 1_000_000_007);
  const handle = `${pick(NAME_PARTS, hash)}${pick(NAME_PARTS, mix(hash, 1))}${region.toLowerCase()}${index}`;
  const category = creatorCategory(hash);
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
    region,
    // Popular creators (low index) have more followers.
    followerCount: Math.floor((5_000_000 / (1 + index / 40)) * (0.5 + unit(hash, 2))),
    followerGrowth: -0.05 + 0.75 * unit(hash, 11) ** 2,
    priceUsd: 5 + 55 * unit(hash, 8),
    hash,
  };
}

function hostsGuest(regionIndex: number, index: number): boolean {
  return index > 0 && mix(regionIndex, index, 0x6e57) % CROSS_BORDER_EVERY === 0;
}

/** The creator in slot `index` of `region`: its own, or a cross-border one from its partner. */
function slotCreator(region: Region, regionIndex: number, index: number): SimCreator {
  if (hostsGuest(regionIndex, index)) {
    const home = CROSS_BORDER_PARTNER[region];
    const homeIndex = REGIONS.indexOf(home);
    // A slot hosting a guest has no own creator; the guest must be at home in its own slot.
    if (!hostsGuest(homeIndex, index)) return buildCreator(home, homeIndex, index);
  }
  return buildCreator(region, regionIndex, index);
}

function buildPool(region: Region): RegionPool {
  const regionIndex = REGIONS.indexOf(region);
  const pool: RegionPool = {
    region,
    regionIndex,
    creators: [],
    strength: new Float64Array(POOL_SIZE),
    formAmplitude: new Float64Array(POOL_SIZE),
    formRate: new Float64Array(POOL_SIZE),
    formPhase: new Float64Array(POOL_SIZE),
    offDayRate: new Float64Array(POOL_SIZE),
    productLines: new Float64Array(POOL_SIZE),
    salesGrowth: new Float64Array(POOL_SIZE),
    daySeed: new Uint32Array(POOL_SIZE),
  };
  for (let index = 0; index < POOL_SIZE; index += 1) {
    const creator = slotCreator(region, regionIndex, index);
    pool.creators.push(creator);
    pool.salesGrowth[index] = 0.6 * creator.followerGrowth;
    // Market traits belong to the slot: a guest sells here as a creator of this popularity.
    const hash = mix(regionIndex, index, 0x7a17);
    pool.strength[index] = (1 + index / 12) ** -1.05;
    pool.formAmplitude[index] = 0.15 + 0.45 * unit(hash, 1);
    pool.formRate[index] = (2 * Math.PI) / (30 + 200 * unit(hash, 2));
    pool.formPhase[index] = 2 * Math.PI * unit(hash, 3);
    pool.offDayRate[index] = 0.08 + 0.3 * unit(hash, 4);
    pool.productLines[index] = 5 + Math.floor(295 * unit(hash, 5));
    pool.daySeed[index] = mix(hash, 6);
  }
  return pool;
}

const pools = new Map<Region, RegionPool>();

export function regionPool(region: Region): RegionPool {
  let pool = pools.get(region);
  if (!pool) {
    pool = buildPool(region);
    pools.set(region, pool);
  }
  return pool;
}

/** Every creator of a region's pool, cross-border ones included. */
export function creatorPool(region: Region): SimCreator[] {
  return regionPool(region).creators;
}

/** Pool slots of the creators of one creator category (all slots for `null`). */
const categorySlots = new Map<string, Int32Array>();

export function slotsOfCategory(region: Region, creatorCategoryId: number | null): Int32Array {
  const cacheKey = `${region}:${creatorCategoryId ?? 'all'}`;
  let slots = categorySlots.get(cacheKey);
  if (!slots) {
    const { creators } = regionPool(region);
    const chosen: number[] = [];
    creators.forEach((creator, slot) => {
      if (creatorCategoryId === null || creator.categoryId === creatorCategoryId) chosen.push(slot);
    });
    slots = Int32Array.from(chosen);
    categorySlots.set(cacheKey, slots);
  }
  return slots;
}
