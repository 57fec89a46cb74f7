CREATE TABLE "fastmoss"."api_daily_calls" (
	"api" text NOT NULL,
	"day" date NOT NULL,
	"calls" integer NOT NULL,
	CONSTRAINT "api_daily_calls_api_day_pk" PRIMARY KEY("api","day"),
	CONSTRAINT "api_daily_calls_calls_check" CHECK ("fastmoss"."api_daily_calls"."calls" >= 0)
);
--> statement-breakpoint
COMMENT ON TABLE "fastmoss"."api_daily_calls" IS 'API calls started per UTC day and API by every process on this database, counted before each request starts (FastMoss charges per call). ETL_MAX_CALLS_PER_DAY is checked against it in the same statement that reserves the request''s moment in api_budget.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."api_daily_calls"."api" IS 'The API base URL (FASTMOSS_BASE_URL).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."api_daily_calls"."day" IS 'The UTC day the calls were started on.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."api_daily_calls"."calls" IS 'Requests started that day, retries included, whatever their answer.';
