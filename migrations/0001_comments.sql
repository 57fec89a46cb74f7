-- What every table and column means, for analysts browsing the warehouse (\d+ in psql, BI tools).
COMMENT ON SCHEMA "fastmoss" IS 'FastMoss TikTok Shop live-creator rankings, loaded by fastmoss-etl.';--> statement-breakpoint

COMMENT ON TABLE "fastmoss"."creator_categories" IS 'Creator categories seen in rankings (FastMoss creator.category).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creator_categories"."id" IS 'FastMoss creator category id, as used by the creator_category_id ranking filter.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creator_categories"."name" IS 'Category name as FastMoss last reported it, e.g. Beauty; NULL if never reported.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creator_categories"."updated_at" IS 'When this row last changed.';--> statement-breakpoint

COMMENT ON TABLE "fastmoss"."product_categories" IS 'Level-1 product categories that rankings were filtered by.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."product_categories"."id" IS 'FastMoss level-1 product category id, as used by the product_category_id ranking filter.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."product_categories"."name" IS 'Category name; NULL while unknown (the ranking API does not return it).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."product_categories"."updated_at" IS 'When this row last changed.';--> statement-breakpoint

COMMENT ON TABLE "fastmoss"."creators" IS 'One row per TikTok creator ever ranked, with the latest attributes seen.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."uid" IS 'TikTok creator id (exact, up to 19 digits).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."unique_id" IS 'TikTok handle (the @name), latest seen.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."nickname" IS 'Display name, latest seen.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."avatar_url" IS 'Avatar image URL, latest seen.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."region" IS 'Country/region code of the creator, e.g. US.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."creator_category_id" IS 'Creator category, latest seen (see creator_categories).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."follower_count" IS 'Follower count, latest seen; per-ranking values are in ranking_entries.follower_count.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."first_seen_at" IS 'When the ETL first fetched a ranking containing this creator.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."last_seen_at" IS 'When the ETL last fetched a ranking containing this creator.';--> statement-breakpoint

COMMENT ON TABLE "fastmoss"."live_streams" IS 'One row per live room seen among the top lives of a ranked creator.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."live_streams"."room_id" IS 'TikTok live room id (exact).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."live_streams"."creator_uid" IS 'Creator who hosted the live (may be absent from creators if never ranked).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."live_streams"."region" IS 'Country/region code of the live.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."live_streams"."title" IS 'Live title, latest seen.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."live_streams"."cover_url" IS 'Cover image URL, latest seen.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."live_streams"."first_seen_at" IS 'When the ETL first fetched a ranking listing this live.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."live_streams"."last_seen_at" IS 'When the ETL last fetched a ranking listing this live.';--> statement-breakpoint

COMMENT ON TABLE "fastmoss"."ranking_snapshots" IS 'One row per loaded ranking: a region, category filters, period and sort order. Reloading replaces it in place, so there is never more than one per key.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_snapshots"."id" IS 'Snapshot id; stays the same when the ranking is reloaded.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_snapshots"."region" IS 'Country/region the ranking covers, e.g. US.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_snapshots"."product_category_id" IS 'Product category filter; NULL = all categories.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_snapshots"."creator_category_id" IS 'Creator category filter; NULL = all categories.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_snapshots"."period_type" IS 'day, week (ISO, Monday to Sunday) or month.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_snapshots"."period_value" IS 'The period as FastMoss names it: 2026-04-01 (day), 2026-14 (ISO week-year and week), 2026-03 (month).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_snapshots"."order_field" IS 'What the ranking is sorted by, descending: units_sold or gmv.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_snapshots"."period_start" IS 'First day of the period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_snapshots"."period_end" IS 'Last day of the period (inclusive).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_snapshots"."total" IS 'Creators FastMoss says match the filters; may exceed the 500 it lists.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_snapshots"."entry_count" IS 'Creators loaded for this ranking (rows in ranking_entries), at most 500.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_snapshots"."api_calls" IS 'API requests the last load of this ranking took, retries included.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_snapshots"."fetched_at" IS 'When the ranking was fetched from FastMoss.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_snapshots"."loaded_at" IS 'When the ranking was last written to the warehouse.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_snapshots"."run_id" IS 'ETL run that last loaded it (see etl_runs).';--> statement-breakpoint

COMMENT ON TABLE "fastmoss"."ranking_entries" IS 'One row per creator in a ranking, with the figures FastMoss reported for that period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_entries"."snapshot_id" IS 'The ranking (see ranking_snapshots).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_entries"."rank" IS 'Position in the ranking, 1 = top; contiguous.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_entries"."creator_uid" IS 'The creator (see creators).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_entries"."sale_product_count" IS 'Products the creator actively sold in the period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_entries"."live_units_sold" IS 'Units sold in the creator''s lives during the period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_entries"."live_gmv" IS 'Revenue of the creator''s lives in the period, in currency; exact decimal.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_entries"."live_usd_gmv" IS 'Revenue of the creator''s lives in the period, in US dollars; exact decimal.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_entries"."currency" IS 'Currency of live_gmv, e.g. USD.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_entries"."live_count" IS 'Lives the creator hosted in the period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_entries"."follower_count" IS 'Follower count as of this ranking.';--> statement-breakpoint

COMMENT ON TABLE "fastmoss"."ranking_top_lives" IS 'The top lives FastMoss lists for each ranked creator, in its order.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_top_lives"."snapshot_id" IS 'The ranking (see ranking_snapshots).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_top_lives"."rank" IS 'Rank of the entry this live belongs to (see ranking_entries).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_top_lives"."position" IS 'Order within the entry''s top lives, 1 = first listed.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_top_lives"."room_id" IS 'The live (see live_streams).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_top_lives"."units_sold" IS 'Units sold in this live.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_top_lives"."gmv" IS 'Revenue of this live, in currency; exact decimal.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_top_lives"."currency" IS 'Currency of gmv.';--> statement-breakpoint

COMMENT ON TABLE "fastmoss"."etl_jobs" IS 'Every ranking the ETL has planned to load, with its state: the work queue and its history.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."id" IS 'Job id.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."region" IS 'Ranking key: country/region.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."product_category_id" IS 'Ranking key: product category filter; NULL = all.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."creator_category_id" IS 'Ranking key: creator category filter; NULL = all.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."period_type" IS 'Ranking key: day, week or month.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."period_value" IS 'Ranking key: the period, e.g. 2026-04-01, 2026-14, 2026-03.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."order_field" IS 'Ranking key: units_sold or gmv.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."period_start" IS 'First day of the period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."period_end" IS 'Last day of the period (inclusive).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."status" IS 'pending (waiting), running (claimed by a worker), succeeded (loaded) or failed (gave up after retries).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."priority" IS 'Higher is claimed first; scheduled cycles outrank backfills.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."attempts" IS 'Times a worker has started this job.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."last_error" IS 'Why the last attempt failed; NULL after a success.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."api_calls" IS 'API requests made for this job, retries included.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."rows_loaded" IS 'Rows written by the last successful load (entries and top lives).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."duration_ms" IS 'How long the last attempt took, in milliseconds.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."run_id" IS 'ETL run that last worked on this job (see etl_runs).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."locked_by" IS 'Worker (host:pid) holding the job while running.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."locked_until" IS 'Lease end; a running job past it is considered abandoned and can be claimed again.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."created_at" IS 'When the job was first planned.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."updated_at" IS 'When the job last changed.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."started_at" IS 'When the last attempt started.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."finished_at" IS 'When the last attempt ended.';--> statement-breakpoint

COMMENT ON TABLE "fastmoss"."etl_runs" IS 'One row per ETL run (a scheduled cycle, a backfill, a manual run or the demo), with its totals.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."id" IS 'Run id.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."trigger" IS 'What started it: scheduled, backfill, manual or demo.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."started_at" IS 'When the run started.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."finished_at" IS 'When the run ended; NULL while running.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."status" IS 'running, succeeded (every ranking loaded), failed (some ranking failed) or interrupted (stopped before the end).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."planned" IS 'Rankings the run selected.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."skipped" IS 'Rankings skipped as already loaded.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."succeeded" IS 'Rankings loaded.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."failed" IS 'Rankings that failed after their retries.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."api_calls" IS 'API requests made, retries included.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."rows_loaded" IS 'Rows written (entries and top lives).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."options" IS 'The options the run was started with (no secrets).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."host" IS 'Host name of the machine that ran it.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."pid" IS 'Process id of the run.';
