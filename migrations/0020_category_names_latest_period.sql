ALTER TABLE "fastmoss"."creator_categories" ADD COLUMN "attributes_as_of" date;--> statement-breakpoint
ALTER TABLE "fastmoss"."creator_categories" ADD COLUMN "attributes_fetched_at" timestamp with time zone;--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creator_categories"."attributes_as_of" IS 'period_end of the ranking whose name for this category is stored: the latest period naming it wins, whatever order rankings load in (a backfill of older periods keeps the newer name). NULL: no name known yet, or a name stored before this column; any named period wins over it.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creator_categories"."attributes_fetched_at" IS 'When that ranking was fetched: of two periods ending the same day, the later fetch wins.';
