ALTER TABLE "fastmoss"."etl_jobs" DROP CONSTRAINT "etl_jobs_status_check";--> statement-breakpoint
ALTER TABLE "fastmoss"."etl_runs" ADD COLUMN "not_available" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "fastmoss"."etl_jobs" ADD CONSTRAINT "etl_jobs_status_check" CHECK ("fastmoss"."etl_jobs"."status" in ('pending', 'running', 'succeeded', 'failed', 'not_available'));--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."not_available" IS 'Rankings FastMoss had no data for yet (code 20001, resource not found): neither loaded nor failed; a later run or the daily lookback tries them again.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_jobs"."status" IS 'pending (to fetch), running (claimed by locked_by), succeeded (loaded), failed (gave up; see last_error), not_available (FastMoss had no data yet, code 20001; planned again by the next run that selects it).';
