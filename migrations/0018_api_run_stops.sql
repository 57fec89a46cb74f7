CREATE TABLE "fastmoss"."api_run_stops" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "fastmoss"."api_run_stops_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"api" text NOT NULL,
	"reason" text NOT NULL,
	"message" text NOT NULL,
	"stopped_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "api_run_stops_api_idx" ON "fastmoss"."api_run_stops" USING btree ("api","id");--> statement-breakpoint
COMMENT ON TABLE "fastmoss"."api_run_stops" IS 'Run stops FastMoss ordered for the whole account (a used-up quota: code 30002, or a frequency limit that kept refusing), one row each: every other process on this database that was already running stops before its next call instead of paying for the same refusal. A process started later tries again (one call), as the quota may have been raised or reset.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."api_run_stops"."id" IS 'Order of the stops; a process watches for ids above the last one it saw when it opened.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."api_run_stops"."api" IS 'FASTMOSS_BASE_URL the stop came from, as in api_budget.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."api_run_stops"."reason" IS 'etl_runs.end_reason of the stop: quota.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."api_run_stops"."message" IS 'The stop''s error message as the stopped process reported it (secrets cut out).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."api_run_stops"."stopped_at" IS 'When the stop was recorded.';
