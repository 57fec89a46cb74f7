CREATE TABLE "fastmoss"."api_budget" (
	"api" text PRIMARY KEY NOT NULL,
	"next_start_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fastmoss"."quarantine" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "fastmoss"."quarantine_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"region" text NOT NULL,
	"product_category_id" integer,
	"creator_category_id" integer,
	"period_type" text NOT NULL,
	"period_value" text NOT NULL,
	"order_field" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"reason" text NOT NULL,
	"field" text,
	"page" integer,
	"value" text,
	"pages" jsonb NOT NULL,
	"run_id" bigint,
	"quarantined_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quarantine_key_unique" UNIQUE NULLS NOT DISTINCT("region","product_category_id","creator_category_id","period_type","period_value","order_field")
);
--> statement-breakpoint
CREATE TABLE "fastmoss"."raw_pages" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "fastmoss"."raw_pages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"region" text NOT NULL,
	"product_category_id" integer,
	"creator_category_id" integer,
	"period_type" text NOT NULL,
	"period_value" text NOT NULL,
	"order_field" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"page" integer NOT NULL,
	"request_id" text,
	"http_status" integer NOT NULL,
	"attempts" integer NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"body" text NOT NULL,
	"run_id" bigint,
	CONSTRAINT "raw_pages_key_page_unique" UNIQUE NULLS NOT DISTINCT("region","product_category_id","creator_category_id","period_type","period_value","order_field","page"),
	CONSTRAINT "raw_pages_page_check" CHECK ("fastmoss"."raw_pages"."page" >= 1)
);
--> statement-breakpoint
ALTER TABLE "fastmoss"."ranking_snapshots" ADD COLUMN "flags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "fastmoss"."ranking_snapshots" ADD COLUMN "previous_entry_count" integer;--> statement-breakpoint
ALTER TABLE "fastmoss"."quarantine" ADD CONSTRAINT "quarantine_run_id_etl_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "fastmoss"."etl_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fastmoss"."raw_pages" ADD CONSTRAINT "raw_pages_run_id_etl_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "fastmoss"."etl_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "raw_pages_received_at_idx" ON "fastmoss"."raw_pages" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "raw_pages_period_idx" ON "fastmoss"."raw_pages" USING btree ("period_start");