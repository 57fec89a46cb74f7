-- ranking_entries, ranking_top_lives and raw_pages become tables partitioned by RANGE
-- (period_start), one partition a month: fastmoss.<table>_pYYYY_MM. Hand-written (drizzle-kit
-- cannot express PARTITION BY); src/db/schema.ts describes the same columns and keys.
--
-- An existing database is converted in this one transaction (drizzle's migrator runs all pending
-- migrations in one): the views that read these tables are saved and dropped, the tables renamed
-- away, the partitioned tables and the partitions of every month with data created, the rows
-- moved (ids unchanged), the old tables dropped, then the keys, foreign keys and indexes built,
-- and the views, their comments and grants put back as they were. The tables are locked
-- (ACCESS EXCLUSIVE) until it commits: readers wait. README.md says what a large database should
-- do instead. Later partitions are created by the pipeline as loads need them
-- (src/db/partitions.ts).

-- 1. The views that depend on the three tables (in any schema, nested ones too), saved exactly as
-- Postgres holds them, with their options, owners, comments and grants; then dropped, deepest first.
CREATE TEMP TABLE partitioning_saved_views ON COMMIT DROP AS
WITH RECURSIVE dependents(oid, depth) AS (
  SELECT DISTINCT r.ev_class, 1
    FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
   WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
     AND d.refobjid IN ('"fastmoss"."ranking_entries"'::regclass,
                        '"fastmoss"."ranking_top_lives"'::regclass,
                        '"fastmoss"."raw_pages"'::regclass)
  UNION ALL
  SELECT r.ev_class, dependents.depth + 1
    FROM dependents
    JOIN pg_depend d ON d.refobjid = dependents.oid AND d.refclassid = 'pg_class'::regclass
                    AND d.classid = 'pg_rewrite'::regclass
    JOIN pg_rewrite r ON r.oid = d.objid
   WHERE r.ev_class <> dependents.oid
)
SELECT c.oid, c.relkind, max(dependents.depth) AS depth,
       format('%I.%I', n.nspname, c.relname) AS name,
       pg_get_viewdef(c.oid) AS definition,
       c.reloptions, pg_get_userbyid(c.relowner) AS owner, c.relacl,
       obj_description(c.oid, 'pg_class') AS comment,
       (SELECT coalesce(jsonb_object_agg(a.attname, col_description(c.oid, a.attnum)), '{}')
          FROM pg_attribute a
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           AND col_description(c.oid, a.attnum) IS NOT NULL) AS column_comments
  FROM dependents
  JOIN pg_class c ON c.oid = dependents.oid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 GROUP BY c.oid, n.nspname;
--> statement-breakpoint
DO $$
DECLARE
  v record;
BEGIN
  IF EXISTS (SELECT 1 FROM partitioning_saved_views WHERE relkind <> 'v') THEN
    RAISE EXCEPTION 'a materialized view reads ranking_entries, ranking_top_lives or raw_pages: %',
      (SELECT string_agg(name, ', ') FROM partitioning_saved_views WHERE relkind <> 'v')
      USING HINT = 'drop it, run migrate, then create it again';
  END IF;
  FOR v IN SELECT name FROM partitioning_saved_views ORDER BY depth DESC, name LOOP
    EXECUTE format('DROP VIEW %s', v.name);
  END LOOP;
END $$;
--> statement-breakpoint

-- 2. The unpartitioned tables step aside. raw_pages's identity (a sequence only its table may own)
-- becomes a plain sequence, kept at the value it had: identity columns on partitioned tables
-- need Postgres 17, and this schema supports 15 and later.
ALTER TABLE "fastmoss"."ranking_top_lives" RENAME TO "ranking_top_lives_unpartitioned";--> statement-breakpoint
ALTER TABLE "fastmoss"."ranking_entries" RENAME TO "ranking_entries_unpartitioned";--> statement-breakpoint
ALTER TABLE "fastmoss"."raw_pages" RENAME TO "raw_pages_unpartitioned";--> statement-breakpoint
DO $$
DECLARE
  last bigint;
BEGIN
  SELECT CASE WHEN is_called THEN last_value ELSE 0 END INTO last FROM "fastmoss"."raw_pages_id_seq";
  ALTER TABLE "fastmoss"."raw_pages_unpartitioned" ALTER COLUMN "id" DROP IDENTITY;
  CREATE SEQUENCE "fastmoss"."raw_pages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;
  PERFORM setval('"fastmoss"."raw_pages_id_seq"', greatest(last, 1), last >= 1);
END $$;
--> statement-breakpoint

-- 3. The partitioned tables: the same columns, period_start (the snapshot's) added at the end of
-- entries and top lives. Keys and indexes come after the rows (step 6).
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
	"period_start" date NOT NULL,
	CONSTRAINT "ranking_entries_rank_check" CHECK ("rank" >= 1)
) PARTITION BY RANGE ("period_start");
--> statement-breakpoint
CREATE TABLE "fastmoss"."ranking_top_lives" (
	"snapshot_id" bigint NOT NULL,
	"rank" integer NOT NULL,
	"position" integer NOT NULL,
	"room_id" bigint NOT NULL,
	"units_sold" bigint,
	"gmv" numeric,
	"currency" text,
	"period_start" date NOT NULL,
	CONSTRAINT "ranking_top_lives_position_check" CHECK ("position" >= 1)
) PARTITION BY RANGE ("period_start");
--> statement-breakpoint
CREATE TABLE "fastmoss"."raw_pages" (
	"id" bigint DEFAULT nextval('fastmoss.raw_pages_id_seq'::regclass) NOT NULL,
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
	"page_size" integer DEFAULT 100 NOT NULL,
	CONSTRAINT "raw_pages_page_check" CHECK ("page" >= 1)
) PARTITION BY RANGE ("period_start");
--> statement-breakpoint
ALTER SEQUENCE "fastmoss"."raw_pages_id_seq" OWNED BY "fastmoss"."raw_pages"."id";--> statement-breakpoint
DO $$
BEGIN
  ALTER TABLE "fastmoss"."raw_pages" ALTER COLUMN "body" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  NULL; -- built without lz4: pglz, as migration 0004 fell back to.
END $$;
--> statement-breakpoint

-- Comments: every column keeps the text it had (copied, so a later migration's wording survives),
-- the tables say how they are partitioned. Set before the partitions are made: each copies them.
DO $$
DECLARE
  t text;
  col record;
BEGIN
  FOREACH t IN ARRAY ARRAY['ranking_entries', 'ranking_top_lives', 'raw_pages'] LOOP
    FOR col IN
      SELECT a.attname, col_description(a.attrelid, a.attnum) AS comment
        FROM pg_attribute a
       WHERE a.attrelid = format('fastmoss.%I', t || '_unpartitioned')::regclass
         AND a.attnum > 0 AND NOT a.attisdropped
         AND col_description(a.attrelid, a.attnum) IS NOT NULL
    LOOP
      EXECUTE format('COMMENT ON COLUMN fastmoss.%I.%I IS %L', t, col.attname, col.comment);
    END LOOP;
  END LOOP;
END $$;
--> statement-breakpoint
COMMENT ON TABLE "fastmoss"."ranking_entries" IS 'One row per creator in a ranking, with the figures FastMoss reported for that period. Partitioned by month of period_start (ranking_entries_pYYYY_MM, created as loads need them): filter on period_start to read only the months asked.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_entries"."period_start" IS 'First day of the ranking''s period, as ranking_snapshots.period_start (the partition key: a filter on it reads only the months it covers).';--> statement-breakpoint
COMMENT ON TABLE "fastmoss"."ranking_top_lives" IS 'The top lives FastMoss lists for each ranked creator, in its order. Partitioned by month of period_start (ranking_top_lives_pYYYY_MM, created as loads need them).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."ranking_top_lives"."period_start" IS 'First day of the ranking''s period, as ranking_snapshots.period_start (the partition key).';--> statement-breakpoint
COMMENT ON TABLE "fastmoss"."raw_pages" IS 'Every page of every loaded ranking as FastMoss sent it, so the warehouse can be rebuilt (fastmoss-etl rebuild) without an API call. One version per ranking and page, replaced in the same transaction as the ranking. Partitioned by month of period_start (raw_pages_pYYYY_MM); RAW_RETENTION_DAYS drops a month whose pages all expired, and deletes old pages elsewhere.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."id" IS 'Row id (unique: one sequence for every partition).';--> statement-breakpoint

-- 4. A partition for every month that has rows: made as the pipeline makes them (a table like the
-- parent, comments included, then attached), so every partition looks the same.
DO $$
DECLARE
  month date;
  t text;
  part text;
BEGIN
  FOR month IN
    SELECT DISTINCT date_trunc('month', period_start)::date FROM "fastmoss"."ranking_snapshots"
    UNION
    SELECT DISTINCT date_trunc('month', period_start)::date FROM "fastmoss"."raw_pages_unpartitioned"
  LOOP
    FOREACH t IN ARRAY ARRAY['ranking_entries', 'ranking_top_lives', 'raw_pages'] LOOP
      part := format('%s_p%s', t, to_char(month, 'YYYY_MM'));
      EXECUTE format('CREATE TABLE fastmoss.%I (LIKE fastmoss.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING COMMENTS)', part, t);
      EXECUTE format('ALTER TABLE fastmoss.%I ATTACH PARTITION fastmoss.%I FOR VALUES FROM (%L) TO (%L)',
                     t, part, month, (month + interval '1 month')::date);
      EXECUTE format('COMMENT ON TABLE fastmoss.%I IS %L', part,
                     format('The rows of %s whose period starts in %s (a partition; query %s itself).',
                            t, to_char(month, 'YYYY-MM'), t));
    END LOOP;
  END LOOP;
END $$;
--> statement-breakpoint

-- 5. The rows, ids unchanged; entries and top lives take period_start from their snapshot (every
-- one has one: the foreign keys said so).
INSERT INTO "fastmoss"."ranking_entries"
  ("snapshot_id", "rank", "creator_uid", "sale_product_count", "live_units_sold", "live_gmv",
   "live_usd_gmv", "currency", "live_count", "follower_count", "period_start")
SELECT e."snapshot_id", e."rank", e."creator_uid", e."sale_product_count", e."live_units_sold",
       e."live_gmv", e."live_usd_gmv", e."currency", e."live_count", e."follower_count",
       s."period_start"
  FROM "fastmoss"."ranking_entries_unpartitioned" e
  JOIN "fastmoss"."ranking_snapshots" s ON s."id" = e."snapshot_id";
--> statement-breakpoint
INSERT INTO "fastmoss"."ranking_top_lives"
  ("snapshot_id", "rank", "position", "room_id", "units_sold", "gmv", "currency", "period_start")
SELECT t."snapshot_id", t."rank", t."position", t."room_id", t."units_sold", t."gmv", t."currency",
       s."period_start"
  FROM "fastmoss"."ranking_top_lives_unpartitioned" t
  JOIN "fastmoss"."ranking_snapshots" s ON s."id" = t."snapshot_id";
--> statement-breakpoint
INSERT INTO "fastmoss"."raw_pages"
  ("id", "region", "product_category_id", "creator_category_id", "period_type", "period_value",
   "order_field", "period_start", "period_end", "page", "request_id", "http_status", "attempts",
   "received_at", "body", "run_id", "page_size")
SELECT "id", "region", "product_category_id", "creator_category_id", "period_type", "period_value",
       "order_field", "period_start", "period_end", "page", "request_id", "http_status", "attempts",
       "received_at", "body", "run_id", "page_size"
  FROM "fastmoss"."raw_pages_unpartitioned";
--> statement-breakpoint

-- Whoever could read (or write) the old tables can do the same with the new ones.
DO $$
DECLARE
  t text;
  g record;
BEGIN
  FOREACH t IN ARRAY ARRAY['ranking_entries', 'ranking_top_lives', 'raw_pages'] LOOP
    FOR g IN
      SELECT a.privilege_type, a.grantee, a.is_grantable
        FROM pg_class c, aclexplode(c.relacl) a
       WHERE c.oid = format('fastmoss.%I', t || '_unpartitioned')::regclass
         AND a.grantee <> c.relowner
    LOOP
      EXECUTE format('GRANT %s ON fastmoss.%I TO %s%s', g.privilege_type, t,
                     CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
                     CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
  END LOOP;
END $$;
--> statement-breakpoint
DROP TABLE "fastmoss"."ranking_top_lives_unpartitioned";--> statement-breakpoint
DROP TABLE "fastmoss"."ranking_entries_unpartitioned";--> statement-breakpoint
DROP TABLE "fastmoss"."raw_pages_unpartitioned";--> statement-breakpoint

-- 6. Keys, foreign keys and indexes, on the parents: every partition, now and later, gets them.
-- Each key holds period_start (Postgres needs the partition key in every unique key);
-- entries and top lives lead with snapshot_id, the column that places a ranking's rows.
ALTER TABLE "fastmoss"."ranking_snapshots" ADD CONSTRAINT "ranking_snapshots_id_period_start_unique" UNIQUE("id","period_start");--> statement-breakpoint
ALTER TABLE "fastmoss"."ranking_entries" ADD CONSTRAINT "ranking_entries_pkey" PRIMARY KEY("snapshot_id","rank","period_start");--> statement-breakpoint
ALTER TABLE "fastmoss"."ranking_top_lives" ADD CONSTRAINT "ranking_top_lives_pkey" PRIMARY KEY("snapshot_id","rank","position","period_start");--> statement-breakpoint
ALTER TABLE "fastmoss"."raw_pages" ADD CONSTRAINT "raw_pages_pkey" PRIMARY KEY("id","period_start");--> statement-breakpoint
ALTER TABLE "fastmoss"."raw_pages" ADD CONSTRAINT "raw_pages_key_page_unique" UNIQUE NULLS NOT DISTINCT("region","product_category_id","creator_category_id","period_type","period_value","order_field","page","period_start");--> statement-breakpoint
ALTER TABLE "fastmoss"."ranking_entries" ADD CONSTRAINT "ranking_entries_snapshot_fk" FOREIGN KEY ("snapshot_id","period_start") REFERENCES "fastmoss"."ranking_snapshots"("id","period_start") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fastmoss"."ranking_entries" ADD CONSTRAINT "ranking_entries_creator_uid_creators_uid_fk" FOREIGN KEY ("creator_uid") REFERENCES "fastmoss"."creators"("uid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fastmoss"."ranking_top_lives" ADD CONSTRAINT "ranking_top_lives_entry_fk" FOREIGN KEY ("snapshot_id","rank","period_start") REFERENCES "fastmoss"."ranking_entries"("snapshot_id","rank","period_start") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fastmoss"."ranking_top_lives" ADD CONSTRAINT "ranking_top_lives_room_id_live_streams_room_id_fk" FOREIGN KEY ("room_id") REFERENCES "fastmoss"."live_streams"("room_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fastmoss"."raw_pages" ADD CONSTRAINT "raw_pages_run_id_etl_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "fastmoss"."etl_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ranking_entries_creator_idx" ON "fastmoss"."ranking_entries" USING btree ("creator_uid","snapshot_id");--> statement-breakpoint
CREATE INDEX "ranking_top_lives_room_id_idx" ON "fastmoss"."ranking_top_lives" USING btree ("room_id");--> statement-breakpoint
CREATE INDEX "raw_pages_received_at_idx" ON "fastmoss"."raw_pages" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "raw_pages_period_idx" ON "fastmoss"."raw_pages" USING btree ("period_start");--> statement-breakpoint

-- 7. The views back, shallowest first, as they were: same definition, options, owner, comments
-- and grants.
DO $$
DECLARE
  v record;
  col record;
  g record;
BEGIN
  FOR v IN SELECT * FROM partitioning_saved_views ORDER BY depth, name LOOP
    EXECUTE format('CREATE VIEW %s%s AS %s', v.name,
                   CASE WHEN v.reloptions IS NULL THEN ''
                        ELSE format(' WITH (%s)', array_to_string(v.reloptions, ', ')) END,
                   v.definition);
    IF v.owner <> current_user THEN
      EXECUTE format('ALTER VIEW %s OWNER TO %I', v.name, v.owner);
    END IF;
    IF v.comment IS NOT NULL THEN
      EXECUTE format('COMMENT ON VIEW %s IS %L', v.name, v.comment);
    END IF;
    FOR col IN SELECT key, value FROM jsonb_each_text(v.column_comments) LOOP
      EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', v.name, col.key, col.value);
    END LOOP;
    FOR g IN
      SELECT a.privilege_type, a.grantee, a.is_grantable
        FROM aclexplode(v.relacl) a
       WHERE a.grantee <> (SELECT oid FROM pg_roles WHERE rolname = v.owner)
    LOOP
      EXECUTE format('GRANT %s ON %s TO %s%s', g.privilege_type, v.name,
                     CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
                     CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
  END LOOP;
END $$;
