ALTER TABLE "fastmoss"."creators" ADD COLUMN "attributes_as_of" date;--> statement-breakpoint
ALTER TABLE "fastmoss"."creators" ADD COLUMN "attributes_fetched_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "fastmoss"."live_streams" ADD COLUMN "attributes_as_of" date;--> statement-breakpoint
ALTER TABLE "fastmoss"."live_streams" ADD COLUMN "attributes_fetched_at" timestamp with time zone;--> statement-breakpoint
-- Rows loaded before this migration kept the attributes of the ranking fetched last, whatever its
-- period. Each gets the as-of of the latest period it is listed in (ties: the latest fetch), and
-- a creator's follower_count is repaired from that listing (the latest one that has a count):
-- ranking_entries keeps it per ranking. The other attributes are not stored per ranking and stay
-- as they were (those of the last fetch) until a ranking at least as recent is loaded. A row
-- listed in no loaded ranking keeps NULL: unknown, the next load that names it sets it.
WITH "latest" AS (
  SELECT DISTINCT ON (e."creator_uid") e."creator_uid", s."period_end", s."fetched_at"
    FROM "fastmoss"."ranking_entries" e
    JOIN "fastmoss"."ranking_snapshots" s ON s."id" = e."snapshot_id"
   ORDER BY e."creator_uid", s."period_end" DESC, s."fetched_at" DESC
),
"counted" AS (
  SELECT DISTINCT ON (e."creator_uid") e."creator_uid", e."follower_count"
    FROM "fastmoss"."ranking_entries" e
    JOIN "fastmoss"."ranking_snapshots" s ON s."id" = e."snapshot_id"
   WHERE e."follower_count" IS NOT NULL
   ORDER BY e."creator_uid", s."period_end" DESC, s."fetched_at" DESC, e."rank" DESC
)
UPDATE "fastmoss"."creators" c
   SET "attributes_as_of" = l."period_end",
       "attributes_fetched_at" = l."fetched_at",
       "follower_count" = coalesce(n."follower_count", c."follower_count")
  FROM "latest" l LEFT JOIN "counted" n ON n."creator_uid" = l."creator_uid"
 WHERE l."creator_uid" = c."uid";--> statement-breakpoint
WITH "latest" AS (
  SELECT DISTINCT ON (t."room_id") t."room_id", s."period_end", s."fetched_at"
    FROM "fastmoss"."ranking_top_lives" t
    JOIN "fastmoss"."ranking_snapshots" s ON s."id" = t."snapshot_id"
   ORDER BY t."room_id", s."period_end" DESC, s."fetched_at" DESC
)
UPDATE "fastmoss"."live_streams" ls
   SET "attributes_as_of" = l."period_end", "attributes_fetched_at" = l."fetched_at"
  FROM "latest" l
 WHERE l."room_id" = ls."room_id";--> statement-breakpoint
COMMENT ON TABLE "fastmoss"."creators" IS 'One row per TikTok creator ever ranked, with the attributes of the latest period they were ranked in (see attributes_as_of); per-ranking values are in ranking_entries.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."unique_id" IS 'TikTok handle (the @name), as of attributes_as_of.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."nickname" IS 'Display name, as of attributes_as_of.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."avatar_url" IS 'Avatar image URL, as of attributes_as_of (an earlier one when that ranking gave none).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."region" IS 'Country/region code where the creator is based, e.g. US, as of attributes_as_of.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."creator_category_id" IS 'Creator category as of attributes_as_of (see creator_categories).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."follower_count" IS 'Follower count as of attributes_as_of (the latest period ranked in); per-ranking values are in ranking_entries.follower_count.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."attributes_as_of" IS 'Last day (period_end) of the ranking the attributes come from: the latest period the creator was ranked in. Loading an older period never changes them; of two rankings ending the same day (a day, its week or month) the later fetch wins. NULL: unknown (loaded before this column existed and in no ranking now); the next load sets it.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."attributes_fetched_at" IS 'When the ranking the attributes come from was fetched (its ranking_snapshots.fetched_at, exact to the hour when reloaded unchanged); breaks ties of attributes_as_of.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."first_seen_at" IS 'When the ETL first fetched a ranking containing this creator, of any period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."creators"."last_seen_at" IS 'When the ETL last fetched a ranking containing this creator, of any period (exact to the hour); not the period of the attributes (see attributes_as_of).';--> statement-breakpoint
COMMENT ON TABLE "fastmoss"."live_streams" IS 'One row per live room seen among the top lives of a ranked creator, with the attributes of the latest period it was listed in (see attributes_as_of).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."live_streams"."creator_uid" IS 'Creator who hosted the live, as of attributes_as_of (may be absent from creators if never ranked).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."live_streams"."region" IS 'Country/region code of the ranking that listed the live, as of attributes_as_of.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."live_streams"."title" IS 'Live title, as of attributes_as_of.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."live_streams"."cover_url" IS 'Cover image URL, as of attributes_as_of.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."live_streams"."attributes_as_of" IS 'Last day (period_end) of the ranking creator_uid, region, title and cover_url come from: the latest period listing the live. Loading an older period never changes them; of two rankings ending the same day the later fetch wins. NULL: unknown (loaded before this column existed and in no ranking now); the next load sets it.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."live_streams"."attributes_fetched_at" IS 'When the ranking the attributes come from was fetched (its ranking_snapshots.fetched_at, exact to the hour when reloaded unchanged); breaks ties of attributes_as_of.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."live_streams"."first_seen_at" IS 'When the ETL first fetched a ranking listing this live, of any period.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."live_streams"."last_seen_at" IS 'When the ETL last fetched a ranking listing this live, of any period (exact to the hour).';
