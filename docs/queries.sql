-- Questions an analyst of TikTok Shop live commerce asks, answered against schema fastmoss.
--
-- Each query runs as-is in psql or a BI tool: its knobs sit in a `params` CTE at the top, and
-- "this week" or "this month" means the latest period loaded, not today. The overall rankings are
-- the ones without a category filter (product_category_id IS NULL AND creator_category_id IS NULL);
-- GMV is compared across regions in US dollars (live_usd_gmv), within a region in its currency.
-- Ids come as *_text too: use those in Power BI, Tableau or Excel, which round 19-digit numbers.
-- Entries and top lives are partitioned by month of period_start: join them to ranking_snapshots
-- on period_start as well as snapshot_id (the views do), so Postgres reads only the months asked.
--
-- A line `-- name: <name>` starts each query; tests and tools split the file on it.

-- name: top_creators_by_gmv_this_week
-- Who sold the most (GMV) in each region in the latest loaded week?
WITH params AS (
  SELECT 10 AS top_n,
         (SELECT max(period_start) FROM fastmoss.ranking_snapshots
           WHERE period_type = 'week') AS week_start
)
SELECT r.region, r.period_value AS week, r.rank, r.creator_uid_text, r.creator_unique_id,
       r.creator_nickname, r.live_gmv, r.currency, r.live_usd_gmv, r.live_units_sold,
       r.live_count
FROM fastmoss.v_rankings r
WHERE r.period_type = 'week'
  AND r.period_start = (SELECT week_start FROM params)
  AND r.order_field = 'gmv'
  AND r.product_category_id IS NULL AND r.creator_category_id IS NULL
  AND r.rank <= (SELECT top_n FROM params)
ORDER BY r.region, r.live_gmv DESC, r.rank;

-- name: risers_and_fallers
-- Who climbed or fell furthest in each region's GMV ranking, latest week against the week loaded before it?
WITH params AS (
  SELECT 'week'::text AS period_type, 5 AS per_direction
),
periods AS (
  SELECT (SELECT max(period_start) FROM fastmoss.ranking_snapshots
           WHERE period_type = p.period_type) AS current_start,
         (SELECT max(period_start) FROM fastmoss.ranking_snapshots
           WHERE period_type = p.period_type
             AND period_start < (SELECT max(period_start) FROM fastmoss.ranking_snapshots
                                  WHERE period_type = p.period_type)) AS previous_start
  FROM params p
),
moves AS (
  -- One pass over both periods, grouped per creator: no self-join for the planner to misjudge.
  SELECT s.region, e.creator_uid,
         max(s.period_value) FILTER (WHERE s.period_start = pr.previous_start) AS previous_period,
         max(s.period_value) FILTER (WHERE s.period_start = pr.current_start) AS current_period,
         min(e.rank) FILTER (WHERE s.period_start = pr.previous_start) AS previous_rank,
         min(e.rank) FILTER (WHERE s.period_start = pr.current_start) AS current_rank,
         sum(e.live_usd_gmv) FILTER (WHERE s.period_start = pr.current_start)
           - sum(e.live_usd_gmv) FILTER (WHERE s.period_start = pr.previous_start)
           AS usd_gmv_change
  FROM fastmoss.ranking_snapshots s
  JOIN fastmoss.ranking_entries e ON e.snapshot_id = s.id AND e.period_start = s.period_start
  CROSS JOIN periods pr
  WHERE s.period_type = (SELECT period_type FROM params)
    -- Scalar subqueries, so Postgres finds the two periods' rankings by index first.
    AND s.period_start IN ((SELECT current_start FROM periods), (SELECT previous_start FROM periods))
    AND s.order_field = 'gmv'
    AND s.product_category_id IS NULL AND s.creator_category_id IS NULL
  GROUP BY s.region, e.creator_uid
  HAVING count(*) FILTER (WHERE s.period_start = pr.current_start) = 1
     AND count(*) FILTER (WHERE s.period_start = pr.previous_start) = 1
),
ordered AS (
  SELECT m.*, m.previous_rank - m.current_rank AS places_gained,
         row_number() OVER (PARTITION BY region
                            ORDER BY m.previous_rank - m.current_rank DESC, current_rank) AS riser_no,
         row_number() OVER (PARTITION BY region
                            ORDER BY m.previous_rank - m.current_rank, current_rank) AS faller_no
  FROM moves m
)
SELECT CASE WHEN o.places_gained > 0 THEN 'riser' ELSE 'faller' END AS direction,
       o.region, o.creator_uid::text AS creator_uid_text, c.unique_id AS creator_unique_id,
       c.nickname AS creator_nickname, o.previous_period, o.current_period, o.previous_rank,
       o.current_rank, o.places_gained, o.usd_gmv_change
FROM ordered o
JOIN fastmoss.creators c ON c.uid = o.creator_uid
WHERE (o.places_gained > 0 AND o.riser_no <= (SELECT per_direction FROM params))
   OR (o.places_gained < 0 AND o.faller_no <= (SELECT per_direction FROM params))
ORDER BY o.region, o.places_gained DESC, o.current_rank;

-- name: creator_rank_trajectory
-- How has one creator's rank moved day by day? (Put a uid in params; by default the latest week's no. 1.)
WITH params AS (
  SELECT 'day'::text AS period_type,
         coalesce(
           NULL::bigint, -- a creator_uid, e.g. 7291972001835992106
           (SELECT e.creator_uid
              FROM fastmoss.ranking_snapshots s
              JOIN fastmoss.ranking_entries e
                ON e.snapshot_id = s.id AND e.period_start = s.period_start AND e.rank = 1
             WHERE s.period_type = 'week' AND s.order_field = 'gmv'
               AND s.product_category_id IS NULL AND s.creator_category_id IS NULL
               -- The latest week named first, so only its month of entries is read.
               AND s.period_start = (SELECT max(period_start) FROM fastmoss.ranking_snapshots
                                      WHERE period_type = 'week')
             ORDER BY s.region
             LIMIT 1)
         ) AS creator_uid
)
SELECT h.region, h.period_value, h.period_start, h.creator_uid_text, h.creator_unique_id,
       h.gmv_rank, h.units_rank, h.best_rank,
       lag(h.gmv_rank) OVER (PARTITION BY h.region ORDER BY h.period_start) - h.gmv_rank
         AS gmv_places_gained,
       h.live_usd_gmv, h.live_units_sold
FROM fastmoss.v_creator_history h
WHERE h.creator_uid = (SELECT creator_uid FROM params)
  AND h.period_type = (SELECT period_type FROM params)
ORDER BY h.region, h.period_start;

-- name: category_share_of_gmv_by_region
-- Which creator categories take what share of each region's top-500 GMV in the latest loaded month?
-- (A creator counts in the category FastMoss last gave them.)
WITH params AS (
  SELECT (SELECT max(period_start) FROM fastmoss.ranking_snapshots
           WHERE period_type = 'month') AS month_start
),
by_category AS (
  SELECT r.region, r.period_value AS month, c.creator_category_id,
         count(*) AS creators, sum(r.live_usd_gmv) AS usd_gmv
  FROM fastmoss.v_rankings r
  JOIN fastmoss.creators c ON c.uid = r.creator_uid
  WHERE r.period_type = 'month'
    AND r.period_start = (SELECT month_start FROM params)
    AND r.order_field = 'gmv'
    AND r.product_category_id IS NULL AND r.creator_category_id IS NULL
  GROUP BY r.region, r.period_value, c.creator_category_id
)
SELECT b.region, b.month, b.creator_category_id,
       coalesce(cc.name, 'Unknown') AS creator_category_name, b.creators, b.usd_gmv,
       b.usd_gmv / nullif(sum(b.usd_gmv) OVER (PARTITION BY b.region), 0) AS gmv_share
FROM by_category b
LEFT JOIN fastmoss.creator_categories cc ON cc.id = b.creator_category_id
ORDER BY b.region, gmv_share DESC, b.creator_category_id;

-- name: creators_new_to_top_100
-- Who entered a region's top 100 by GMV in the latest week, never having been there in an earlier loaded week?
-- (ranking_creator_firsts keeps, per ranking series and creator, the first week they ranked 100 or
-- better: this week's top 100 joined to it, one probe a creator, however long the history.)
WITH params AS (
  SELECT (SELECT max(period_start) FROM fastmoss.ranking_snapshots
           WHERE period_type = 'week') AS week_start
)
SELECT r.region, r.period_value AS week, r.rank, r.creator_uid_text, r.creator_unique_id,
       r.creator_nickname, r.live_usd_gmv
FROM fastmoss.v_rankings r
JOIN fastmoss.ranking_creator_firsts f
  ON f.creator_uid = r.creator_uid AND f.region = r.region
 AND f.period_type = 'week' AND f.order_field = 'gmv'
 AND f.product_category_id IS NULL AND f.creator_category_id IS NULL
WHERE r.period_type = 'week'
  AND r.period_start = (SELECT week_start FROM params)
  AND r.order_field = 'gmv'
  AND r.product_category_id IS NULL AND r.creator_category_id IS NULL
  AND r.rank <= 100
  -- Their first top-100 week in this series is this one.
  AND f.first_top_100_start = r.period_start
ORDER BY r.region, r.rank;

-- name: top_10_concentration
-- How concentrated is each region's GMV: what share of its listed top 500 do the top 10 take, latest week?
WITH params AS (
  SELECT 10 AS top_n,
         (SELECT max(period_start) FROM fastmoss.ranking_snapshots
           WHERE period_type = 'week') AS week_start
)
SELECT r.region, r.period_value AS week,
       count(*) AS creators_listed,
       max(r.snapshot_total) AS creators_matching,
       sum(r.live_usd_gmv) FILTER (WHERE r.rank <= (SELECT top_n FROM params)) AS top_usd_gmv,
       sum(r.live_usd_gmv) AS listed_usd_gmv,
       sum(r.live_usd_gmv) FILTER (WHERE r.rank <= (SELECT top_n FROM params))
         / nullif(sum(r.live_usd_gmv), 0) AS top_share
FROM fastmoss.v_rankings r
WHERE r.period_type = 'week'
  AND r.period_start = (SELECT week_start FROM params)
  AND r.order_field = 'gmv'
  AND r.product_category_id IS NULL AND r.creator_category_id IS NULL
GROUP BY r.region, r.period_value
ORDER BY top_share DESC NULLS LAST, r.region;

-- name: creators_ranked_in_several_regions
-- Which creators were ranked in more than one region in the latest loaded month?
WITH params AS (
  SELECT (SELECT max(period_start) FROM fastmoss.ranking_snapshots
           WHERE period_type = 'month') AS month_start
),
multi_region AS (
  SELECT e.creator_uid, s.period_value AS month,
         count(DISTINCT s.region) AS regions,
         string_agg(DISTINCT s.region, ', ' ORDER BY s.region) AS region_list,
         min(e.rank) AS best_rank
  FROM fastmoss.ranking_snapshots s
  JOIN fastmoss.ranking_entries e ON e.snapshot_id = s.id AND e.period_start = s.period_start
  WHERE s.period_type = 'month'
    AND s.period_start = (SELECT month_start FROM params)
  GROUP BY e.creator_uid, s.period_value
  HAVING count(DISTINCT s.region) > 1
)
SELECT m.creator_uid::text AS creator_uid_text, c.unique_id AS creator_unique_id,
       c.nickname AS creator_nickname, m.month, m.regions, m.region_list, m.best_rank
FROM multi_region m
JOIN fastmoss.creators c ON c.uid = m.creator_uid
ORDER BY m.regions DESC, m.best_rank, m.creator_uid;

-- name: best_live_streams_of_month
-- Which single live streams sold the most (GMV, local currency) in each region in the latest loaded month?
-- (The lives FastMoss lists for the month's top-500 creators by GMV.)
WITH params AS (
  SELECT 10 AS top_n,
         (SELECT max(period_start) FROM fastmoss.ranking_snapshots
           WHERE period_type = 'month') AS month_start
),
ranked AS (
  -- Ranked on the narrow table first; titles and creators are looked up for the winners only.
  SELECT s.region, s.period_value AS month, t.snapshot_id, t.period_start,
         t.rank AS creator_rank, t.room_id,
         t.units_sold, t.gmv, t.currency,
         row_number() OVER (PARTITION BY s.region ORDER BY t.gmv DESC NULLS LAST, t.room_id)
           AS live_rank
  FROM fastmoss.ranking_snapshots s
  JOIN fastmoss.ranking_top_lives t ON t.snapshot_id = s.id AND t.period_start = s.period_start
  WHERE s.period_type = 'month'
    AND s.period_start = (SELECT month_start FROM params)
    AND s.order_field = 'gmv'
    AND s.product_category_id IS NULL AND s.creator_category_id IS NULL
)
SELECT r.region, r.month, r.live_rank, r.room_id::text AS room_id_text, l.title,
       e.creator_uid::text AS creator_uid_text, c.unique_id AS creator_unique_id,
       r.creator_rank, r.units_sold, r.gmv, r.currency
FROM ranked r
JOIN fastmoss.ranking_entries e
  ON e.snapshot_id = r.snapshot_id AND e.period_start = r.period_start AND e.rank = r.creator_rank
JOIN fastmoss.creators c ON c.uid = e.creator_uid
JOIN fastmoss.live_streams l ON l.room_id = r.room_id
WHERE r.live_rank <= (SELECT top_n FROM params)
ORDER BY r.region, r.live_rank;

-- name: follower_growth_vs_gmv
-- Did the creators who gained the most followers also sell the most? Latest week against the week loaded before it, creators in both GMV top lists.
WITH params AS (SELECT 'week'::text AS period_type),
periods AS (
  SELECT (SELECT max(period_start) FROM fastmoss.ranking_snapshots
           WHERE period_type = p.period_type) AS current_start,
         (SELECT max(period_start) FROM fastmoss.ranking_snapshots
           WHERE period_type = p.period_type
             AND period_start < (SELECT max(period_start) FROM fastmoss.ranking_snapshots
                                  WHERE period_type = p.period_type)) AS previous_start
  FROM params p
),
pairs AS (
  -- One pass over both periods, grouped per creator: no self-join for the planner to misjudge.
  SELECT s.region, e.creator_uid,
         max(s.period_value) FILTER (WHERE s.period_start = pr.previous_start) AS previous_period,
         max(s.period_value) FILTER (WHERE s.period_start = pr.current_start) AS current_period,
         max(e.follower_count) FILTER (WHERE s.period_start = pr.previous_start)
           AS followers_before,
         max(e.follower_count) FILTER (WHERE s.period_start = pr.current_start) AS followers_now,
         max(e.live_usd_gmv) FILTER (WHERE s.period_start = pr.current_start) AS live_usd_gmv
  FROM fastmoss.ranking_snapshots s
  JOIN fastmoss.ranking_entries e ON e.snapshot_id = s.id AND e.period_start = s.period_start
  CROSS JOIN periods pr
  WHERE s.period_type = (SELECT period_type FROM params)
    -- Scalar subqueries, so Postgres finds the two periods' rankings by index first.
    AND s.period_start IN ((SELECT current_start FROM periods), (SELECT previous_start FROM periods))
    AND s.order_field = 'gmv'
    AND s.product_category_id IS NULL AND s.creator_category_id IS NULL
  GROUP BY s.region, e.creator_uid
  HAVING count(*) FILTER (WHERE s.period_start = pr.current_start) = 1
     AND count(*) FILTER (WHERE s.period_start = pr.previous_start) = 1
)
SELECT p.region, p.creator_uid::text AS creator_uid_text, c.unique_id AS creator_unique_id,
       c.nickname AS creator_nickname, p.previous_period, p.current_period,
       p.followers_before, p.followers_now,
       p.followers_now - p.followers_before AS follower_growth,
       (p.followers_now - p.followers_before)::numeric / nullif(p.followers_before, 0)
         AS follower_growth_rate,
       p.live_usd_gmv,
       -- +1: follower gains go with GMV; 0: no relation; NULL: no one's followers changed.
       corr((p.followers_now - p.followers_before)::float8, p.live_usd_gmv::float8)
         OVER (PARTITION BY p.region) AS region_growth_gmv_correlation
FROM pairs p
JOIN fastmoss.creators c ON c.uid = p.creator_uid
WHERE p.followers_before IS NOT NULL AND p.followers_now IS NOT NULL
ORDER BY p.region, follower_growth DESC, p.live_usd_gmv DESC, p.creator_uid;

-- name: data_completeness
-- How complete is the data? Per period type and region: rankings loaded, failed, still to load, and periods with nothing loaded.
WITH counted AS (
  -- One pass in the order of ranking_snapshots_coverage_idx (index only, nothing sorted or
  -- hashed). A period is counted by its value, which names its start.
  SELECT period_type, region, count(*) AS loaded,
         count(DISTINCT period_value) AS periods_loaded,
         max(fetched_at) AS last_fetched_at
  FROM fastmoss.ranking_snapshots
  GROUP BY period_type, region
),
loaded AS (
  -- The first and last period of each, from either end of the same index.
  SELECT c.*,
         (SELECT min(s.period_value) FROM fastmoss.ranking_snapshots s
           WHERE s.period_type = c.period_type AND s.region = c.region) AS first_period,
         (SELECT max(s.period_value) FROM fastmoss.ranking_snapshots s
           WHERE s.period_type = c.period_type AND s.region = c.region) AS last_period
  FROM counted c
),
unloaded_jobs AS (
  -- Jobs not (yet) succeeded whose ranking has no snapshot: what the ledger still owes.
  SELECT j.period_type, j.region,
         count(*) FILTER (WHERE j.status = 'failed') AS failed,
         count(*) FILTER (WHERE j.status IN ('pending', 'running')) AS missing
  FROM fastmoss.etl_jobs j
  WHERE j.status IN ('failed', 'pending', 'running')
    AND NOT EXISTS (
      SELECT 1 FROM fastmoss.ranking_snapshots s
       WHERE s.region = j.region AND s.period_type = j.period_type
         AND s.period_value = j.period_value AND s.order_field = j.order_field
         AND s.product_category_id IS NOT DISTINCT FROM j.product_category_id
         AND s.creator_category_id IS NOT DISTINCT FROM j.creator_category_id)
  GROUP BY j.period_type, j.region
),
span AS (
  -- How many periods lie between the first and the last one loaded anywhere, per period type.
  SELECT period_type, count(*) AS periods_in_span
  FROM (SELECT t.period_type,
               (SELECT min(s.period_start) FROM fastmoss.ranking_snapshots s
                 WHERE s.period_type = t.period_type) AS first_start,
               (SELECT max(s.period_start) FROM fastmoss.ranking_snapshots s
                 WHERE s.period_type = t.period_type) AS last_start
          FROM (VALUES ('day'), ('week'), ('month')) AS t(period_type)) t
  CROSS JOIN LATERAL generate_series(
    t.first_start::timestamp, t.last_start::timestamp,
    CASE t.period_type WHEN 'day' THEN interval '1 day' WHEN 'week' THEN interval '1 week'
                       ELSE interval '1 month' END) AS g(period_start)
  GROUP BY period_type
)
SELECT coalesce(l.period_type, u.period_type) AS period_type,
       coalesce(l.region, u.region) AS region,
       coalesce(l.loaded, 0) AS loaded,
       coalesce(u.failed, 0) AS failed,
       coalesce(u.missing, 0) AS missing,
       coalesce(sp.periods_in_span - l.periods_loaded, 0) AS periods_without_data,
       l.first_period, l.last_period, l.last_fetched_at
FROM loaded l
FULL JOIN unloaded_jobs u ON u.period_type = l.period_type AND u.region = l.region
LEFT JOIN span sp ON sp.period_type = l.period_type
ORDER BY array_position(ARRAY['day', 'week', 'month'], coalesce(l.period_type, u.period_type)),
         coalesce(l.region, u.region);

-- name: rankings_loaded_latest_periods
-- What is loaded for each region's latest day, week and month: how many rankings, and how many empty or flagged?
-- (From v_coverage: one row per loaded ranking, the empty ones included.)
WITH latest AS (
  -- Each period type's latest start, from the end of ranking_snapshots_period_idx (no scan of
  -- every ranking loaded); a type with nothing loaded matches no row below.
  SELECT t.period_type,
         (SELECT max(s.period_start) FROM fastmoss.ranking_snapshots s
           WHERE s.period_type = t.period_type) AS period_start
  FROM (VALUES ('day'), ('week'), ('month')) AS t(period_type)
)
SELECT c.period_type, c.period_value, c.region,
       count(*) AS rankings_loaded,
       count(*) FILTER (WHERE c.is_empty) AS empty,
       count(*) FILTER (WHERE c.flag_truncated) AS truncated,
       count(*) FILTER (WHERE c.flag_short) AS short,
       count(*) FILTER (WHERE c.flag_drop) AS dropped,
       sum(c.entry_count) AS creators_listed,
       max(c.fetched_at) AS last_fetched_at
FROM fastmoss.v_coverage c
JOIN latest l ON l.period_type = c.period_type AND l.period_start = c.period_start
GROUP BY c.period_type, c.period_value, c.region
ORDER BY array_position(ARRAY['day', 'week', 'month'], c.period_type), c.region;

-- name: recent_etl_runs
-- What did the last ten ETL runs do, and did they finish?
SELECT id, trigger, status, started_at, finished_at, finished_at - started_at AS duration,
       planned, skipped, succeeded, failed, api_calls, rows_loaded
FROM fastmoss.etl_runs
ORDER BY started_at DESC, id DESC
LIMIT 10;
