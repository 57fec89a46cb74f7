import { type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { type FetchedRanking, type RankingKey, rankingKeyLabel } from '../domain/ranking.ts';
import { type PeriodBounds, periodBounds } from '../plan/periods.ts';
import { RankingLoadError } from './errors.ts';
import { lockRankingSeries, refreshQualityFlags } from './quality-flags.ts';
import { type RankingRows, rankingRows, stripNul } from './ranking-rows.ts';
import { archivePages } from './raw-archive.ts';
import { inTransaction } from './transaction.ts';

export interface LoadRankingOptions {
  /** The etl_runs row this load belongs to; stored on the snapshot. */
  runId?: bigint | string | number;
  /**
   * Runs inside the load's transaction, after the ranking is written and before commit: whatever
   * it writes (e.g. the job marked succeeded) commits with the ranking or not at all. What it
   * throws rolls the load back and reaches the caller unchanged.
   */
  withinTransaction?: (tx: pg.ClientBase) => Promise<void>;
}

export interface LoadedRanking {
  /** `ranking_snapshots.id`; the same every time this key is reloaded. */
  snapshotId: string;
  entries: number;
  topLives: number;
}

const dialect = new PgDialect();

/** A whole JS array as one parameter (drizzle would otherwise spread it into a list). */
const array = (values: readonly unknown[]) => sql.param(values);

async function execute<Row extends pg.QueryResultRow>(
  client: pg.ClientBase,
  query: SQL,
): Promise<Row[]> {
  const compiled = dialect.sqlToQuery(query);
  const result = await client.query<Row>(compiled.sql, compiled.params);
  return result.rows;
}

function upsertCreatorCategories(rows: RankingRows): SQL {
  const c = rows.creatorCategories;
  return sql`
    insert into fastmoss.creator_categories as cc (id, name)
    select * from unnest(${array(c.id)}::int[], ${array(c.name)}::text[])
    on conflict (id) do update
       set name = coalesce(excluded.name, cc.name), updated_at = now()
     where excluded.name is not null and excluded.name is distinct from cc.name`;
}

function upsertProductCategory(productCategoryId: number): SQL {
  // The ranking API never names product categories: record the id, keep any name already known.
  return sql`
    insert into fastmoss.product_categories (id) values (${productCategoryId})
    on conflict (id) do nothing`;
}

/*
 * Creators and live streams keep the attributes of the most recent fetch: a ranking fetched
 * earlier but committed later does not roll them back (the WHERE), and a missing value does not
 * erase a known one (the coalesce).
 */
function upsertCreators(rows: RankingRows, seenAt: Date): SQL {
  const c = rows.creators;
  return sql`
    insert into fastmoss.creators as cr
      (uid, unique_id, nickname, avatar_url, region, creator_category_id, follower_count,
       first_seen_at, last_seen_at)
    select r.*, ${seenAt}::timestamptz, ${seenAt}::timestamptz
      from unnest(
        ${array(c.uid)}::bigint[], ${array(c.uniqueId)}::text[], ${array(c.nickname)}::text[],
        ${array(c.avatarUrl)}::text[], ${array(c.region)}::text[],
        ${array(c.creatorCategoryId)}::int[], ${array(c.followerCount)}::bigint[]
      ) as r
    on conflict (uid) do update
       set unique_id = excluded.unique_id,
           nickname = excluded.nickname,
           avatar_url = coalesce(excluded.avatar_url, cr.avatar_url),
           region = coalesce(excluded.region, cr.region),
           creator_category_id = coalesce(excluded.creator_category_id, cr.creator_category_id),
           follower_count = coalesce(excluded.follower_count, cr.follower_count),
           last_seen_at = excluded.last_seen_at
     where excluded.last_seen_at >= cr.last_seen_at`;
}

function upsertLiveStreams(rows: RankingRows, seenAt: Date): SQL {
  const l = rows.liveStreams;
  return sql`
    insert into fastmoss.live_streams as ls
      (room_id, creator_uid, region, title, cover_url, first_seen_at, last_seen_at)
    select r.*, ${seenAt}::timestamptz, ${seenAt}::timestamptz
      from unnest(
        ${array(l.roomId)}::bigint[], ${array(l.creatorUid)}::bigint[],
        ${array(l.region)}::text[], ${array(l.title)}::text[], ${array(l.coverUrl)}::text[]
      ) as r
    on conflict (room_id) do update
       set creator_uid = excluded.creator_uid,
           region = coalesce(excluded.region, ls.region),
           title = coalesce(excluded.title, ls.title),
           cover_url = coalesce(excluded.cover_url, ls.cover_url),
           last_seen_at = excluded.last_seen_at
     where excluded.last_seen_at >= ls.last_seen_at`;
}

/**
 * The ON CONFLICT target names the key columns; Postgres picks the NULLS NOT DISTINCT unique
 * constraint as arbiter, so an "all categories" key (NULLs) finds its earlier snapshot too.
 * Updating in place keeps the snapshot id stable across reloads.
 */
function upsertSnapshot(ranking: FetchedRanking, bounds: PeriodBounds, runId: string | null): SQL {
  const key = ranking.key;
  return sql`
    insert into fastmoss.ranking_snapshots
      (region, product_category_id, creator_category_id, period_type, period_value, order_field,
       period_start, period_end, total, entry_count, api_calls, fetched_at, loaded_at, run_id)
    values
      (${stripNul(key.region)}, ${key.productCategoryId}, ${key.creatorCategoryId},
       ${key.periodType}, ${stripNul(key.periodValue)}, ${key.orderField},
       ${bounds.start}::date, ${bounds.end}::date, ${ranking.total}, ${ranking.entries.length},
       ${ranking.apiCalls}, ${ranking.fetchedAt}::timestamptz, now(), ${runId}::bigint)
    on conflict (region, product_category_id, creator_category_id, period_type, period_value,
                 order_field)
    do update set
      period_start = excluded.period_start,
      period_end = excluded.period_end,
      total = excluded.total,
      entry_count = excluded.entry_count,
      api_calls = excluded.api_calls,
      fetched_at = excluded.fetched_at,
      loaded_at = excluded.loaded_at,
      run_id = excluded.run_id
    returning id`;
}

function deleteSnapshotContent(snapshotId: string): SQL[] {
  return [
    sql`delete from fastmoss.ranking_top_lives where snapshot_id = ${snapshotId}::bigint`,
    sql`delete from fastmoss.ranking_entries where snapshot_id = ${snapshotId}::bigint`,
  ];
}

function insertEntries(rows: RankingRows, snapshotId: string): SQL {
  const e = rows.entries;
  return sql`
    insert into fastmoss.ranking_entries
      (snapshot_id, rank, creator_uid, sale_product_count, live_units_sold, live_gmv,
       live_usd_gmv, currency, live_count, follower_count)
    select ${snapshotId}::bigint, r.*
      from unnest(
        ${array(e.rank)}::int[], ${array(e.creatorUid)}::bigint[],
        ${array(e.saleProductCount)}::int[], ${array(e.liveUnitsSold)}::bigint[],
        ${array(e.liveGmv)}::numeric[], ${array(e.liveUsdGmv)}::numeric[],
        ${array(e.currency)}::text[], ${array(e.liveCount)}::int[],
        ${array(e.followerCount)}::bigint[]
      ) as r`;
}

function insertTopLives(rows: RankingRows, snapshotId: string): SQL {
  const t = rows.topLives;
  return sql`
    insert into fastmoss.ranking_top_lives
      (snapshot_id, rank, position, room_id, units_sold, gmv, currency)
    select ${snapshotId}::bigint, r.*
      from unnest(
        ${array(t.rank)}::int[], ${array(t.position)}::int[], ${array(t.roomId)}::bigint[],
        ${array(t.unitsSold)}::bigint[], ${array(t.gmv)}::numeric[], ${array(t.currency)}::text[]
      ) as r`;
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

async function writeRanking(
  client: pg.ClientBase,
  ranking: FetchedRanking,
  bounds: PeriodBounds,
  runId: string | null,
): Promise<LoadedRanking> {
  const rows = rankingRows(ranking);
  const seenAt = ranking.fetchedAt;
  await lockRankingSeries(client, ranking.key);
  await execute(client, upsertCreatorCategories(rows));
  if (ranking.key.productCategoryId !== null) {
    await execute(client, upsertProductCategory(ranking.key.productCategoryId));
  }
  await execute(client, upsertCreators(rows, seenAt));
  await execute(client, upsertLiveStreams(rows, seenAt));
  const [snapshot] = await execute<{ id: string }>(client, upsertSnapshot(ranking, bounds, runId));
  if (!snapshot) throw new Error('the snapshot upsert returned no id');
  const snapshotId = String(snapshot.id);
  for (const statement of deleteSnapshotContent(snapshotId)) await execute(client, statement);
  await execute(client, insertEntries(rows, snapshotId));
  await execute(client, insertTopLives(rows, snapshotId));
  await refreshQualityFlags(client, snapshotId);
  if (ranking.pages !== undefined) {
    await archivePages(client, ranking.key, bounds, ranking.pages, runId);
  }
  return { snapshotId, entries: rows.entries.rank.length, topLives: rows.topLives.rank.length };
}

function describeDatabaseError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const detail = 'detail' in error && typeof error.detail === 'string' ? ` (${error.detail})` : '';
  return `${error.message}${detail}`;
}

/**
 * Writes one fetched ranking in one transaction: categories, creators and live streams upserted,
 * the snapshot upserted by its key, its previous entries and top lives replaced, its quality
 * flags set, and its pages as received (when the ranking carries them) archived. Readers see the
 * previous version or the new one, never a mix; on any failure the previous version stays.
 */
export async function loadRanking(
  pool: pg.Pool,
  ranking: FetchedRanking,
  options: LoadRankingOptions = {},
): Promise<LoadedRanking> {
  const bounds = checkedBounds(ranking.key);
  checkContiguousRanks(ranking);
  const runId = options.runId === undefined ? null : String(options.runId);

  return inTransaction(pool, async (client) => {
    let loaded: LoadedRanking;
    try {
      loaded = await writeRanking(client, ranking, bounds, runId);
    } catch (error) {
      throw new RankingLoadError(
        `${rankingKeyLabel(ranking.key)}: not loaded, previous version kept: ${describeDatabaseError(error)}`,
        { cause: error },
      );
    }
    await options.withinTransaction?.(client);
    return loaded;
  });
}
