import { MAX_RANKING_ROWS, type RankingKey } from '../domain/ranking.ts';
import { LIVE_TITLES, REGION_MONEY } from './catalog.ts';
import { LruCache } from './lru.ts';
import { dayFigures, followersOn, type PeriodFigures, periodFigures } from './market.ts';
import { regionPool, type SimCreator, slotsOfCategory } from './pool.ts';
import { hashText, mix, unit } from './random.ts';

/*
 * The simulator's rankings, deterministic: the same request gets the same answer. A ranking is
 * the period's listed creators (market.ts) that pass its filters, sorted by its order field; it
 * is worked out once per key (one pass over the region's pool) and kept in a small cache, so each
 * page costs O(pagesize) after the first.
 */

export { creatorPool, POOL_SIZE, type SimCreator } from './pool.ts';

export interface SimTopLive {
  roomId: string;
  title: string;
  cover: string;
  unitsSold: number;
  gmvCents: number;
}

export interface SimRow {
  rank: number;
  /** The creator, with `followerCount` as of the period's last day. */
  creator: SimCreator;
  saleProductCount: number;
  unitsSold: number;
  gmvCents: number;
  usdGmvCents: number;
  liveCount: number;
  topLives: SimTopLive[];
}

/** Share of creators selling in a product category: 15% to 54%. */
function productCategoryShare(productCategoryId: number): number {
  return 0.15 + (mix(productCategoryId, 0x9c) % 40) / 100;
}

/**
 * The part of a creator's sales that falls in a product category: 0 for those who do not sell in
 * it, else a stable 15% to 100%. A property of the person, the same in every period and region.
 */
function productShare(creator: SimCreator, productCategoryId: number | null): number {
  if (productCategoryId === null) return 1;
  if (unit(creator.hash, productCategoryId, 1) >= productCategoryShare(productCategoryId)) return 0;
  return 0.15 + 0.85 * unit(creator.hash, productCategoryId, 2);
}

interface SimRanking {
  key: RankingKey;
  /** `data.total`: the creators listed in the period that pass the filters. */
  total: number;
  /** Pool slots of ranks 1..min(total, 500). */
  slots: Int32Array;
  figures: PeriodFigures;
}

function emptyRanking(key: RankingKey): SimRanking {
  return {
    key,
    total: 0,
    slots: new Int32Array(0),
    figures: {
      gmvCents: new Float64Array(0),
      units: new Float64Array(0),
      liveCount: new Uint16Array(0),
      days: [],
    },
  };
}

function gmvOf(ranking: SimRanking, slot: number, share: number): number {
  return Math.round((ranking.figures.gmvCents[slot] ?? 0) * share);
}

function unitsOf(ranking: SimRanking, slot: number, share: number): number {
  return Math.max(1, Math.round((ranking.figures.units[slot] ?? 0) * share));
}

function buildRanking(key: RankingKey): SimRanking {
  const figures = periodFigures(key.region, key.periodType, key.periodValue);
  if (!figures) return emptyRanking(key);
  const { creators } = regionPool(key.region);
  const ranking: SimRanking = { key, total: 0, slots: new Int32Array(0), figures };
  const candidates: number[] = [];
  const values: number[] = [];
  for (const slot of slotsOfCategory(key.region, key.creatorCategoryId)) {
    if ((figures.gmvCents[slot] ?? 0) === 0) continue;
    const creator = creators[slot];
    const share = creator ? productShare(creator, key.productCategoryId) : 0;
    if (share === 0) continue;
    candidates.push(slot);
    values[slot] =
      key.orderField === 'gmv' ? gmvOf(ranking, slot, share) : unitsOf(ranking, slot, share);
  }
  // Highest first; a tie goes to the more popular slot, so the order is total and stable.
  candidates.sort((a, b) => (values[b] ?? 0) - (values[a] ?? 0) || a - b);
  ranking.total = candidates.length;
  ranking.slots = Int32Array.from(candidates.slice(0, MAX_RANKING_ROWS));
  return ranking;
}

const rankings = new LruCache<SimRanking>(256);

function keyLabel(key: RankingKey): string {
  return `${key.region}|${key.productCategoryId ?? 'all'}|${key.creatorCategoryId ?? 'all'}|${key.periodType}|${key.periodValue}|${key.orderField}`;
}

function rankingOf(key: RankingKey): SimRanking {
  return rankings.get(keyLabel(key), () => buildRanking(key));
}

/**
 * `data.total` of a ranking: the creators listed in the period that pass its filters. Independent
 * of the order field (same creators, other order). A day's overall total ranges from 0 to 1200;
 * a week or month lists everyone listed on any of its days.
 */
export function rankingTotal(key: RankingKey): number {
  return rankingOf(key).total;
}

interface Session {
  day: number;
  session: number;
  units: number;
  gmvCents: number;
}

/**
 * The live streams behind a row: each listed day's lives, the day's units split among them, the
 * best `count` of the period by units. Rooms depend on creator, region and day only, so a day's
 * lives reappear in its week's and month's rankings, under either order field. Only the best
 * few become objects: a month's row has some forty sessions to choose from.
 */
function topLives(
  dailies: readonly PeriodFigures[],
  regionIndex: number,
  slot: number,
  share: number,
  count: number,
): SimTopLive[] {
  if (count === 0) return [];
  const best: Session[] = [];
  const consider = (
    day: number,
    session: number,
    units: number,
    dayUnits: number,
    dayGmv: number,
  ) => {
    const sharedUnits = Math.floor(units * share);
    if (best.length === count && sharedUnits <= (best[count - 1]?.units ?? 0)) return;
    const gmvCents = Math.round((dayGmv * sharedUnits) / dayUnits);
    best.push({ day, session, units: sharedUnits, gmvCents });
    best.sort((a, b) => b.units - a.units || a.day - b.day || a.session - b.session);
    if (best.length > count) best.pop();
  };
  for (const daily of dailies) {
    const dayUnits = daily.units[slot] ?? 0;
    if (dayUnits === 0) continue;
    if (best.length === count && dayUnits * share <= (best[count - 1]?.units ?? 0)) continue;
    const day = daily.days[0] ?? 0;
    const dayGmv = daily.gmvCents[slot] ?? 0;
    if ((daily.liveCount[slot] ?? 0) < 2) {
      consider(day, 1, dayUnits, dayUnits, dayGmv);
    } else {
      // Two lives that day: the first takes 35% to 65% of its units.
      const first = Math.floor(dayUnits * (0.35 + 0.3 * unit(regionIndex, slot, day >>> 0)));
      consider(day, 1, first, dayUnits, dayGmv);
      consider(day, 2, dayUnits - first, dayUnits, dayGmv);
    }
  }
  return best.map(({ day, session, units, gmvCents }) => {
    const hash = mix(regionIndex, slot, day >>> 0, session);
    const roomId = `76${String(mix(hash, 2) % 1_000_000_000).padStart(9, '0')}${String(mix(hash, 3) % 100_000_000).padStart(8, '0')}`;
    return {
      roomId,
      title: LIVE_TITLES[mix(hash, 4) % LIVE_TITLES.length] ?? 'LIVE',
      cover: `https://s.500fd.com/tt_live/${roomId}~tplv-obj.image`,
      unitsSold: units,
      gmvCents,
    };
  });
}

/** Rows `from`..`to` (1-based, inclusive) of a ranking, as far as it has rows; highest first. */
export function rankingRows(key: RankingKey, from: number, to: number): SimRow[] {
  const ranking = rankingOf(key);
  const { creators, productLines, regionIndex } = regionPool(key.region);
  const dailies =
    key.periodType === 'day'
      ? [ranking.figures]
      : ranking.figures.days.map((day) => dayFigures(key.region, day));
  const { usdPerUnit } = REGION_MONEY[key.region];
  const periodHash = hashText(`${key.region}|${key.periodType}|${key.periodValue}`);
  const lastDay = ranking.figures.days[ranking.figures.days.length - 1] ?? 0;
  const periodShare = { day: 0.35, week: 0.7, month: 1 }[key.periodType];
  const rows: SimRow[] = [];
  const last = Math.min(to, ranking.slots.length);
  for (let rank = Math.max(1, from); rank <= last; rank += 1) {
    const slot = ranking.slots[rank - 1] ?? 0;
    const creator = creators[slot];
    if (!creator) continue;
    const share = productShare(creator, key.productCategoryId);
    const gmvCents = gmvOf(ranking, slot, share);
    const unitsSold = unitsOf(ranking, slot, share);
    const liveCount = ranking.figures.liveCount[slot] ?? 1;
    // FastMoss lists 0 to 5 top lives, the same for both order fields of a period.
    const shown = Math.min(liveCount, mix(periodHash, slot, 5) % 6);
    rows.push({
      rank,
      creator: { ...creator, followerCount: followersOn(creator, lastDay) },
      saleProductCount: Math.max(
        1,
        Math.round(
          (productLines[slot] ?? 5) * periodShare * (key.productCategoryId === null ? 1 : share),
        ),
      ),
      unitsSold,
      gmvCents,
      usdGmvCents: Math.round(gmvCents * usdPerUnit),
      liveCount,
      topLives: topLives(dailies, regionIndex, slot, share, shown),
    });
  }
  return rows;
}
