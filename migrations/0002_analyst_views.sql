-- Views for analysts and BI tools. Ids are bigint; BI tools (Power BI, Tableau) read 19-digit
-- bigints as doubles and lose digits, so each id also comes as text (*_text) that survives them.
CREATE VIEW "fastmoss"."v_rankings" AS
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
  s.fetched_at
FROM "fastmoss"."ranking_entries" e
JOIN "fastmoss"."ranking_snapshots" s ON s.id = e.snapshot_id
JOIN "fastmoss"."creators" c ON c.uid = e.creator_uid
LEFT JOIN "fastmoss"."product_categories" pc ON pc.id = s.product_category_id
LEFT JOIN "fastmoss"."creator_categories" cc ON cc.id = s.creator_category_id;
--> statement-breakpoint

CREATE VIEW "fastmoss"."v_top_lives" AS
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
  t.currency
FROM "fastmoss"."ranking_top_lives" t
JOIN "fastmoss"."ranking_entries" e ON e.snapshot_id = t.snapshot_id AND e.rank = t.rank
JOIN "fastmoss"."ranking_snapshots" s ON s.id = t.snapshot_id
JOIN "fastmoss"."creators" c ON c.uid = e.creator_uid
JOIN "fastmoss"."live_streams" l ON l.room_id = t.room_id
LEFT JOIN "fastmoss"."product_categories" pc ON pc.id = s.product_category_id
LEFT JOIN "fastmoss"."creator_categories" cc ON cc.id = s.creator_category_id;
--> statement-breakpoint

-- Figures come from one overall ranking (no category filter: a product-category ranking counts
-- only that category's sales). The GMV and units rankings of a period are separate lists whose
-- figures may differ, so the GMV one is preferred and figures_from says which one was used.
CREATE VIEW "fastmoss"."v_creator_history" AS
WITH ranks AS (
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
    count(*) AS rankings_count
  FROM "fastmoss"."ranking_entries" e
  JOIN "fastmoss"."ranking_snapshots" s ON s.id = e.snapshot_id
  GROUP BY e.creator_uid, s.region, s.period_type, s.period_value
),
figures AS (
  SELECT DISTINCT ON (e.creator_uid, s.region, s.period_type, s.period_value)
    e.creator_uid,
    s.region,
    s.period_type,
    s.period_value,
    s.order_field AS figures_from,
    e.live_units_sold,
    e.live_gmv,
    e.live_usd_gmv,
    e.currency,
    e.live_count,
    e.follower_count
  FROM "fastmoss"."ranking_entries" e
  JOIN "fastmoss"."ranking_snapshots" s ON s.id = e.snapshot_id
  WHERE s.product_category_id IS NULL AND s.creator_category_id IS NULL
  ORDER BY e.creator_uid, s.region, s.period_type, s.period_value, s.order_field = 'gmv' DESC
)
SELECT
  r.creator_uid,
  r.creator_uid::text AS creator_uid_text,
  c.unique_id AS creator_unique_id,
  c.nickname AS creator_nickname,
  r.region,
  r.period_type,
  r.period_value,
  r.period_start,
  r.period_end,
  r.best_rank,
  r.gmv_rank,
  r.units_rank,
  r.rankings_count,
  f.figures_from,
  f.live_units_sold,
  f.live_gmv,
  f.live_usd_gmv,
  f.currency,
  f.live_count,
  f.follower_count
FROM ranks r
JOIN "fastmoss"."creators" c ON c.uid = r.creator_uid
LEFT JOIN figures f
  ON f.creator_uid = r.creator_uid AND f.region = r.region
 AND f.period_type = r.period_type AND f.period_value = r.period_value;
--> statement-breakpoint

COMMENT ON VIEW "fastmoss"."v_rankings" IS 'One row per creator per loaded ranking: the creator''s rank and figures, with the ranking''s period, region, sort order and category filters spelled out. Filter product_category_id IS NULL AND creator_category_id IS NULL for the overall rankings.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."snapshot_id" IS 'The ranking this row belongs to (ranking_snapshots.id).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."period_type" IS 'Length of the ranking period: day, week (ISO, Monday to Sunday) or month.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."period_value" IS 'The period as FastMoss names it: 2026-04-01 (day), 2026-14 (ISO week-year and week), 2026-03 (month).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."period_start" IS 'First day of the period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."period_end" IS 'Last day of the period (inclusive).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."region" IS 'Country/region the ranking covers, e.g. US.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."order_field" IS 'What the ranking is sorted by, highest first: gmv (revenue) or units_sold. The same period has one ranking of each.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."product_category_id" IS 'Product category the ranking is limited to; NULL = all categories. In a category ranking the sales figures count that category only.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."product_category_name" IS 'Name of the product category filter; All when not filtered; NULL when FastMoss never named it.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."creator_category_id" IS 'Creator category the ranking is limited to; NULL = all creator categories.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."creator_category_name" IS 'Name of the creator category filter, e.g. Beauty; All when not filtered.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."rank" IS 'Position in this ranking, 1 = top.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."creator_uid" IS 'TikTok creator id (exact 19-digit number). BI tools may round it: use creator_uid_text there.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."creator_uid_text" IS 'TikTok creator id as text, exact in every BI tool; use it to join and filter in Power BI, Tableau, Excel.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."creator_unique_id" IS 'The creator''s TikTok handle (the @name), latest seen.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."creator_nickname" IS 'The creator''s display name, latest seen.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."sale_product_count" IS 'Products the creator actively sold in the period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."live_units_sold" IS 'Units sold in the creator''s lives during the period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."live_gmv" IS 'Revenue (GMV) of the creator''s lives in the period, in the local currency (see currency).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."live_usd_gmv" IS 'Revenue (GMV) of the creator''s lives in the period, in US dollars: compare regions with this.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."currency" IS 'Currency of live_gmv, e.g. USD, GBP.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."live_count" IS 'Lives the creator hosted in the period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."follower_count" IS 'The creator''s followers as of this ranking.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."snapshot_total" IS 'Creators FastMoss says match the ranking''s filters; it lists at most the top 500 of them.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_rankings"."fetched_at" IS 'When the ranking was fetched from FastMoss.';--> statement-breakpoint

COMMENT ON VIEW "fastmoss"."v_top_lives" IS 'One row per top live stream FastMoss lists for a ranked creator, with the ranking it came from. A live appears once per ranking that lists its creator, so deduplicate on room_id across rankings.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."snapshot_id" IS 'The ranking this row belongs to (ranking_snapshots.id).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."period_type" IS 'Length of the ranking period: day, week (ISO, Monday to Sunday) or month.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."period_value" IS 'The period as FastMoss names it: 2026-04-01 (day), 2026-14 (ISO week-year and week), 2026-03 (month).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."period_start" IS 'First day of the period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."period_end" IS 'Last day of the period (inclusive).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."region" IS 'Country/region the ranking covers, e.g. US.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."order_field" IS 'What the ranking is sorted by, highest first: gmv (revenue) or units_sold.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."product_category_id" IS 'Product category the ranking is limited to; NULL = all categories.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."product_category_name" IS 'Name of the product category filter; All when not filtered; NULL when FastMoss never named it.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."creator_category_id" IS 'Creator category the ranking is limited to; NULL = all creator categories.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."creator_category_name" IS 'Name of the creator category filter, e.g. Beauty; All when not filtered.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."entry_rank" IS 'Rank of the creator in the ranking, 1 = top.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."creator_uid" IS 'TikTok id of the creator who hosted the live (exact 19-digit number). BI tools may round it: use creator_uid_text there.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."creator_uid_text" IS 'TikTok creator id as text, exact in every BI tool.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."creator_unique_id" IS 'The creator''s TikTok handle (the @name), latest seen.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."creator_nickname" IS 'The creator''s display name, latest seen.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."position" IS 'Order among the creator''s top lives as FastMoss lists them, 1 = first.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."room_id" IS 'TikTok live room id (exact 19-digit number). BI tools may round it: use room_id_text there.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."room_id_text" IS 'TikTok live room id as text, exact in every BI tool.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."title" IS 'Title of the live, latest seen.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."units_sold" IS 'Units sold in this live.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."gmv" IS 'Revenue (GMV) of this live, in the local currency (see currency).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."currency" IS 'Currency of gmv, e.g. USD.';--> statement-breakpoint

COMMENT ON VIEW "fastmoss"."v_creator_history" IS 'One row per creator, region, period type and period the creator was ranked in. Ranks: best_rank over every ranking of the period (any category filter or sort order); gmv_rank and units_rank in the overall (all-categories) rankings. Sales figures and followers come from the overall (all-categories) ranking by GMV, or by units when the creator is only in that one (see figures_from); NULL when the creator made only category rankings that period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."creator_uid" IS 'TikTok creator id (exact 19-digit number). BI tools may round it: use creator_uid_text there.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."creator_uid_text" IS 'TikTok creator id as text, exact in every BI tool; use it to join and filter in Power BI, Tableau, Excel.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."creator_unique_id" IS 'The creator''s TikTok handle (the @name), latest seen.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."creator_nickname" IS 'The creator''s display name, latest seen.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."region" IS 'Country/region of the rankings, e.g. US.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."period_type" IS 'Length of the period: day, week (ISO, Monday to Sunday) or month.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."period_value" IS 'The period as FastMoss names it: 2026-04-01 (day), 2026-14 (ISO week-year and week), 2026-03 (month).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."period_start" IS 'First day of the period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."period_end" IS 'Last day of the period (inclusive).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."best_rank" IS 'Best (lowest) rank the creator reached in any ranking of the period: overall or by category, by GMV or by units.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."gmv_rank" IS 'Rank in the overall ranking by GMV (all categories); NULL if not in its top 500 or not loaded.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."units_rank" IS 'Rank in the overall ranking by units sold (all categories); NULL if not in its top 500 or not loaded.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."rankings_count" IS 'How many loaded rankings of the period list the creator (categories and sort orders counted apart).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."figures_from" IS 'Which overall ranking the sales figures and followers come from: gmv (preferred) or units_sold; NULL when the creator is in neither.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."live_units_sold" IS 'Units sold in the creator''s lives in the period (overall ranking, see figures_from).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."live_gmv" IS 'Revenue (GMV) of the creator''s lives in the period, local currency (overall ranking, see figures_from).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."live_usd_gmv" IS 'Revenue (GMV) of the creator''s lives in the period, in US dollars (overall ranking, see figures_from).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."currency" IS 'Currency of live_gmv, e.g. USD.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."live_count" IS 'Lives the creator hosted in the period (overall ranking, see figures_from).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_creator_history"."follower_count" IS 'Followers as of the period''s overall ranking (see figures_from).';
