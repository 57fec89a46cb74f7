-- One pass over the entries: a creator's ranks and the figures of one overall ranking come from
-- the same GROUP BY, so a filter on any grouping column (creator, region, period) reaches both.
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
  JOIN "fastmoss"."ranking_snapshots" s ON s.id = e.snapshot_id
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
JOIN "fastmoss"."creators" c ON c.uid = h.creator_uid;
--> statement-breakpoint

-- Quality flags came with migration 0003; analysts filtering suspect rankings need them here.
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
JOIN "fastmoss"."ranking_snapshots" s ON s.id = e.snapshot_id
JOIN "fastmoss"."creators" c ON c.uid = e.creator_uid
LEFT JOIN "fastmoss"."product_categories" pc ON pc.id = s.product_category_id
LEFT JOIN "fastmoss"."creator_categories" cc ON cc.id = s.creator_category_id;
--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."snapshot_flags" IS 'Quality flags of the ranking: truncated (FastMoss matched more creators than the 500 it lists), short (the list ended before its promised total), drop (under half the creators of the previous period''s ranking). Empty when none.';
