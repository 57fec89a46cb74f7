-- Made without its unique key, filled from the entries already loaded, then keyed: the key is
-- built in one sort of the finished rows (the 10x benchmark warehouse: 67 M entries).
CREATE TABLE "fastmoss"."ranking_creator_firsts" (
	"creator_uid" bigint NOT NULL,
	"region" text NOT NULL,
	"product_category_id" integer,
	"creator_category_id" integer,
	"period_type" text NOT NULL,
	"order_field" text NOT NULL,
	"first_period_start" date NOT NULL,
	"first_top_100_start" date,
	CONSTRAINT "ranking_creator_firsts_top_check" CHECK ("fastmoss"."ranking_creator_firsts"."first_top_100_start" >= "fastmoss"."ranking_creator_firsts"."first_period_start")
);--> statement-breakpoint
SET LOCAL work_mem = '256MB';--> statement-breakpoint
INSERT INTO "fastmoss"."ranking_creator_firsts"
  ("creator_uid", "region", "product_category_id", "creator_category_id", "period_type",
   "order_field", "first_period_start", "first_top_100_start")
SELECT e.creator_uid, s.region, s.product_category_id, s.creator_category_id, s.period_type,
       s.order_field, min(s.period_start), min(s.period_start) FILTER (WHERE e.rank <= 100)
  FROM "fastmoss"."ranking_entries" e
  JOIN "fastmoss"."ranking_snapshots" s ON s.id = e.snapshot_id AND s.period_start = e.period_start
 GROUP BY e.creator_uid, s.region, s.product_category_id, s.creator_category_id, s.period_type,
          s.order_field;--> statement-breakpoint
ALTER TABLE "fastmoss"."ranking_creator_firsts" ADD CONSTRAINT "ranking_creator_firsts_key_unique" UNIQUE NULLS NOT DISTINCT("creator_uid","region","product_category_id","creator_category_id","period_type","order_field");--> statement-breakpoint
SET LOCAL work_mem TO DEFAULT;--> statement-breakpoint
ALTER TABLE "fastmoss"."ranking_creator_firsts" ADD CONSTRAINT "ranking_creator_firsts_creator_uid_creators_uid_fk" FOREIGN KEY ("creator_uid") REFERENCES "fastmoss"."creators"("uid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- As the fact tables' keys (migration 0014): declared for BI tools' joins, not checked row by row
-- on Postgres 18 and later (each check locks the creator's row); the loader writes the creators
-- of a batch before its firsts, in the same transaction, and nothing deletes creators.
DO $$
BEGIN
  -- EXECUTE: Postgres 15-17 cannot even parse NOT ENFORCED, in a branch they never take.
  IF current_setting('server_version_num')::int >= 180000 THEN
    EXECUTE 'ALTER TABLE fastmoss.ranking_creator_firsts '
         || 'ALTER CONSTRAINT ranking_creator_firsts_creator_uid_creators_uid_fk NOT ENFORCED';
  END IF;
END $$;
--> statement-breakpoint
COMMENT ON CONSTRAINT "ranking_creator_firsts_creator_uid_creators_uid_fk" ON "fastmoss"."ranking_creator_firsts" IS 'Declared for joins; NOT ENFORCED on Postgres 18+ (the loader writes the creator in the same transaction, first). TRUNCATE creators CASCADE empties this table too.';--> statement-breakpoint
CREATE INDEX "ranking_creator_firsts_top_idx" ON "fastmoss"."ranking_creator_firsts" USING btree ("first_top_100_start");--> statement-breakpoint
ANALYZE "fastmoss"."ranking_creator_firsts";--> statement-breakpoint
-- Deleting snapshots (by hand: loads never do) deletes their facts, as before, and then moves
-- the firsts that were one of their periods to the next period still loaded, or deletes them.
CREATE OR REPLACE FUNCTION fastmoss.delete_snapshot_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM fastmoss.ranking_top_lives t USING deleted_snapshots d WHERE t.snapshot_id = d.id;
  DELETE FROM fastmoss.ranking_entries e USING deleted_snapshots d WHERE e.snapshot_id = d.id;
  WITH gone AS (
    SELECT DISTINCT region, product_category_id, creator_category_id, period_type, order_field,
           period_start
      FROM deleted_snapshots),
  affected AS (
    SELECT DISTINCT f.creator_uid, f.region, f.product_category_id, f.creator_category_id,
           f.period_type, f.order_field
      FROM fastmoss.ranking_creator_firsts f
      JOIN gone g ON f.region = g.region
       AND f.product_category_id IS NOT DISTINCT FROM g.product_category_id
       AND f.creator_category_id IS NOT DISTINCT FROM g.creator_category_id
       AND f.period_type = g.period_type AND f.order_field = g.order_field
       AND (f.first_period_start = g.period_start OR f.first_top_100_start = g.period_start)),
  recomputed AS (
    SELECT a.*, r.first_period_start, r.first_top_100_start
      FROM affected a
      CROSS JOIN LATERAL (
        SELECT min(s.period_start) AS first_period_start,
               min(s.period_start) FILTER (WHERE e.rank <= 100) AS first_top_100_start
          FROM fastmoss.ranking_entries e
          JOIN fastmoss.ranking_snapshots s
            ON s.id = e.snapshot_id AND s.period_start = e.period_start
         WHERE e.creator_uid = a.creator_uid AND s.region = a.region
           AND s.product_category_id IS NOT DISTINCT FROM a.product_category_id
           AND s.creator_category_id IS NOT DISTINCT FROM a.creator_category_id
           AND s.period_type = a.period_type AND s.order_field = a.order_field) r),
  vanished AS (
    DELETE FROM fastmoss.ranking_creator_firsts f USING recomputed r
     WHERE r.first_period_start IS NULL AND f.creator_uid = r.creator_uid AND f.region = r.region
       AND f.product_category_id IS NOT DISTINCT FROM r.product_category_id
       AND f.creator_category_id IS NOT DISTINCT FROM r.creator_category_id
       AND f.period_type = r.period_type AND f.order_field = r.order_field)
  UPDATE fastmoss.ranking_creator_firsts f
     SET first_period_start = r.first_period_start, first_top_100_start = r.first_top_100_start
    FROM recomputed r
   WHERE r.first_period_start IS NOT NULL AND f.creator_uid = r.creator_uid AND f.region = r.region
     AND f.product_category_id IS NOT DISTINCT FROM r.product_category_id
     AND f.creator_category_id IS NOT DISTINCT FROM r.creator_category_id
     AND f.period_type = r.period_type AND f.order_field = r.order_field;
  RETURN NULL;
END $$;
--> statement-breakpoint
COMMENT ON FUNCTION fastmoss.delete_snapshot_facts() IS 'Deletes the entries and top lives of deleted snapshots (the cascade of the fact tables'' NOT ENFORCED keys), then recomputes the ranking_creator_firsts rows that were one of their periods.';--> statement-breakpoint
COMMENT ON TABLE "fastmoss"."ranking_creator_firsts" IS 'One row per ranking series (region, product category, creator category, period type, order field: a ranking key without its period) and creator it ever listed: the first period it listed them and the first it ranked them in its top 100. Kept by every load in the transaction of the ranking''s entries, a --force reload or a rebuild included; "new to the top 100 this week" is a join on it (docs/queries.sql, creators_new_to_top_100).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_creator_firsts"."creator_uid" IS 'The creator (creators.uid).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_creator_firsts"."region" IS 'The series'' region (ranking_snapshots.region).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_creator_firsts"."product_category_id" IS 'The series'' product category filter; NULL = all categories.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_creator_firsts"."creator_category_id" IS 'The series'' creator category filter; NULL = all categories.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_creator_firsts"."period_type" IS 'The series'' period type: day, week or month.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_creator_firsts"."order_field" IS 'The series'' order field: gmv or units_sold.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_creator_firsts"."first_period_start" IS 'period_start of the earliest loaded ranking of the series that lists the creator, at any rank.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_creator_firsts"."first_top_100_start" IS 'period_start of the earliest loaded ranking of the series that ranks the creator 100 or better; NULL if none does.';--> statement-breakpoint
COMMENT ON INDEX "fastmoss"."ranking_creator_firsts_top_idx" IS 'The creators whose first top-100 period is a given one (creators_new_to_top_100, docs/queries.sql): a few rows a period, written only when a creator first enters a top 100.';
