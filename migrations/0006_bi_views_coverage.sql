-- v_top_lives called the creator's rank entry_rank where v_rankings, ranking_entries and
-- ranking_top_lives say rank. Both names now, so saved SQL keeps working; CREATE OR REPLACE VIEW
-- can only add columns at the end.
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
JOIN "fastmoss"."ranking_entries" e ON e.snapshot_id = t.snapshot_id AND e.rank = t.rank
JOIN "fastmoss"."ranking_snapshots" s ON s.id = t.snapshot_id
JOIN "fastmoss"."creators" c ON c.uid = e.creator_uid
JOIN "fastmoss"."live_streams" l ON l.room_id = t.room_id
LEFT JOIN "fastmoss"."product_categories" pc ON pc.id = s.product_category_id
LEFT JOIN "fastmoss"."creator_categories" cc ON cc.id = s.creator_category_id;
--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."rank" IS 'Rank of the creator in the ranking, 1 = top (as v_rankings.rank).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_top_lives"."entry_rank" IS 'The same as rank, under its first name; kept for saved queries.';--> statement-breakpoint

-- What is loaded, without reading base tables: one row per loaded ranking, the empty ones (no
-- creator listed) included, which v_rankings cannot show.
CREATE VIEW "fastmoss"."v_coverage" AS
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
  s.total AS snapshot_total,
  s.entry_count,
  s.entry_count = 0 AS is_empty,
  s.flags AS snapshot_flags,
  'truncated' = ANY (s.flags) AS flag_truncated,
  'short' = ANY (s.flags) AS flag_short,
  'drop' = ANY (s.flags) AS flag_drop,
  s.previous_entry_count,
  s.api_calls,
  s.run_id,
  s.fetched_at,
  s.loaded_at
FROM "fastmoss"."ranking_snapshots" s
LEFT JOIN "fastmoss"."product_categories" pc ON pc.id = s.product_category_id
LEFT JOIN "fastmoss"."creator_categories" cc ON cc.id = s.creator_category_id;
--> statement-breakpoint
COMMENT ON VIEW "fastmoss"."v_coverage" IS 'One row per loaded ranking (region, period, sort order, category filters), also those FastMoss returned empty: what is in the warehouse, with its size and quality flags. Rankings planned but not loaded are in etl_jobs (or see status).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."snapshot_id" IS 'The ranking (ranking_snapshots.id); join v_rankings or v_top_lives on it.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."period_type" IS 'Length of the ranking period: day, week (ISO, Monday to Sunday) or month.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."period_value" IS 'The period as FastMoss names it: 2026-04-01 (day), 2026-14 (ISO week-year and week), 2026-03 (month).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."period_start" IS 'First day of the period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."period_end" IS 'Last day of the period (inclusive).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."region" IS 'Country/region the ranking covers, e.g. US.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."order_field" IS 'What the ranking is sorted by, highest first: gmv (revenue) or units_sold.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."product_category_id" IS 'Product category the ranking is limited to; NULL = all categories.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."product_category_name" IS 'Name of the product category filter; All when not filtered; NULL when FastMoss never named it.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."creator_category_id" IS 'Creator category the ranking is limited to; NULL = all creator categories.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."creator_category_name" IS 'Name of the creator category filter, e.g. Beauty; All when not filtered.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."snapshot_total" IS 'Creators FastMoss says match the ranking''s filters; it lists at most the top 500 of them (as v_rankings.snapshot_total).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."entry_count" IS 'Creators loaded for this ranking (its rows in v_rankings), at most 500.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."is_empty" IS 'True when the ranking was loaded but lists no creator (FastMoss had none for it): loaded, not missing.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."snapshot_flags" IS 'Quality flags of the ranking: truncated, short, drop (see the flag_ columns); empty when none (as v_rankings.snapshot_flags).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."flag_truncated" IS 'FastMoss matched more creators than the 500 it lists (snapshot_total above 500).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."flag_short" IS 'The list ended before its promised total: fewer creators loaded than FastMoss said match.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."flag_drop" IS 'Under half the creators of the same ranking''s previous period (see previous_entry_count).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."previous_entry_count" IS 'entry_count of the same ranking for the previous period, when loaded; the figure behind flag_drop.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."api_calls" IS 'API requests the last load of this ranking took, retries included.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."run_id" IS 'ETL run that last loaded it (etl_runs.id).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."fetched_at" IS 'When the ranking was fetched from FastMoss.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."v_coverage"."loaded_at" IS 'When the ranking was last written to the warehouse.';
