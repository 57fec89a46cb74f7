import type pg from 'pg';
import { ensurePartitions } from '../../src/db/partitions.ts';
import { type RankingRows, rankingRows } from '../../src/db/ranking-rows.ts';
import {
  type FetchedRanking,
  ORDER_FIELDS,
  type PeriodType,
  type RankingKey,
  REGIONS,
  rankingKeyLabel,
} from '../../src/domain/ranking.ts';
import { periodBounds } from '../../src/plan/periods.ts';
import { copyFromStdin, copyText } from '../support/copy-from-stdin.ts';
import { fillCreatorFirsts } from '../support/creator-firsts-fill.ts';
import { days } from '../support/rankings.ts';
import { simulatedRanking } from './simulated-ranking.ts';

/*
 * A year of simulator rankings written straight into the warehouse: parents upserted as the
 * loader does, entries and top lives with COPY, one transaction per period. Loading ~5 million
 * entries through loadRanking one ranking at a time would take the better part of an hour; the
 * rows are the same (src/db/ranking-rows.ts splits them, as for the loader).
 */

export interface WarehouseSpec {
  year: number;
  /** Days of daily rankings from 1 January. */
  days: number;
  productCategoryIds: (number | null)[];
}

export interface WarehouseCounts {
  snapshots: number;
  entries: number;
  topLives: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The periods of the spec, each with every region, order field and category of it. */
export function warehouseBatches(spec: WarehouseSpec): RankingKey[][] {
  const periods: { type: PeriodType; value: string }[] = [
    ...days(`${spec.year}-01-01`, spec.days).map((value) => ({ type: 'day' as const, value })),
    ...Array.from({ length: Math.floor(spec.days / 7) }, (_, i) => ({
      type: 'week' as const,
      value: `${spec.year}-${pad(i + 1)}`,
    })),
    ...Array.from({ length: Math.min(12, Math.floor(spec.days / 30)) }, (_, i) => ({
      type: 'month' as const,
      value: `${spec.year}-${pad(i + 1)}`,
    })),
  ];
  return periods.map(({ type, value }) =>
    REGIONS.flatMap((region) =>
      spec.productCategoryIds.flatMap((productCategoryId) =>
        ORDER_FIELDS.map((orderField) => ({
          region,
          productCategoryId,
          creatorCategoryId: null,
          periodType: type,
          periodValue: value,
          orderField,
        })),
      ),
    ),
  );
}

function bounds(key: RankingKey) {
  const found = periodBounds(key.periodType, key.periodValue);
  if (!found) throw new Error(`not a ${key.periodType}: ${key.periodValue}`);
  return found;
}

/** Column arrays of several rankings' rows for one table, concatenated. */
function concat<T extends object>(parts: T[]): { [K in keyof T]: T[K] } {
  const first = parts[0];
  if (!first) throw new Error('nothing to concatenate');
  const merged = Object.fromEntries(Object.keys(first).map((column) => [column, []])) as Record<
    string,
    unknown[]
  >;
  for (const part of parts) {
    for (const [column, values] of Object.entries(part)) {
      merged[column]?.push(...(values as unknown[]));
    }
  }
  return merged as { [K in keyof T]: T[K] };
}

const text = (value: string | number | null) => copyText(value === null ? null : String(value));

function copyLines(rows: (string | number | null)[][]): Buffer {
  return Buffer.from(rows.map((row) => `${row.map(text).join('\t')}\n`).join(''), 'utf8');
}

async function insertParents(client: pg.ClientBase, all: RankingRows[]): Promise<void> {
  const categories = concat(all.map((rows) => rows.creatorCategories));
  await client.query(
    `INSERT INTO fastmoss.creator_categories (id, name)
     SELECT * FROM unnest($1::int[], $2::text[]) ON CONFLICT (id) DO NOTHING`,
    [categories.id, categories.name],
  );
  await client.query(
    `INSERT INTO fastmoss.product_categories (id)
     SELECT DISTINCT unnest($1::int[]) ON CONFLICT (id) DO NOTHING`,
    [[14]],
  );
  const creators = concat(all.map((rows) => rows.creators));
  await client.query(
    `INSERT INTO fastmoss.creators (uid, unique_id, nickname, avatar_url, region,
                                    creator_category_id, follower_count, first_seen_at, last_seen_at)
     SELECT *, now(), now() FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[],
                                        $5::text[], $6::int[], $7::bigint[])
     ON CONFLICT (uid) DO NOTHING`,
    [
      creators.uid,
      creators.uniqueId,
      creators.nickname,
      creators.avatarUrl,
      creators.region,
      creators.creatorCategoryId,
      creators.followerCount,
    ],
  );
  const lives = concat(all.map((rows) => rows.liveStreams));
  await client.query(
    `INSERT INTO fastmoss.live_streams (room_id, creator_uid, region, title, cover_url,
                                        first_seen_at, last_seen_at)
     SELECT *, now(), now() FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[],
                                        $5::text[])
     ON CONFLICT (room_id) DO NOTHING`,
    [lives.roomId, lives.creatorUid, lives.region, lives.title, lives.coverUrl],
  );
}

async function insertSnapshots(
  client: pg.ClientBase,
  rankings: FetchedRanking[],
): Promise<Map<string, string>> {
  const keys = rankings.map((r) => r.key);
  const { rows } = await client.query<{ id: string; label: string }>(
    `INSERT INTO fastmoss.ranking_snapshots
       (region, product_category_id, creator_category_id, period_type, period_value, order_field,
        period_start, period_end, total, entry_count, api_calls, fetched_at)
     SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[],
                          $7::date[], $8::date[], $9::int[], $10::int[], $11::int[],
                          $12::timestamptz[])
     RETURNING id,
       region || '/pc=' || coalesce(product_category_id::text, 'all') || '/cc=' ||
       coalesce(creator_category_id::text, 'all') || '/' || period_type || ':' || period_value ||
       '/' || order_field AS label`,
    [
      keys.map((k) => k.region),
      keys.map((k) => k.productCategoryId),
      keys.map((k) => k.creatorCategoryId),
      keys.map((k) => k.periodType),
      keys.map((k) => k.periodValue),
      keys.map((k) => k.orderField),
      keys.map((k) => bounds(k).start),
      keys.map((k) => bounds(k).end),
      rankings.map((r) => r.total),
      rankings.map((r) => r.entries.length),
      rankings.map((r) => r.apiCalls),
      rankings.map((r) => r.fetchedAt),
    ],
  );
  return new Map(rows.map((row) => [row.label, row.id]));
}

function entryLines(
  snapshotId: string,
  periodStart: string,
  rows: RankingRows,
): (string | number | null)[][] {
  const e = rows.entries;
  return e.rank.map((rank, i) => [
    snapshotId,
    rank,
    e.creatorUid[i] ?? null,
    e.saleProductCount[i] ?? null,
    e.liveUnitsSold[i] ?? null,
    e.liveGmv[i] ?? null,
    e.liveUsdGmv[i] ?? null,
    e.currency[i] ?? null,
    e.liveCount[i] ?? null,
    e.followerCount[i] ?? null,
    periodStart,
  ]);
}

function topLiveLines(
  snapshotId: string,
  periodStart: string,
  rows: RankingRows,
): (string | number | null)[][] {
  const t = rows.topLives;
  return t.rank.map((rank, i) => [
    snapshotId,
    rank,
    t.position[i] ?? null,
    t.roomId[i] ?? null,
    t.unitsSold[i] ?? null,
    t.gmv[i] ?? null,
    t.currency[i] ?? null,
    periodStart,
  ]);
}

/** Writes one period's rankings in one transaction; returns the rows written. */
async function loadBatch(client: pg.ClientBase, keys: RankingKey[]): Promise<WarehouseCounts> {
  // Fetched the morning after the period ended, as the scheduler would.
  const rankings = keys.map((key) =>
    simulatedRanking(key, new Date(`${bounds(key).end}T06:00:00Z`)),
  );
  const split = rankings.map(rankingRows);
  await client.query('BEGIN');
  await insertParents(client, split);
  const ids = await insertSnapshots(client, rankings);
  const entries: (string | number | null)[][] = [];
  const topLives: (string | number | null)[][] = [];
  rankings.forEach((ranking, i) => {
    const id = ids.get(rankingKeyLabel(ranking.key));
    const rows = split[i];
    if (id === undefined || rows === undefined) throw new Error('snapshot id missing');
    entries.push(...entryLines(id, bounds(ranking.key).start, rows));
    topLives.push(...topLiveLines(id, bounds(ranking.key).start, rows));
  });
  await copyFromStdin(
    client,
    `COPY fastmoss.ranking_entries (snapshot_id, rank, creator_uid, sale_product_count,
       live_units_sold, live_gmv, live_usd_gmv, currency, live_count, follower_count, period_start)
       FROM STDIN`,
    copyLines(entries),
  );
  await copyFromStdin(
    client,
    `COPY fastmoss.ranking_top_lives (snapshot_id, rank, position, room_id, units_sold, gmv,
       currency, period_start) FROM STDIN`,
    copyLines(topLives),
  );
  await client.query('COMMIT');
  return { snapshots: rankings.length, entries: entries.length, topLives: topLives.length };
}

/** The ledger a year of loading leaves: one run, every loaded ranking succeeded, a few failed. */
export async function writeLedger(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO fastmoss.etl_runs (trigger, status, finished_at, planned, succeeded, failed)
     SELECT 'backfill', 'failed', now(), count(*) + 15, count(*), 15
       FROM fastmoss.ranking_snapshots RETURNING id`,
  );
  const runId = rows[0]?.id;
  await client.query(
    `INSERT INTO fastmoss.etl_jobs (region, product_category_id, creator_category_id, period_type,
       period_value, order_field, period_start, period_end, status, attempts, run_id)
     SELECT region, product_category_id, creator_category_id, period_type, period_value,
            order_field, period_start, period_end, 'succeeded', 1, $1
       FROM fastmoss.ranking_snapshots`,
    [runId],
  );
  // The day after the last one loaded failed in every region.
  await client.query(
    `INSERT INTO fastmoss.etl_jobs (region, period_type, period_value, order_field, period_start,
       period_end, status, attempts, last_error, run_id)
     SELECT region, 'day', to_char(d + 1, 'YYYY-MM-DD'), 'gmv', d + 1, d + 1, 'failed', 5,
            'HTTP 503 after 5 attempts', $1
       FROM (SELECT DISTINCT region FROM fastmoss.ranking_snapshots) r,
            (SELECT max(period_start) AS d FROM fastmoss.ranking_snapshots
              WHERE period_type = 'day') last_day`,
    [runId],
  );
}

/**
 * Fills an empty, migrated warehouse with the spec's rankings and their creators' firsts, then
 * VACUUM ANALYZE.
 */
export async function buildWarehouse(
  pool: pg.Pool,
  spec: WarehouseSpec,
  onProgress: (done: number, total: number, counts: WarehouseCounts) => void,
): Promise<WarehouseCounts> {
  const batches = warehouseBatches(spec);
  const counts: WarehouseCounts = { snapshots: 0, entries: 0, topLives: 0 };
  // The fact tables are partitioned by month: every month of the warehouse gets its partitions.
  await ensurePartitions(
    pool,
    batches.flatMap((batch) => batch.map((key) => bounds(key).start)),
  );
  const client = await pool.connect();
  try {
    // The rows are consistent by construction, so the bulk load skips the per-row foreign-key
    // triggers where allowed (superuser); they would double its time and measure nothing here.
    await client.query('SET session_replication_role = replica').catch(() => {});
    await client.query('SET synchronous_commit = off');
    for (const [index, batch] of batches.entries()) {
      const written = await loadBatch(client, batch);
      counts.snapshots += written.snapshots;
      counts.entries += written.entries;
      counts.topLives += written.topLives;
      onProgress(index + 1, batches.length, counts);
    }
    await writeLedger(client);
    await fillCreatorFirsts(client);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  await pool.query('VACUUM ANALYZE');
  return counts;
}
