-- IF NOT EXISTS: the migrator creates schema fastmoss first, for its own bookkeeping table.
CREATE SCHEMA IF NOT EXISTS "fastmoss";
--> statement-breakpoint
CREATE TABLE "fastmoss"."creator_categories" (
	"id" integer PRIMARY KEY NOT NULL,
	"name" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fastmoss"."creators" (
	"uid" bigint PRIMARY KEY NOT NULL,
	"unique_id" text NOT NULL,
	"nickname" text NOT NULL,
	"avatar_url" text,
	"region" text,
	"creator_category_id" integer,
	"follower_count" bigint,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fastmoss"."etl_jobs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "fastmoss"."etl_jobs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"region" text NOT NULL,
	"product_category_id" integer,
	"creator_category_id" integer,
	"period_type" text NOT NULL,
	"period_value" text NOT NULL,
	"order_field" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"api_calls" integer DEFAULT 0 NOT NULL,
	"rows_loaded" integer DEFAULT 0 NOT NULL,
	"duration_ms" integer,
	"run_id" bigint,
	"locked_by" text,
	"locked_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "etl_jobs_key_unique" UNIQUE NULLS NOT DISTINCT("region","product_category_id","creator_category_id","period_type","period_value","order_field"),
	CONSTRAINT "etl_jobs_status_check" CHECK ("fastmoss"."etl_jobs"."status" in ('pending', 'running', 'succeeded', 'failed')),
	CONSTRAINT "etl_jobs_period_type_check" CHECK ("fastmoss"."etl_jobs"."period_type" in ('day', 'week', 'month')),
	CONSTRAINT "etl_jobs_order_field_check" CHECK ("fastmoss"."etl_jobs"."order_field" in ('units_sold', 'gmv'))
);
--> statement-breakpoint
CREATE TABLE "fastmoss"."etl_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "fastmoss"."etl_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"trigger" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"status" text DEFAULT 'running' NOT NULL,
	"planned" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"succeeded" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"api_calls" integer DEFAULT 0 NOT NULL,
	"rows_loaded" integer DEFAULT 0 NOT NULL,
	"options" jsonb,
	"host" text,
	"pid" integer,
	CONSTRAINT "etl_runs_trigger_check" CHECK ("fastmoss"."etl_runs"."trigger" in ('scheduled', 'backfill', 'manual', 'demo')),
	CONSTRAINT "etl_runs_status_check" CHECK ("fastmoss"."etl_runs"."status" in ('running', 'succeeded', 'failed', 'interrupted'))
);
--> statement-breakpoint
CREATE TABLE "fastmoss"."live_streams" (
	"room_id" bigint PRIMARY KEY NOT NULL,
	"creator_uid" bigint NOT NULL,
	"region" text,
	"title" text,
	"cover_url" text,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fastmoss"."product_categories" (
	"id" integer PRIMARY KEY NOT NULL,
	"name" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fastmoss"."ranking_entries" (
	"snapshot_id" bigint NOT NULL,
	"rank" integer NOT NULL,
	"creator_uid" bigint NOT NULL,
	"sale_product_count" integer,
	"live_units_sold" bigint,
	"live_gmv" numeric,
	"live_usd_gmv" numeric,
	"currency" text,
	"live_count" integer,
	"follower_count" bigint,
	CONSTRAINT "ranking_entries_pkey" PRIMARY KEY("snapshot_id","rank"),
	CONSTRAINT "ranking_entries_rank_check" CHECK ("fastmoss"."ranking_entries"."rank" >= 1)
);
--> statement-breakpoint
CREATE TABLE "fastmoss"."ranking_snapshots" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "fastmoss"."ranking_snapshots_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"region" text NOT NULL,
	"product_category_id" integer,
	"creator_category_id" integer,
	"period_type" text NOT NULL,
	"period_value" text NOT NULL,
	"order_field" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"total" integer NOT NULL,
	"entry_count" integer NOT NULL,
	"api_calls" integer,
	"fetched_at" timestamp with time zone NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	CONSTRAINT "ranking_snapshots_key_unique" UNIQUE NULLS NOT DISTINCT("region","product_category_id","creator_category_id","period_type","period_value","order_field"),
	CONSTRAINT "ranking_snapshots_period_type_check" CHECK ("fastmoss"."ranking_snapshots"."period_type" in ('day', 'week', 'month')),
	CONSTRAINT "ranking_snapshots_order_field_check" CHECK ("fastmoss"."ranking_snapshots"."order_field" in ('units_sold', 'gmv')),
	CONSTRAINT "ranking_snapshots_period_check" CHECK ("fastmoss"."ranking_snapshots"."period_end" >= "fastmoss"."ranking_snapshots"."period_start")
);
--> statement-breakpoint
CREATE TABLE "fastmoss"."ranking_top_lives" (
	"snapshot_id" bigint NOT NULL,
	"rank" integer NOT NULL,
	"position" integer NOT NULL,
	"room_id" bigint NOT NULL,
	"units_sold" bigint,
	"gmv" numeric,
	"currency" text,
	CONSTRAINT "ranking_top_lives_pkey" PRIMARY KEY("snapshot_id","rank","position"),
	CONSTRAINT "ranking_top_lives_position_check" CHECK ("fastmoss"."ranking_top_lives"."position" >= 1)
);
--> statement-breakpoint
ALTER TABLE "fastmoss"."creators" ADD CONSTRAINT "creators_creator_category_id_creator_categories_id_fk" FOREIGN KEY ("creator_category_id") REFERENCES "fastmoss"."creator_categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fastmoss"."etl_jobs" ADD CONSTRAINT "etl_jobs_run_id_etl_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "fastmoss"."etl_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fastmoss"."ranking_entries" ADD CONSTRAINT "ranking_entries_snapshot_id_ranking_snapshots_id_fk" FOREIGN KEY ("snapshot_id") REFERENCES "fastmoss"."ranking_snapshots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fastmoss"."ranking_entries" ADD CONSTRAINT "ranking_entries_creator_uid_creators_uid_fk" FOREIGN KEY ("creator_uid") REFERENCES "fastmoss"."creators"("uid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fastmoss"."ranking_snapshots" ADD CONSTRAINT "ranking_snapshots_run_id_etl_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "fastmoss"."etl_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fastmoss"."ranking_top_lives" ADD CONSTRAINT "ranking_top_lives_room_id_live_streams_room_id_fk" FOREIGN KEY ("room_id") REFERENCES "fastmoss"."live_streams"("room_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fastmoss"."ranking_top_lives" ADD CONSTRAINT "ranking_top_lives_entry_fk" FOREIGN KEY ("snapshot_id","rank") REFERENCES "fastmoss"."ranking_entries"("snapshot_id","rank") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "creators_unique_id_idx" ON "fastmoss"."creators" USING btree ("unique_id");--> statement-breakpoint
CREATE INDEX "creators_creator_category_id_idx" ON "fastmoss"."creators" USING btree ("creator_category_id");--> statement-breakpoint
CREATE INDEX "etl_jobs_claim_idx" ON "fastmoss"."etl_jobs" USING btree ("status","priority" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "etl_jobs_locked_until_idx" ON "fastmoss"."etl_jobs" USING btree ("locked_until") WHERE "fastmoss"."etl_jobs"."status" = 'running';--> statement-breakpoint
CREATE INDEX "etl_runs_started_at_idx" ON "fastmoss"."etl_runs" USING btree ("started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "live_streams_creator_uid_idx" ON "fastmoss"."live_streams" USING btree ("creator_uid");--> statement-breakpoint
CREATE INDEX "ranking_entries_creator_idx" ON "fastmoss"."ranking_entries" USING btree ("creator_uid","snapshot_id");--> statement-breakpoint
CREATE INDEX "ranking_snapshots_period_idx" ON "fastmoss"."ranking_snapshots" USING btree ("period_type","period_start");--> statement-breakpoint
CREATE INDEX "ranking_top_lives_room_id_idx" ON "fastmoss"."ranking_top_lives" USING btree ("room_id");