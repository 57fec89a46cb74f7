import type pg from 'pg';
import {
  compareRankingKeys,
  type FetchedRanking,
  type RankingKey,
  rankingKeyLabel,
} from '../domain/ranking.ts';
import { type PeriodBounds, periodBounds } from '../plan/periods.ts';
import { arrayLiteral, columnLiteral } from './array-literal.ts';
import {
  type CategoryRow,
  type CreatorRow,
  ENTRIES_COPY,
  entryCopyLines,
  type LiveStreamRow,
  mergeDimensionRows,
  TOP_LIVES_COPY,
  topLiveCopyLines,
} from './batch-rows.ts';
import { copyIn } from './copy-in.ts';
import {
  type ReplacedEntries,
  recomputeReplacedFirsts,
  recordCreatorFirsts,
} from './creator-firsts.ts';
import { RankingLoadError } from './errors.ts';
import { ensurePartitions, forgetPartitions, isMissingPartitionError } from './partitions.ts';
import { lockRankingSeries, refreshQualityFlags } from './quality-flags.ts';
import { RANKING_KEY_COLUMNS, type RankingKeyRow, rankingKeyOf } from './ranking-key-sql.ts';
import { stripNul } from './ranking-rows.ts';
import { archivePages, relinkArchivedPages } from './raw-archive.ts';
import { inTransaction } from './transaction.ts';

/*
 * Writing rankings into the warehouse. A batch of rankings is one transaction: their dimension
 * rows (categories, creators, live streams) merged and written once, in key order, only where
 * something changed (a creator's or live stream's attributes only from a period at least as
 * recent as the one they are as of); their snapshots upserted by key (a reload keeps its snapshot id); their
 * quality flags refreshed; their entries and top lives replaced by COPY; each creator's first period
 * in the series kept (creator-firsts.ts); their pages archived.
 * Readers see each ranking's previous version or its new one, never a mix.
 */

export interface RankingLoad {
  ranking: FetchedRanking;
  /** The etl_runs row this load belongs to; stored on the snapshot. */
  runId?: bigint | string | number;
  /**
   * Runs inside the load's transaction, after the ranking is written and before commit: whatever
   * it writes (e.g. the job marked succeeded) commits with the ranking or not at all. What it
   * throws rolls the load back and reaches the caller unchanged.
   */
  withinTransaction?: (tx: pg.ClientBase) => Promise<void>;
}

export type LoadRankingOptions = Omit<RankingLoad, 'ranking'>;

export interface LoadedRanking {
  /** `ranking_snapshots.id`; the same every time this key is reloaded. */
  snapshotId: string;
  entries: number;
  topLives: number;
}

/**
 * A creator's or live stream's `last_seen_at` (and, for the same period, `attributes_fetched_at`)
 * moves only when a fetch is at least this much later (or an attribute changed). Rewriting an
 * unchanged row would lock it until commit, and every ranking names the same busy creators, so
 * concurrent loads would queue on each other.
 */
export const SEEN_AT_PRECISION = '1 hour';

/*
 * Categories, creators and live streams are written compare-first: the `changed` CTE keeps the
 * rows that are new or differ from the stored row, and only those reach INSERT ... ON CONFLICT.
 * ON CONFLICT DO UPDATE locks a conflicting row even when its WHERE is false, so rows that
 * did not change are never offered to it. The DO UPDATE decides again on the row it locked (a
 * concurrent load may have committed a newer one since the statement's snapshot).
 *
 * The stored row is looked up by its key, one index probe per incoming row (LATERAL ... OFFSET 0
 * keeps the planner from turning it into a join): left to itself the planner hashes the whole
 * table for every batch while the table is small next to its default random_page_cost, which
 * cost a 500-row ranking 29 ms for a 28,000-row live_streams table and grew with every load.
 */

/**
 * Whether the incoming attributes (`incoming`) are at least as recent as the stored ones
 * (`stored`): a later period_end, or the same one fetched no earlier. Backfilling an older period
 * never rolls a creator back; a --force reload of the newest period refreshes it. NULL stored
 * as-of (rows from before migration 0012) is older than anything.
 */
function attributesWin(incoming: string, stored: string): string {
  return `(${stored}.attributes_as_of IS NULL
     OR ${incoming}.attributes_as_of > ${stored}.attributes_as_of
     OR (${incoming}.attributes_as_of = ${stored}.attributes_as_of
         AND ${incoming}.attributes_fetched_at >= ${stored}.attributes_fetched_at))`;
}

/**
 * Whether a winning row changes the stored one: the as-of moves to a later period, the same
 * period's fetch moves by SEEN_AT_PRECISION, or an attribute differs (`attributes` are those
 * SQL conditions).
 */
function attributesChange(incoming: string, stored: string, attributes: string[]): string {
  return `(${incoming}.attributes_as_of IS DISTINCT FROM ${stored}.attributes_as_of
     OR ${incoming}.attributes_fetched_at
        >= ${stored}.attributes_fetched_at + interval '${SEEN_AT_PRECISION}'
     OR ${attributes.join('\n     OR ')})`;
}

/** An attribute column; `keepKnown`: a NULL incoming value keeps the stored one. */
interface Attribute {
  name: string;
  keepKnown: boolean;
}

const AS_OF_COLUMNS: Attribute[] = [
  { name: 'attributes_as_of', keepKnown: false },
  { name: 'attributes_fetched_at', keepKnown: false },
];

/** SET items of the attributes and their as-of: the incoming values where they win. */
function attributeUpdates(stored: string, attributes: Attribute[]): string {
  const win = attributesWin('excluded', stored);
  return [...attributes, ...AS_OF_COLUMNS]
    .map(({ name, keepKnown }) => {
      const incoming = keepKnown
        ? `coalesce(excluded.${name}, ${stored}.${name})`
        : `excluded.${name}`;
      return `${name} = CASE WHEN ${win} THEN ${incoming} ELSE ${stored}.${name} END`;
    })
    .join(',\n            ');
}

/*
 * A category's name is that of the latest period naming it, whatever order rankings load in: a
 * backfill of older periods after newer ones keeps the newer name. A ranking that names no
 * category (name NULL, as-of NULL) never wins over a stored name.
 */
const CATEGORY_ATTRIBUTES: Attribute[] = [{ name: 'name', keepKnown: true }];
const CATEGORY_CHANGES = attributesChange(
  'i',
  'c',
  attributeDiffers('i', 'c', CATEGORY_ATTRIBUTES),
);
const CATEGORY_UPDATES = attributeUpdates('cc', CATEGORY_ATTRIBUTES);

async function upsertCreatorCategories(tx: pg.ClientBase, rows: CategoryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `WITH input AS (
       SELECT * FROM unnest($1::int[], $2::text[], $3::date[], $4::timestamptz[])
         AS i(id, name, attributes_as_of, attributes_fetched_at)),
     changed AS (
       SELECT i.* FROM input i LEFT JOIN fastmoss.creator_categories c ON c.id = i.id
        WHERE c.id IS NULL
           OR (i.name IS NOT NULL AND ${attributesWin('i', 'c')} AND ${CATEGORY_CHANGES}))
     INSERT INTO fastmoss.creator_categories AS cc
       (id, name, attributes_as_of, attributes_fetched_at)
     SELECT * FROM changed ORDER BY id
     ON CONFLICT (id) DO UPDATE
        SET ${CATEGORY_UPDATES}, updated_at = now()
      WHERE excluded.name IS NOT NULL AND ${attributesWin('excluded', 'cc')}`,
    [
      columnLiteral(rows, (r) => r.id),
      columnLiteral(rows, (r) => r.name),
      columnLiteral(rows, (r) => r.attributesAsOf),
      columnLiteral(rows, (r) => r.attributesFetchedAt),
    ],
  );
}

async function recordProductCategories(tx: pg.ClientBase, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  // The ranking API never names product categories: record the id, keep any name already known.
  await tx.query(
    `INSERT INTO fastmoss.product_categories (id)
     SELECT i.id FROM unnest($1::int[]) AS i(id)
      WHERE NOT EXISTS (SELECT 1 FROM fastmoss.product_categories p WHERE p.id = i.id)
      ORDER BY i.id
     ON CONFLICT (id) DO NOTHING`,
    [arrayLiteral(ids)],
  );
}

const CREATOR_ATTRIBUTES: Attribute[] = [
  { name: 'unique_id', keepKnown: false },
  { name: 'nickname', keepKnown: false },
  { name: 'avatar_url', keepKnown: true },
  { name: 'region', keepKnown: true },
  { name: 'creator_category_id', keepKnown: true },
  { name: 'follower_count', keepKnown: true },
];

const LIVE_STREAM_ATTRIBUTES: Attribute[] = [
  { name: 'creator_uid', keepKnown: false },
  { name: 'region', keepKnown: true },
  { name: 'title', keepKnown: true },
  { name: 'cover_url', keepKnown: true },
];

/** Conditions: an attribute of `incoming` differs from `stored` (a NULL never differs from a known value). */
function attributeDiffers(incoming: string, stored: string, attributes: Attribute[]): string[] {
  return attributes.map(({ name, keepKnown }) =>
    keepKnown
      ? `coalesce(${incoming}.${name}, ${stored}.${name}) IS DISTINCT FROM ${stored}.${name}`
      : `${incoming}.${name} <> ${stored}.${name}`,
  );
}

/*
 * A stored row is offered to ON CONFLICT when it is new, when the incoming attributes win and
 * change something, or when it was seen SEEN_AT_PRECISION later than its last_seen_at or earlier
 * than its first_seen_at (a replayed ranking fetched long ago).
 */
const CREATOR_CHANGES = attributesChange('i', 'l', attributeDiffers('i', 'l', CREATOR_ATTRIBUTES));
const CREATOR_UPDATES = attributeUpdates('cr', CREATOR_ATTRIBUTES);

async function upsertCreators(tx: pg.ClientBase, rows: CreatorRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `WITH input AS (
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                            $6::int[], $7::bigint[], $8::date[], $9::timestamptz[],
                            $10::timestamptz[], $11::timestamptz[])
         AS i(uid, unique_id, nickname, avatar_url, region, creator_category_id, follower_count,
              attributes_as_of, attributes_fetched_at, first_seen_at, last_seen_at)),
     changed AS (
       SELECT i.* FROM input i
         LEFT JOIN LATERAL (SELECT * FROM fastmoss.creators c WHERE c.uid = i.uid OFFSET 0) l ON true
        WHERE l.uid IS NULL
           OR (${attributesWin('i', 'l')} AND ${CREATOR_CHANGES})
           OR i.last_seen_at >= l.last_seen_at + interval '${SEEN_AT_PRECISION}'
           OR i.first_seen_at <= l.first_seen_at - interval '${SEEN_AT_PRECISION}')
     INSERT INTO fastmoss.creators AS cr
       (uid, unique_id, nickname, avatar_url, region, creator_category_id, follower_count,
        attributes_as_of, attributes_fetched_at, first_seen_at, last_seen_at)
     SELECT * FROM changed ORDER BY uid
     ON CONFLICT (uid) DO UPDATE
        SET ${CREATOR_UPDATES},
            first_seen_at = least(cr.first_seen_at, excluded.first_seen_at),
            last_seen_at = greatest(cr.last_seen_at, excluded.last_seen_at)
      WHERE ${attributesWin('excluded', 'cr')}
         OR excluded.last_seen_at > cr.last_seen_at OR excluded.first_seen_at < cr.first_seen_at`,
    [
      columnLiteral(rows, (r) => r.uid),
      columnLiteral(rows, (r) => r.uniqueId),
      columnLiteral(rows, (r) => r.nickname),
      columnLiteral(rows, (r) => r.avatarUrl),
      columnLiteral(rows, (r) => r.region),
      columnLiteral(rows, (r) => r.categoryId),
      columnLiteral(rows, (r) => r.followerCount),
      columnLiteral(rows, (r) => r.attributesAsOf),
      columnLiteral(rows, (r) => r.attributesFetchedAt),
      columnLiteral(rows, (r) => r.firstSeenAt),
      columnLiteral(rows, (r) => r.lastSeenAt),
    ],
  );
}

const LIVE_STREAM_CHANGES = attributesChange(
  'i',
  'l',
  attributeDiffers('i', 'l', LIVE_STREAM_ATTRIBUTES),
);
const LIVE_STREAM_UPDATES = attributeUpdates('ls', LIVE_STREAM_ATTRIBUTES);

async function upsertLiveStreams(tx: pg.ClientBase, rows: LiveStreamRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `WITH input AS (
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[],
                            $6::date[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[])
         AS i(room_id, creator_uid, region, title, cover_url, attributes_as_of,
              attributes_fetched_at, first_seen_at, last_seen_at)),
     changed AS (
       SELECT i.* FROM input i
         LEFT JOIN LATERAL (
           SELECT * FROM fastmoss.live_streams s WHERE s.room_id = i.room_id OFFSET 0) l ON true
        WHERE l.room_id IS NULL
           OR (${attributesWin('i', 'l')} AND ${LIVE_STREAM_CHANGES})
           OR i.last_seen_at >= l.last_seen_at + interval '${SEEN_AT_PRECISION}'
           OR i.first_seen_at <= l.first_seen_at - interval '${SEEN_AT_PRECISION}')
     INSERT INTO fastmoss.live_streams AS ls
       (room_id, creator_uid, region, title, cover_url, attributes_as_of, attributes_fetched_at,
        first_seen_at, last_seen_at)
     SELECT * FROM changed ORDER BY room_id
     ON CONFLICT (room_id) DO UPDATE
        SET ${LIVE_STREAM_UPDATES},
            first_seen_at = least(ls.first_seen_at, excluded.first_seen_at),
            last_seen_at = greatest(ls.last_seen_at, excluded.last_seen_at)
      WHERE ${attributesWin('excluded', 'ls')}
         OR excluded.last_seen_at > ls.last_seen_at OR excluded.first_seen_at < ls.first_seen_at`,
    [
      columnLiteral(rows, (r) => r.roomId),
      columnLiteral(rows, (r) => r.creatorUid),
      columnLiteral(rows, (r) => r.region),
      columnLiteral(rows, (r) => r.title),
      columnLiteral(rows, (r) => r.coverUrl),
      columnLiteral(rows, (r) => r.attributesAsOf),
      columnLiteral(rows, (r) => r.attributesFetchedAt),
      columnLiteral(rows, (r) => r.firstSeenAt),
      columnLiteral(rows, (r) => r.lastSeenAt),
    ],
  );
}

interface PreparedLoad extends RankingLoad {
  /** Position in the caller's list. */
  index: number;
  bounds: PeriodBounds;
  runIdText: string | null;
}

/**
 * Upserts the snapshots of the batch by key, in key order; the ON CONFLICT target names the key
 * columns and Postgres picks the NULLS NOT DISTINCT unique constraint as arbiter, so an "all
 * categories" key (NULLs) finds its earlier snapshot too. Updating in place keeps the snapshot
 * id stable across reloads. Returns each load's snapshot id and whether it replaced one.
 */
async function upsertSnapshots(
  tx: pg.ClientBase,
  loads: PreparedLoad[],
): Promise<{ id: string; replaced: boolean }[]> {
  const column = <T>(pick: (load: PreparedLoad) => T) => loads.map(pick);
  const result = await tx.query<RankingKeyRow & { id: string; replaced: boolean }>(
    `INSERT INTO fastmoss.ranking_snapshots AS s
       (${RANKING_KEY_COLUMNS}, period_start, period_end, total, entry_count, api_calls,
        fetched_at, loaded_at, run_id)
     SELECT ${RANKING_KEY_COLUMNS}, period_start, period_end, total, entry_count, api_calls,
            fetched_at, now(), run_id
       FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[],
                   $7::date[], $8::date[], $9::int[], $10::int[], $11::int[], $12::timestamptz[],
                   $13::bigint[]) WITH ORDINALITY
         AS i(${RANKING_KEY_COLUMNS}, period_start, period_end, total, entry_count, api_calls,
              fetched_at, run_id, n)
      ORDER BY i.n
     ON CONFLICT (${RANKING_KEY_COLUMNS}) DO UPDATE SET
       period_start = excluded.period_start,
       period_end = excluded.period_end,
       total = excluded.total,
       entry_count = excluded.entry_count,
       api_calls = excluded.api_calls,
       fetched_at = excluded.fetched_at,
       loaded_at = excluded.loaded_at,
       run_id = excluded.run_id
     RETURNING s.id, s.region, s.product_category_id, s.creator_category_id, s.period_type,
               s.period_value, s.order_field, (s.xmax <> 0) AS replaced`,
    [
      column((l) => stripNul(l.ranking.key.region)),
      column((l) => l.ranking.key.productCategoryId),
      column((l) => l.ranking.key.creatorCategoryId),
      column((l) => l.ranking.key.periodType),
      column((l) => stripNul(l.ranking.key.periodValue)),
      column((l) => l.ranking.key.orderField),
      column((l) => l.bounds.start),
      column((l) => l.bounds.end),
      column((l) => l.ranking.total),
      column((l) => l.ranking.entries.length),
      column((l) => l.ranking.apiCalls),
      column((l) => l.ranking.fetchedAt),
      column((l) => l.runIdText),
    ],
  );
  const byKey = new Map(
    result.rows.map((row) => [
      rankingKeyLabel(rankingKeyOf(row)),
      { id: String(row.id), replaced: row.replaced },
    ]),
  );
  return loads.map((load) => {
    const snapshot = byKey.get(rankingKeyLabel(load.ranking.key));
    if (!snapshot) throw new Error('the snapshot upsert returned no id');
    return snapshot;
  });
}

function checkedBounds(key: RankingKey): PeriodBounds {
  const bounds = periodBounds(key.periodType, key.periodValue);
  if (!bounds) {
    throw new RankingLoadError(
      `${rankingKeyLabel(key)}: "${key.periodValue}" is not a valid ${key.periodType} period`,
    );
  }
  return bounds;
}

function checkContiguousRanks(ranking: FetchedRanking): void {
  ranking.entries.forEach((entry, index) => {
    if (entry.rank !== index + 1) {
      throw new RankingLoadError(
        `${rankingKeyLabel(ranking.key)}: entry ${index + 1} has rank ${entry.rank}; ranks must run 1..${ranking.entries.length} in order`,
      );
    }
  });
}

/**
 * Checks a ranking before it joins a batch, so a ranking that cannot be written fails alone.
 * Throws RankingLoadError.
 */
export function checkLoadable(ranking: FetchedRanking): void {
  checkedBounds(ranking.key);
  checkContiguousRanks(ranking);
}

async function writeBatch(tx: pg.ClientBase, loads: PreparedLoad[]): Promise<LoadedRanking[]> {
  const rankings = loads.map((load) => load.ranking);
  const dimensions = mergeDimensionRows(loads);
  await lockRankingSeries(
    tx,
    rankings.map((ranking) => ranking.key),
  );
  await upsertCreatorCategories(tx, dimensions.creatorCategories);
  await recordProductCategories(tx, dimensions.productCategoryIds);
  await upsertCreators(tx, dimensions.creators);
  await upsertLiveStreams(tx, dimensions.liveStreams);
  const snapshots = await upsertSnapshots(tx, loads);
  // The flags read only ranking_snapshots, so they are refreshed before any fact row is touched:
  // the same result, and on Citus (docs/scaling.md) no reference-table write after a parallel
  // write to the distributed facts in one transaction, which it refuses.
  for (const load of loads) await refreshQualityFlags(tx, load.ranking.key, load.bounds);
  const replaced = snapshots.filter((s) => s.replaced).map((s) => s.id);
  // Who the replaced rankings listed, for ranking_creator_firsts (src/db/creator-firsts.ts).
  const replacedEntries: ReplacedEntries = { snapshotIds: [], creatorUids: [], ranks: [] };
  if (replaced.length > 0) {
    // period_start, the partition key, keeps the deletes to the months of the batch.
    const months = [
      ...new Set(loads.filter((_, i) => snapshots[i]?.replaced).map((l) => l.bounds.start)),
    ];
    const params = [replaced, months];
    await tx.query(
      `DELETE FROM fastmoss.ranking_top_lives
        WHERE snapshot_id = ANY($1::bigint[]) AND period_start = ANY($2::date[])`,
      params,
    );
    const { rows: old } = await tx.query<{
      snapshot_id: string;
      creator_uid: string;
      rank: number;
    }>(
      `DELETE FROM fastmoss.ranking_entries
        WHERE snapshot_id = ANY($1::bigint[]) AND period_start = ANY($2::date[])
        RETURNING snapshot_id, creator_uid, rank`,
      params,
    );
    for (const row of old) {
      replacedEntries.snapshotIds.push(String(row.snapshot_id));
      replacedEntries.creatorUids.push(String(row.creator_uid));
      replacedEntries.ranks.push(row.rank);
    }
  }
  // One chunk of COPY text per ranking, sent in turn, never joined into one string.
  const entries: string[] = [];
  const topLives: string[] = [];
  const loaded = loads.map((load, index) => {
    const snapshotId = snapshots[index]?.id ?? '';
    entries.push(entryCopyLines(load.ranking, snapshotId, load.bounds.start));
    const lives = topLiveCopyLines(load.ranking, snapshotId, load.bounds.start);
    topLives.push(lives.text);
    return { snapshotId, entries: load.ranking.entries.length, topLives: lives.rows };
  });
  await copyIn(tx, ENTRIES_COPY, entries);
  await copyIn(tx, TOP_LIVES_COPY, topLives);
  await recordCreatorFirsts(
    tx,
    snapshots.map((s) => s.id),
    [...new Set(loads.map((l) => l.bounds.start))],
  );
  await recomputeReplacedFirsts(tx, replacedEntries);
  const archived = loads.map((load, index) => ({
    key: load.ranking.key,
    bounds: load.bounds,
    pages: load.ranking.pages,
    runId: load.runIdText,
    snapshotId: snapshots[index]?.id ?? '',
  }));
  await archivePages(
    tx,
    archived.flatMap(({ pages, ...ranking }) =>
      pages === undefined ? [] : [{ ...ranking, pages }],
    ),
  );
  // A rebuild loads from pages already archived: they keep their rows, and follow the snapshot.
  await relinkArchivedPages(
    tx,
    archived.filter(({ pages }) => pages === undefined),
  );
  return loaded;
}

function describeDatabaseError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const detail = 'detail' in error && typeof error.detail === 'string' ? ` (${error.detail})` : '';
  return `${error.message}${detail}`;
}

function batchLabel(loads: RankingLoad[]): string {
  const [first] = loads;
  if (loads.length === 1 && first) return rankingKeyLabel(first.ranking.key);
  return `a batch of ${loads.length} rankings`;
}

/**
 * Writes fetched rankings in one transaction: all of them, or none (then the previous version of
 * each stays). Each load's `withinTransaction` runs after every ranking is written, in key order
 * (compareRankingKeys). The result is in the order of `loads`.
 */
export async function loadRankings(pool: pg.Pool, loads: RankingLoad[]): Promise<LoadedRanking[]> {
  if (loads.length === 0) return [];
  const prepared: PreparedLoad[] = loads
    .map((load, index) => {
      checkContiguousRanks(load.ranking);
      return {
        ...load,
        index,
        bounds: checkedBounds(load.ranking.key),
        runIdText: load.runId === undefined ? null : String(load.runId),
      };
    })
    .sort((a, b) => compareRankingKeys(a.ranking.key, b.ranking.key));
  // The months' partitions are made first, outside the transaction (src/db/partitions.ts).
  const ensureMonths = async () => {
    try {
      await ensurePartitions(
        pool,
        prepared.map((load) => load.bounds.start),
      );
    } catch (error) {
      throw new RankingLoadError(
        `${batchLabel(loads)}: not loaded: ${describeDatabaseError(error)}`,
        {
          cause: error,
        },
      );
    }
  };
  await ensureMonths();
  try {
    return await writeInTransaction(pool, loads, prepared);
  } catch (error) {
    if (!isMissingPartitionError(error)) throw error;
    // A partition this process had seen was dropped since (retention, by hand): make it again.
    forgetPartitions(pool);
    await ensureMonths();
    return writeInTransaction(pool, loads, prepared);
  }
}

function writeInTransaction(
  pool: pg.Pool,
  loads: RankingLoad[],
  prepared: PreparedLoad[],
): Promise<LoadedRanking[]> {
  return inTransaction(pool, async (tx) => {
    let written: LoadedRanking[];
    try {
      written = await writeBatch(tx, prepared);
    } catch (error) {
      throw new RankingLoadError(
        `${batchLabel(loads)}: not loaded, previous version kept: ${describeDatabaseError(error)}`,
        { cause: error },
      );
    }
    const inCallerOrder: LoadedRanking[] = new Array(loads.length);
    prepared.forEach((load, at) => {
      const result = written[at];
      if (result) inCallerOrder[load.index] = result;
    });
    // In key order, the order planJobs locks job rows in: what these write (each job marked
    // succeeded) then cannot deadlock with a plan of the same jobs in another process.
    for (const load of prepared) await load.withinTransaction?.(tx);
    return inCallerOrder;
  });
}

/** Writes one fetched ranking in one transaction (a batch of one). */
export async function loadRanking(
  pool: pg.Pool,
  ranking: FetchedRanking,
  options: LoadRankingOptions = {},
): Promise<LoadedRanking> {
  const [loaded] = await loadRankings(pool, [{ ranking, ...options }]);
  if (!loaded) throw new Error('loadRankings returned no result');
  return loaded;
}
