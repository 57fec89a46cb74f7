import type pg from 'pg';
import type { Region } from '../domain/ranking.ts';
import type { DemoWeek } from './demo-plan.ts';
import { formatTable } from './format-table.ts';

/*
 * The demo's three analyst questions, asked of the views BI tools use (v_rankings,
 * v_creator_history). Money is rounded to whole units in SQL: these tables are for reading;
 * the views keep the exact figures.
 */

const TOP_N = 5;

interface TopCreatorRow {
  region: string;
  rank: number;
  creator: string;
  gmv: number;
  currency: string;
  usd_gmv: number;
  units_sold: number;
}

/** This week's top creators by GMV in each region (the overall rankings: no category filter). */
const TOP_CREATORS_SQL = `
SELECT region, rank, creator_unique_id AS creator,
       round(live_gmv)::float8 AS gmv, currency, round(live_usd_gmv)::float8 AS usd_gmv,
       live_units_sold::float8 AS units_sold
FROM fastmoss.v_rankings
WHERE period_type = 'week' AND period_value = $1 AND order_field = 'gmv'
  AND product_category_id IS NULL AND creator_category_id IS NULL
  AND region = ANY($2) AND rank <= $3
ORDER BY array_position($2, region), rank`;

interface TrajectoryCreatorRow {
  region: string;
  uid: string;
  creator: string;
}

/** The creator followed day by day: the one in the most of the week's daily GMV rankings. */
const TRAJECTORY_CREATOR_SQL = `
SELECT region, creator_uid_text AS uid, creator_unique_id AS creator
FROM fastmoss.v_rankings
WHERE period_type = 'day' AND period_start BETWEEN $1 AND $2 AND order_field = 'gmv'
  AND product_category_id IS NULL AND creator_category_id IS NULL
  AND region = ANY($3)
GROUP BY region, creator_uid_text, creator_unique_id
ORDER BY count(*) DESC, min(rank), array_position($3, region), creator_uid_text
LIMIT 1`;

interface TrajectoryRow {
  day: string;
  gmv_rank: number | null;
  units_rank: number | null;
  best_rank: number | null;
  usd_gmv: number | null;
}

/** One row per day of the week, also the days the creator was not ranked at all. */
const TRAJECTORY_SQL = `
WITH days AS (
  SELECT to_char(d, 'YYYY-MM-DD') AS day
  FROM generate_series($1::date, $2::date, interval '1 day') AS d
)
SELECT days.day, h.gmv_rank, h.units_rank, h.best_rank,
       round(h.live_usd_gmv)::float8 AS usd_gmv
FROM days
LEFT JOIN fastmoss.v_creator_history h
  ON h.period_type = 'day' AND h.period_value = days.day
 AND h.region = $3 AND h.creator_uid = $4::bigint
ORDER BY days.day`;

interface RegionRow {
  region: string;
  listed: number;
  matching: number | null;
  number_one: string | null;
  listed_usd_gmv: number | null;
  top10_usd_gmv: number | null;
  top10_share_pct: number | null;
}

/** The week's overall GMV rankings of the regions side by side, in US dollars. */
const REGIONS_SQL = `
SELECT regions.region,
       count(r.rank)::int AS listed,
       max(r.snapshot_total)::float8 AS matching,
       (array_agg(r.creator_unique_id ORDER BY r.rank))[1] AS number_one,
       round(sum(r.live_usd_gmv))::float8 AS listed_usd_gmv,
       round(sum(r.live_usd_gmv) FILTER (WHERE r.rank <= 10))::float8 AS top10_usd_gmv,
       round(100 * sum(r.live_usd_gmv) FILTER (WHERE r.rank <= 10)
             / nullif(sum(r.live_usd_gmv), 0), 1)::float8 AS top10_share_pct
FROM unnest($2::text[]) AS regions(region)
LEFT JOIN fastmoss.v_rankings r
  ON r.region = regions.region AND r.period_type = 'week' AND r.period_value = $1
 AND r.order_field = 'gmv' AND r.product_category_id IS NULL AND r.creator_category_id IS NULL
GROUP BY regions.region
ORDER BY listed_usd_gmv DESC NULLS LAST, regions.region`;

export interface DemoAnswers {
  week: DemoWeek;
  topCreators: TopCreatorRow[];
  trajectory: { creator: TrajectoryCreatorRow; days: TrajectoryRow[] } | undefined;
  regions: RegionRow[];
}

export async function readDemoAnswers(
  pool: pg.Pool,
  week: DemoWeek,
  regions: Region[],
): Promise<DemoAnswers> {
  const topCreators = await pool.query<TopCreatorRow>(TOP_CREATORS_SQL, [
    week.week,
    regions,
    TOP_N,
  ]);
  const followed = await pool.query<TrajectoryCreatorRow>(TRAJECTORY_CREATOR_SQL, [
    week.from,
    week.to,
    regions,
  ]);
  const creator = followed.rows[0];
  const days = creator
    ? await pool.query<TrajectoryRow>(TRAJECTORY_SQL, [
        week.from,
        week.to,
        creator.region,
        creator.uid,
      ])
    : undefined;
  const side = await pool.query<RegionRow>(REGIONS_SQL, [week.week, regions]);
  return {
    week,
    topCreators: topCreators.rows,
    trajectory: creator && days ? { creator, days: days.rows } : undefined,
    regions: side.rows,
  };
}

function formatTopCreators(answers: DemoAnswers): string {
  const { week } = answers;
  const empty = answers.regions.filter((row) => row.listed === 0).map((row) => row.region);
  return [
    `1. Who sold the most this week? Top ${TOP_N} creators by GMV per region, week ${week.week} (${week.from}..${week.to})`,
    formatTable(
      ['region', 'rank', 'creator', 'gmv', 'currency', 'usd gmv', 'units sold'],
      answers.topCreators.map((row) => [
        row.region,
        row.rank,
        `@${row.creator}`,
        row.gmv,
        row.currency,
        row.usd_gmv,
        row.units_sold,
      ]),
    ),
    ...(empty.length > 0
      ? [`(FastMoss listed no creators this week for ${empty.join(', ')})`]
      : []),
  ].join('\n');
}

function formatTrajectory(answers: DemoAnswers): string {
  const { trajectory } = answers;
  if (trajectory === undefined) return '2. One creator over the days: nobody was ranked on any day';
  const { creator } = trajectory;
  return [
    `2. How did one creator rank day by day? @${creator.creator} (${creator.region}, uid ${creator.uid}), in the most daily GMV rankings; - = not ranked`,
    formatTable(
      ['day', 'gmv rank', 'units rank', 'best rank', 'usd gmv'],
      trajectory.days.map((row) => [
        row.day,
        row.gmv_rank,
        row.units_rank,
        row.best_rank,
        row.usd_gmv,
      ]),
    ),
  ].join('\n');
}

function formatRegions(answers: DemoAnswers): string {
  return [
    `3. Regions side by side: week ${answers.week.week}'s GMV rankings in US dollars`,
    formatTable(
      ['region', 'listed', 'matching', 'no. 1', 'listed usd gmv', 'top 10 usd gmv', 'top 10 %'],
      answers.regions.map((row) => [
        row.region,
        row.listed,
        row.matching,
        row.number_one === null ? null : `@${row.number_one}`,
        row.listed_usd_gmv,
        row.top10_usd_gmv,
        row.top10_share_pct,
      ]),
    ),
  ].join('\n');
}

/** The three answers as small text tables, for a terminal. */
export function formatDemoAnswers(answers: DemoAnswers): string {
  return [formatTopCreators(answers), formatTrajectory(answers), formatRegions(answers)].join(
    '\n\n',
  );
}
