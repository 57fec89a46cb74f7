ALTER TABLE "fastmoss"."etl_runs" DROP CONSTRAINT "etl_runs_status_check";--> statement-breakpoint
ALTER TABLE "fastmoss"."etl_runs" ADD COLUMN "worker_id" text;--> statement-breakpoint
ALTER TABLE "fastmoss"."etl_runs" ADD COLUMN "end_reason" text;--> statement-breakpoint
ALTER TABLE "fastmoss"."etl_runs" ADD COLUMN "end_message" text;--> statement-breakpoint
ALTER TABLE "fastmoss"."etl_runs" ADD COLUMN "abandoned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "fastmoss"."etl_runs" ADD CONSTRAINT "etl_runs_status_check" CHECK ("fastmoss"."etl_runs"."status" in ('running', 'succeeded', 'failed', 'interrupted', 'abandoned'));--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."status" IS 'running, succeeded (every ranking loaded), failed (some ranking failed, or a run-wide error stopped it: see end_reason), interrupted (stopped before the end) or abandoned (its process died: see abandoned_at).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."worker_id" IS 'The run''s worker: alive while a connection named fastmoss-etl/<worker_id> is in pg_stat_activity. A running run whose worker is gone is marked abandoned by the next run.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."end_reason" IS 'Why the run ended without every ranking loaded: auth, quota, no_access, unreachable, spend_cap, interrupted, rankings_failed, database, worker_gone or error. NULL while running and when it succeeded.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."end_message" IS 'The reason in words, as the run reported it (no secrets), e.g. the API''s answer to a rejected token.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."etl_runs"."abandoned_at" IS 'When a later run found the run''s worker gone and marked it abandoned; NULL otherwise. The process died at some moment before this.';--> statement-breakpoint
-- Runs left running by a version that did not record its worker: when no fastmoss-etl worker is
-- connected at all, none of them can still be alive.
UPDATE "fastmoss"."etl_runs"
   SET "status" = 'abandoned', "abandoned_at" = now(), "end_reason" = 'worker_gone',
       "end_message" = 'its process ended without finishing the run (seen when migrating)'
 WHERE "status" = 'running'
   AND NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'fastmoss-etl/%');
