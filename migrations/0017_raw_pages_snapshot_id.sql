ALTER TABLE "fastmoss"."raw_pages" ADD COLUMN "snapshot_id" bigint;--> statement-breakpoint
-- Pages already archived take the id of their ranking's snapshot, matched by the ranking key
-- (equalities a hash join can use; the categories' NULL means "all" and matches NULL). Pages
-- whose snapshot is gone (a warehouse emptied and not rebuilt) stay NULL until `rebuild`.
UPDATE "fastmoss"."raw_pages" r
   SET "snapshot_id" = s."id"
  FROM "fastmoss"."ranking_snapshots" s
 WHERE r."region" = s."region"
   AND r."period_type" = s."period_type"
   AND r."period_value" = s."period_value"
   AND r."order_field" = s."order_field"
   AND r."period_start" = s."period_start"
   AND (r."product_category_id" = s."product_category_id"
        OR (r."product_category_id" IS NULL AND s."product_category_id" IS NULL))
   AND (r."creator_category_id" = s."creator_category_id"
        OR (r."creator_category_id" IS NULL AND s."creator_category_id" IS NULL));--> statement-breakpoint
COMMENT ON COLUMN "fastmoss"."raw_pages"."snapshot_id" IS 'The ranking_snapshots.id these pages were loaded as (set by every load and by rebuild). No foreign key: the archive outlives its snapshots, so after snapshots are deleted or truncated it may name none until rebuild reloads them; NULL for pages archived before this column whose snapshot was already gone. The distribution column a Citus cluster would co-locate the archive by, with the fact tables (docs/scaling.md).';
