-- The raw archive, the quarantine, quality flags and the shared API budget, documented; page bodies
-- compressed with lz4 where the server was built with it (faster than pglz at a similar ratio).
DO $$
BEGIN
  ALTER TABLE "fastmoss"."raw_pages" ALTER COLUMN "body" SET COMPRESSION lz4;
  ALTER TABLE "fastmoss"."quarantine" ALTER COLUMN "pages" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  -- Built without lz4: Postgres keeps its default, pglz, which TOAST applies the same way.
  NULL;
END $$;--> statement-breakpoint

COMMENT ON TABLE "fastmoss"."raw_pages" IS 'Every page of every loaded ranking as FastMoss sent it, so the warehouse can be rebuilt (fastmoss-etl rebuild) without an API call. One version per ranking and page, replaced in the same transaction as the ranking; RAW_RETENTION_DAYS deletes old pages.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."id" IS 'Row id.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."region" IS 'Country/region of the ranking, e.g. US.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."product_category_id" IS 'Product category filter of the ranking; NULL = all categories.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."creator_category_id" IS 'Creator category filter of the ranking; NULL = all categories.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."period_type" IS 'day, week or month.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."period_value" IS 'The period as FastMoss names it: 2026-04-01, 2026-14 or 2026-03.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."order_field" IS 'units_sold or gmv.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."period_start" IS 'First day of the period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."period_end" IS 'Last day of the period (inclusive).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."page" IS 'Page number requested (100 rows a page).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."request_id" IS 'The envelope''s request_id, to quote to FastMoss support.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."http_status" IS 'HTTP status of the response.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."attempts" IS 'Requests this page took, retries included.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."received_at" IS 'When the response arrived.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."body" IS 'The response body, verbatim (19-digit ids and decimals exactly as sent).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."run_id" IS 'ETL run that fetched the page (see etl_runs).';--> statement-breakpoint

COMMENT ON TABLE "fastmoss"."quarantine" IS 'Rankings whose pages failed validation: the pages as received, why, and the run that saw it. fastmoss-etl replay re-validates and loads them once the code accepts them.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."quarantine"."id" IS 'Row id.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."quarantine"."region" IS 'Country/region of the ranking, e.g. US.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."quarantine"."product_category_id" IS 'Product category filter of the ranking; NULL = all categories.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."quarantine"."creator_category_id" IS 'Creator category filter of the ranking; NULL = all categories.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."quarantine"."period_type" IS 'day, week or month.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."quarantine"."period_value" IS 'The period as FastMoss names it: 2026-04-01, 2026-14 or 2026-03.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."quarantine"."order_field" IS 'units_sold or gmv.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."quarantine"."period_start" IS 'First day of the period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."quarantine"."period_end" IS 'Last day of the period (inclusive).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."quarantine"."reason" IS 'The validation error, as the job''s last_error says it.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."quarantine"."field" IS 'The field that failed, e.g. data.list[3].live_gmv; NULL when the whole page was unreadable.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."quarantine"."page" IS 'The page that failed.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."quarantine"."value" IS 'The offending value as sent (JSON text, cut at 200 characters); NULL if not known.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."quarantine"."pages" IS 'Every page received for the ranking: [{page, requestId, status, attempts, receivedAt, body}], body verbatim.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."quarantine"."run_id" IS 'ETL run that quarantined it (see etl_runs).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."quarantine"."quarantined_at" IS 'When the ranking was (last) quarantined.';--> statement-breakpoint

COMMENT ON COLUMN "fastmoss"."ranking_snapshots"."flags" IS 'Quality flags: truncated (total above the 500 rows the API serves), short (fewer rows than total promises: the list ended early), drop (fewer than half the rows of the previous period''s ranking, see previous_entry_count).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_snapshots"."previous_entry_count" IS 'entry_count of the same ranking for the previous period, when loaded; the figure behind the drop flag.';--> statement-breakpoint

COMMENT ON TABLE "fastmoss"."api_budget" IS 'The API request rate shared by every fastmoss-etl process on this database: each request start reserves the next free moment.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."api_budget"."api" IS 'The API the budget is for (its base URL).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."api_budget"."next_start_at" IS 'The earliest moment the next request may start (database clock).';
