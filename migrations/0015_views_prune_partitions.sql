-- The fact tables are partitioned by period_start (migration 0013). The views also join on it, so
-- a filter on a view's period_start reaches the entries and top lives and Postgres reads only the
-- months asked (pruning at plan time for a constant, at run time for a subquery's value) instead
-- of probing every month's index. Same columns, same rows: period_start is the snapshot's.
CREATE OR REPLACE VIEW "fastmoss"."v_creator_history" AS
WITH history AS (
  SELECT
    e.creator_uid,
    s.region,
    s.period_type,
    s.period_value,
    min(s.period_start) AS period_start,
    min(s.period_end) AS period_end,
    min(e.rank) AS best_rank,
    min(e.rank) FILTER (WHERE s.order_field = 'gmv' AND s.product_category_id IS NULL
                          AND s.creator_category_id IS NULL) AS gmv_rank,
    min(e.rank) FILTER (WHERE s.order_field = 'units_sold' AND s.product_category_id IS NULL
                          AND s.creator_category_id IS NULL) AS units_rank,
    count(*) AS rankings_count,
    -- The creator's row in the overall GMV ranking, else in the overall units ranking.
    (array_agg(s.order_field ORDER BY s.order_field = 'gmv' DESC)
       FILTER (WHERE s.product_category_id IS NULL AND s.creator_category_id IS NULL))[1]
      AS figures_from,
    (array_agg(e ORDER BY s.order_field = 'gmv' DESC)
       FILTER (WHERE s.product_category_id IS NULL AND s.creator_category_id IS NULL))[1]
      AS figures
  FROM "fastmoss"."ranking_entries" e
  JOIN "fastmoss"."ranking_snapshots" s ON s.id = e.snapshot_id AND s.period_start = e.period_start
  GROUP BY e.creator_uid, s.region, s.period_type, s.period_value
)
SELECT
  h.creator_uid,
  h.creator_uid::text AS creator_uid_text,
  c.unique_id AS creator_unique_id,
  c.nickname AS creator_nickname,
  h.region,
  h.period_type,
  h.period_value,
  h.period_start,
  h.period_end,
  h.best_rank,
  h.gmv_rank,
  h.units_rank,
  h.rankings_count,
  h.figures_from,
  (h.figures).live_units_sold,
  (h.figures).live_gmv,
  (h.figures).live_usd_gmv,
  (h.figures).currency,
  (h.figures).live_count,
  (h.figures).follower_count
FROM history h
JOIN "fastmoss"."creators" c ON c.uid = h.creator_uid;;
--> statement-breakpoint
CREATE OR REPLACE VIEW "fastmoss"."v_rankings" AS
SELECT
  s.id AS snapshot_id,
  s.period_type,
  s.period_value,
  s.period_start,
  s.period_end,
  s.region,
  s.order_field,
  s.product_category_id,
  CASE WHEN s.product_category_id IS NULL THEN 'All' ELSE pc.name END AS product_category_name,
  s.creator_category_id,
  CASE WHEN s.creator_category_id IS NULL THEN 'All' ELSE cc.name END AS creator_category_name,
  e.rank,
  e.creator_uid,
  e.creator_uid::text AS creator_uid_text,
  c.unique_id AS creator_unique_id,
  c.nickname AS creator_nickname,
  e.sale_product_count,
  e.live_units_sold,
  e.live_gmv,
  e.live_usd_gmv,
  e.currency,
  e.live_count,
  e.follower_count,
  s.total AS snapshot_total,
  s.fetched_at,
  s.flags AS snapshot_flags
FROM "fastmoss"."ranking_entries" e
JOIN "fastmoss"."ranking_snapshots" s ON s.id = e.snapshot_id AND s.period_start = e.period_start
JOIN "fastmoss"."creators" c ON c.uid = e.creator_uid
LEFT JOIN "fastmoss"."product_categories" pc ON pc.id = s.product_category_id
LEFT JOIN "fastmoss"."creator_categories" cc ON cc.id = s.creator_category_id;;
--> statement-breakpoint
CREATE OR REPLACE VIEW "fastmoss"."v_top_lives" AS
SELECT
  s.id AS snapshot_id,
  s.period_type,
  s.period_value,
  s.period_start,
  s.period_end,
  s.region,
  s.order_field,
  s.product_category_id,
  CASE WHEN s.product_category_id IS NULL THEN 'All' ELSE pc.name END AS product_category_name,
  s.creator_category_id,
  CASE WHEN s.creator_category_id IS NULL THEN 'All' ELSE cc.name END AS creator_category_name,
  t.rank AS entry_rank,
  e.creator_uid,
  e.creator_uid::text AS creator_uid_text,
  c.unique_id AS creator_unique_id,
  c.nickname AS creator_nickname,
  t.position,
  t.room_id,
  t.room_id::text AS room_id_text,
  l.title,
  t.units_sold,
  t.gmv,
  t.currency,
  t.rank
FROM "fastmoss"."ranking_top_lives" t
JOIN "fastmoss"."ranking_entries" e
  ON e.snapshot_id = t.snapshot_id AND e.rank = t.rank AND e.period_start = t.period_start
JOIN "fastmoss"."ranking_snapshots" s ON s.id = t.snapshot_id AND s.period_start = t.period_start
JOIN "fastmoss"."creators" c ON c.uid = e.creator_uid
JOIN "fastmoss"."live_streams" l ON l.room_id = t.room_id
LEFT JOIN "fastmoss"."product_categories" pc ON pc.id = s.product_category_id
LEFT JOIN "fastmoss"."creator_categories" cc ON cc.id = s.creator_category_id;;
