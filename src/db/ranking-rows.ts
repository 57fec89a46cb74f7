import type {
  DecimalString,
  FetchedRanking,
  IdString,
  RankedCreator,
  RankedTopLive,
} from '../domain/ranking.ts';

/*
 * One ranking as column arrays, one array per column, ready for `unnest`: a whole table's rows
 * travel as a handful of parameters, so no statement nears Postgres's 65,535-parameter limit.
 */

export interface CategoryRows {
  id: number[];
  name: (string | null)[];
}

export interface CreatorRows {
  uid: IdString[];
  uniqueId: string[];
  nickname: string[];
  avatarUrl: (string | null)[];
  region: (string | null)[];
  creatorCategoryId: (number | null)[];
  followerCount: (number | null)[];
}

export interface LiveStreamRows {
  roomId: IdString[];
  creatorUid: IdString[];
  region: (string | null)[];
  title: (string | null)[];
  coverUrl: (string | null)[];
}

export interface EntryRows {
  rank: number[];
  creatorUid: IdString[];
  saleProductCount: (number | null)[];
  liveUnitsSold: (number | null)[];
  liveGmv: (DecimalString | null)[];
  liveUsdGmv: (DecimalString | null)[];
  currency: (string | null)[];
  liveCount: (number | null)[];
  followerCount: (number | null)[];
}

export interface TopLiveRows {
  rank: number[];
  position: number[];
  roomId: IdString[];
  unitsSold: (number | null)[];
  gmv: (DecimalString | null)[];
  currency: (string | null)[];
}

export interface RankingRows {
  creatorCategories: CategoryRows;
  creators: CreatorRows;
  liveStreams: LiveStreamRows;
  entries: EntryRows;
  topLives: TopLiveRows;
}

/** Postgres text cannot hold U+0000; everything else (emoji, CJK, any length) is kept as is. */
export function stripNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}

function stripNulOrNull(text: string | null): string | null {
  return text === null ? null : stripNul(text);
}

/** Ids are digits without leading zeros, so the longer is larger and equal lengths compare as text. */
export function compareIds(a: IdString, b: IdString): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `ids` in `compareIds` order, as a new array: grouped by length, each group by the built-in
 * sort's own string order (no comparator called per pair: ~4,000 ids a batch, nearly all 19
 * digits long).
 */
export function sortIds(ids: Iterable<IdString>): IdString[] {
  const byLength = new Map<number, IdString[]>();
  for (const id of ids) {
    const group = byLength.get(id.length);
    if (group) group.push(id);
    else byLength.set(id.length, [id]);
  }
  const lengths = [...byLength.keys()].sort((a, b) => a - b);
  return lengths.flatMap((length) => (byLength.get(length) ?? []).sort());
}

/**
 * One row per id, the last occurrence winning, ordered by id. ON CONFLICT cannot touch one row
 * twice in a statement, and a fixed order makes concurrent loads lock shared rows in the same
 * sequence, so they queue instead of deadlocking.
 */
function lastById<T>(items: Iterable<T>, idOf: (item: T) => IdString): T[] {
  const byId = new Map<IdString, T>();
  for (const item of items) byId.set(idOf(item), item);
  return [...byId.values()].sort((a, b) => compareIds(idOf(a), idOf(b)));
}

function creatorCategoryRows(creators: RankedCreator[]): CategoryRows {
  const named = new Map<number, string | null>();
  for (const creator of creators) {
    if (creator.categoryId === null) continue;
    const name = stripNulOrNull(creator.categoryName);
    // A later row without a name must not hide a name seen earlier in the same ranking.
    named.set(creator.categoryId, name ?? named.get(creator.categoryId) ?? null);
  }
  const ids = [...named.keys()].sort((a, b) => a - b);
  return { id: ids, name: ids.map((id) => named.get(id) ?? null) };
}

function creatorRows(creators: RankedCreator[]): CreatorRows {
  const unique = lastById(creators, (creator) => creator.uid);
  return {
    uid: unique.map((c) => c.uid),
    uniqueId: unique.map((c) => stripNul(c.uniqueId)),
    nickname: unique.map((c) => stripNul(c.nickname)),
    avatarUrl: unique.map((c) => stripNulOrNull(c.avatarUrl)),
    region: unique.map((c) => stripNulOrNull(c.region)),
    creatorCategoryId: unique.map((c) => c.categoryId),
    followerCount: unique.map((c) => c.followerCount),
  };
}

function liveStreamRows(lives: RankedTopLive[]): LiveStreamRows {
  const unique = lastById(lives, (live) => live.roomId);
  return {
    roomId: unique.map((l) => l.roomId),
    creatorUid: unique.map((l) => l.creatorUid),
    region: unique.map((l) => stripNulOrNull(l.region)),
    title: unique.map((l) => stripNulOrNull(l.title)),
    coverUrl: unique.map((l) => stripNulOrNull(l.coverUrl)),
  };
}

/** Splits a checked ranking into the rows of each table it touches, NUL stripped from all text. */
export function rankingRows(ranking: FetchedRanking): RankingRows {
  const { entries } = ranking;
  const topLives = entries.flatMap((entry) =>
    entry.topLives.map((live) => ({ rank: entry.rank, live })),
  );
  return {
    creatorCategories: creatorCategoryRows(entries.map((entry) => entry.creator)),
    creators: creatorRows(entries.map((entry) => entry.creator)),
    liveStreams: liveStreamRows(topLives.map(({ live }) => live)),
    entries: {
      rank: entries.map((e) => e.rank),
      creatorUid: entries.map((e) => e.creator.uid),
      saleProductCount: entries.map((e) => e.saleProductCount),
      liveUnitsSold: entries.map((e) => e.liveUnitsSold),
      liveGmv: entries.map((e) => e.liveGmv),
      liveUsdGmv: entries.map((e) => e.liveUsdGmv),
      currency: entries.map((e) => stripNulOrNull(e.currency)),
      liveCount: entries.map((e) => e.liveCount),
      followerCount: entries.map((e) => e.creator.followerCount),
    },
    topLives: {
      rank: topLives.map((t) => t.rank),
      position: topLives.map((t) => t.live.position),
      roomId: topLives.map((t) => t.live.roomId),
      unitsSold: topLives.map((t) => t.live.unitsSold),
      gmv: topLives.map((t) => t.live.gmv),
      currency: topLives.map((t) => stripNulOrNull(t.live.currency)),
    },
  };
}
