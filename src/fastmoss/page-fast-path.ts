import type { RankedTopLive } from '../domain/ranking.ts';
import type { RankingPageData, WireEntry } from './wire.ts';
import {
  INVALID,
  readCount,
  readId,
  readMoney,
  readOptionalText,
  readText,
} from './wire-fields.ts';

/*
 * A well-formed page read by hand: the same field readers as the zod schemas in wire.ts, without
 * zod's per-field overhead (zod took ~4.5 ms of CPU per 100-row page, most of a page's cost).
 * Any doubt returns undefined, and the caller reads the page with zod instead, which accepts
 * or refuses it and names the field. So this path may refuse more than zod, never accept more,
 * and gives the same value whenever it accepts (pinned by a test over generated pages).
 */

/** Thrown inside the fast path to give up on a page at its first doubtful field. */
const GIVE_UP: unique symbol = Symbol('give up');

type Fields = Record<string, unknown>;

function object(value: unknown): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw GIVE_UP;
  return value as Fields;
}

function valid<T>(value: T | typeof INVALID): T {
  if (value === INVALID) throw GIVE_UP;
  return value;
}

function topLive(value: unknown, index: number, creatorUid: string): RankedTopLive {
  const live = object(value);
  const uid = live.uid === undefined ? undefined : valid(readId(live.uid));
  const unitsSold = valid(readCount(live.units_sold));
  const uintsSold = valid(readCount(live.uints_sold));
  return {
    position: index + 1,
    roomId: valid(readId(live.room_id)),
    creatorUid: uid ?? creatorUid,
    region: valid(readOptionalText(live.region)),
    title: valid(readOptionalText(live.title)),
    coverUrl: valid(readOptionalText(live.cover)),
    unitsSold: unitsSold ?? uintsSold,
    gmv: valid(readMoney(live.gmv)),
    currency: valid(readOptionalText(live.currency)),
  };
}

function entry(value: unknown): WireEntry {
  const row = object(value);
  const creator = object(row.creator);
  const uid = valid(readId(creator.uid));
  const uniqueId = valid(readText(creator.unique_id));
  const category =
    creator.category === null || creator.category === undefined
      ? undefined
      : object(creator.category);
  const lives = row.top_live;
  if (lives !== null && lives !== undefined && !Array.isArray(lives)) throw GIVE_UP;
  const wireRank = valid(readCount(row.rank));
  const nickname = valid(readOptionalText(creator.nickname));
  return {
    wireRank,
    creator: {
      uid,
      uniqueId,
      nickname: nickname ?? '',
      avatarUrl: valid(readOptionalText(creator.avatar)),
      region: valid(readOptionalText(creator.region)),
      categoryId: category ? valid(readCount(category.id)) : null,
      categoryName: category ? valid(readOptionalText(category.name)) : null,
      followerCount: valid(readCount(creator.follower_count)),
    },
    saleProductCount: valid(readCount(row.sale_product_count)),
    liveUnitsSold: valid(readCount(row.live_units_sold)),
    liveGmv: valid(readMoney(row.live_gmv)),
    liveUsdGmv: valid(readMoney(row.live_usd_gmv)),
    currency: valid(readOptionalText(row.currency)),
    liveCount: valid(readCount(row.live_count)),
    topLives: (lives ?? []).map((live: unknown, index: number) => topLive(live, index, uid)),
  };
}

/** The page as `rankingPageSchema` would read it, or undefined to let zod decide. */
export function readRankingPageFast(data: unknown): RankingPageData | undefined {
  try {
    const page = object(data);
    const list = page.list;
    if (list !== null && list !== undefined && !Array.isArray(list)) return undefined;
    const total = valid(readCount(page.total));
    if (total === null) return undefined;
    return {
      entries: (list ?? []).map(entry),
      total,
      dateType: valid(readOptionalText(page.date_type)),
      dateValue: valid(readOptionalText(page.date_value)),
    };
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
}
