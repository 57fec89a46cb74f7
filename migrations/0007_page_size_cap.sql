CREATE TABLE "fastmoss"."api_plan_limits" (
	"api" text PRIMARY KEY NOT NULL,
	"page_size_cap" integer NOT NULL,
	"discovered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_plan_limits_page_size_cap_check" CHECK ("fastmoss"."api_plan_limits"."page_size_cap" between 1 and 100)
);
--> statement-breakpoint
ALTER TABLE "fastmoss"."raw_pages" ADD COLUMN "page_size" integer DEFAULT 100 NOT NULL;--> statement-breakpoint
COMMENT ON TABLE "fastmoss"."api_plan_limits" IS 'Limits of the FastMoss plan behind an API, learnt from its answers and shared by every process and later run: the largest page size it serves. Delete the row after a plan upgrade to have it probed again.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."api_plan_limits"."api" IS 'The API base URL (FASTMOSS_BASE_URL).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."api_plan_limits"."page_size_cap" IS 'Most rows a page is served with, whatever pagesize is asked (free plans: 10); rankings are asked at this size from page 1.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."api_plan_limits"."discovered_at" IS 'When the cap was last lowered to this value.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."page_size" IS 'The pagesize the request asked for: page p holds ranks from (p - 1) * page_size + 1. Page 1 alone may hold fewer rows than asked, when the plan caps page sizes; later pages are asked at the size served.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."page" IS 'Page number requested (see page_size for how many rows a page holds).';
