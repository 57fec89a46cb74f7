import type { PeriodType, Region } from '../domain/ranking.ts';
import { periodBounds } from '../plan/periods.ts';
import { REGION_MONEY } from './catalog.ts';
import { LruCache } from './lru.ts';
import { POOL_SIZE, type RegionPool, regionPool, type SimCreator } from './pool.ts';
import { hashText, mix, unit } from './random.ts';

/*
 * The simulated market, day by day. A slot's sales on a day are a closed form of its traits and
 * the day (popularity, a slow form cycle, growth, a weekday lift, noise, days off); the day's
 * listing keeps the `dayListTotal` best of them and zeroes the rest. A week or a month is the sum
 * of its days, so its figures add up to its days' and it ranks the same creators.
 */

const MS_PER_DAY = 86_400_000;
/** Day 0 of the model: growth and followers are measured from here. */
const EPOCH_MS = Date.UTC(2026, 0, 1);
/** A region's no. 1 sells about this much on an average day, in USD, before its market scale. */
const TOP_DAILY_USD = 220_000;

/** Day number (days since 2026-01-01) of an ISO date. */
export function dayNumber(isoDate: string): number {
  return Math.round((Date.parse(`${isoDate}T00:00:00Z`) - EPOCH_MS) / MS_PER_DAY);
}

function isoDateOf(day: number): string {
  return new Date(EPOCH_MS + day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * How many creators a region's day lists (`data.total` of its overall day ranking): 0 for some
 * days, under 100 for others, exact hundreds, and often more than the 500 rows the API serves.
 */
export function dayListTotal(region: Region, isoDate: string): number {
  const hash = hashText(`${region}|day|${isoDate}`);
  const spread = mix(hash, 1);
  const bucket = hash % 20;
  if (bucket < 2) return 0;
  if (bucket < 5) return 1 + (spread % 99);
  if (bucket < 7) return 100 * (1 + (spread % 5));
  if (bucket < 12) return 100 + (spread % 401);
  return 501 + (spread % 700);
}

/** Followers of `creator` on `day`: their growth compounds from 2026-01-01, both ways in time. */
export function followersOn(creator: SimCreator, day: number): number {
  return Math.max(
    100,
    Math.round(creator.followerCount * Math.exp((creator.followerGrowth * day) / 365)),
  );
}

/**
 * A slot's sales on a day in USD, before the listing cut; 0 on a day off. Called for every slot
 * of every day a ranking covers, so it is kept to one hash, one exp and one sin.
 */
function dailyUsd(pool: RegionPool, slot: number, day: number, scale: number): number {
  const hash = mix(pool.daySeed[slot] ?? 0, day >>> 0);
  if (hash / 0x1_0000_0000 < (pool.offDayRate[slot] ?? 0)) return 0;
  const noise = 0.5 + mix(hash) / 0x1_0000_0000;
  const growthAndForm = Math.exp(
    ((pool.salesGrowth[slot] ?? 0) * day) / 365 +
      (pool.formAmplitude[slot] ?? 0) *
        Math.sin((pool.formRate[slot] ?? 0) * day + (pool.formPhase[slot] ?? 0)),
  );
  // 2026-01-01 is a Thursday: (day + 3) mod 7 is 0 on Mondays; Friday to Sunday sell more.
  const weekday = (((day + 3) % 7) + 7) % 7 >= 4 ? 1.15 : 1;
  return TOP_DAILY_USD * scale * (pool.strength[slot] ?? 0) * growthAndForm * weekday * noise;
}

/** Figures of every slot of a region over a period; zero for a slot not listed in it. */
export interface PeriodFigures {
  /** Local currency, in cents (whole numbers). */
  gmvCents: Float64Array;
  units: Float64Array;
  liveCount: Uint16Array;
  /** Day numbers of the period, first to last. */
  days: number[];
}

function listedDay(pool: RegionPool, day: number): PeriodFigures {
  const money = REGION_MONEY[pool.region];
  const usd = new Float64Array(POOL_SIZE);
  for (let slot = 0; slot < POOL_SIZE; slot += 1)
    usd[slot] = dailyUsd(pool, slot, day, money.scale);
  const figures: PeriodFigures = {
    gmvCents: new Float64Array(POOL_SIZE),
    units: new Float64Array(POOL_SIZE),
    liveCount: new Uint16Array(POOL_SIZE),
    days: [day],
  };
  let positive = 0;
  for (const value of usd) if (value > 0) positive += 1;
  const listed = Math.min(dayListTotal(pool.region, isoDateOf(day)), positive);
  if (listed === 0) return figures;
  // Exactly `listed` creators: every one above the cut, then those on it in slot order.
  const cut = Float64Array.from(usd).sort()[POOL_SIZE - listed] ?? Number.POSITIVE_INFINITY;
  let above = 0;
  for (const value of usd) if (value > cut) above += 1;
  let onCut = listed - above;
  for (let slot = 0; slot < POOL_SIZE; slot += 1) {
    const value = usd[slot] ?? 0;
    if (value < cut) continue;
    if (value === cut) {
      if (onCut === 0) continue;
      onCut -= 1;
    }
    const hash = mix(pool.regionIndex, slot, day >>> 0, 0x11fe);
    const priceUsd = (pool.creators[slot]?.priceUsd ?? 20) * (0.85 + 0.3 * unit(hash, 1));
    figures.gmvCents[slot] = Math.max(100, Math.round((value * 100) / money.usdPerUnit));
    figures.units[slot] = Math.max(1, Math.round(value / priceUsd));
    figures.liveCount[slot] = 1 + (hash % 4 === 0 ? 1 : 0);
  }
  return figures;
}

const days = new LruCache<PeriodFigures>(400);
const periods = new LruCache<PeriodFigures>(64);

/** A region's listed figures of one day (cached: months reuse their days). */
export function dayFigures(region: Region, day: number): PeriodFigures {
  return days.get(`${region}|${day}`, () => listedDay(regionPool(region), day));
}

/** A region's figures of a period, the sum of its days; undefined for an invalid period. */
export function periodFigures(
  region: Region,
  periodType: PeriodType,
  periodValue: string,
): PeriodFigures | undefined {
  const bounds = periodBounds(periodType, periodValue);
  if (!bounds) return undefined;
  const first = dayNumber(bounds.start);
  if (periodType === 'day') return dayFigures(region, first);
  return periods.get(`${region}|${periodType}|${periodValue}`, () => {
    const last = dayNumber(bounds.end);
    const sum: PeriodFigures = {
      gmvCents: new Float64Array(POOL_SIZE),
      units: new Float64Array(POOL_SIZE),
      liveCount: new Uint16Array(POOL_SIZE),
      days: [],
    };
    for (let day = first; day <= last; day += 1) {
      const daily = dayFigures(region, day);
      sum.days.push(day);
      for (let slot = 0; slot < POOL_SIZE; slot += 1) {
        sum.gmvCents[slot] = (sum.gmvCents[slot] ?? 0) + (daily.gmvCents[slot] ?? 0);
        sum.units[slot] = (sum.units[slot] ?? 0) + (daily.units[slot] ?? 0);
        sum.liveCount[slot] = (sum.liveCount[slot] ?? 0) + (daily.liveCount[slot] ?? 0);
      }
    }
    return sum;
  });
}
