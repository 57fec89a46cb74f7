-- The fact tables' four foreign keys stay declared, for BI tools' joins, and on Postgres 18 and
-- later are no longer checked row by row (NOT ENFORCED). Checking them cost ~40% of Postgres's
-- CPU on a 300-ranking load (BENCHMARKS.md, fk-price), and the loader guarantees them: a batch
-- writes the creators and live streams it names, then its snapshots, then their entries and top
-- lives by the ids it just got, in one transaction; nothing deletes creators or live streams.
-- Before Postgres 18 the keys stay enforced.
DO $$
DECLARE
  k record;
BEGIN
  IF current_setting('server_version_num')::int >= 180000 THEN
    FOR k IN
      SELECT c.conrelid::regclass AS tbl, c.conname
        FROM pg_constraint c
       WHERE c.contype = 'f' AND c.conparentid = 0
         AND c.conrelid IN ('fastmoss.ranking_entries'::regclass,
                            'fastmoss.ranking_top_lives'::regclass)
    LOOP
      EXECUTE format('ALTER TABLE %s ALTER CONSTRAINT %I NOT ENFORCED', k.tbl, k.conname);
      EXECUTE format('COMMENT ON CONSTRAINT %I ON %s IS %L', k.conname, k.tbl,
        'Declared for joins; NOT ENFORCED on Postgres 18+ (the loader writes the referenced row '
        || 'in the same transaction, first). Deleting a snapshot still deletes its entries and '
        || 'top lives: trigger ranking_snapshots_delete_facts.');
    END LOOP;
  END IF;
END $$;
--> statement-breakpoint
-- A NOT ENFORCED key does not cascade: deleting snapshots deletes their entries and top lives
-- here, once per statement. Loads never delete snapshots, so they never pay for it. Where the
-- keys are enforced their own cascade has already removed the rows and this finds nothing.
CREATE FUNCTION fastmoss.delete_snapshot_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM fastmoss.ranking_top_lives t USING deleted_snapshots d WHERE t.snapshot_id = d.id;
  DELETE FROM fastmoss.ranking_entries e USING deleted_snapshots d WHERE e.snapshot_id = d.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER ranking_snapshots_delete_facts AFTER DELETE ON fastmoss.ranking_snapshots
  REFERENCING OLD TABLE AS deleted_snapshots FOR EACH STATEMENT
  EXECUTE FUNCTION fastmoss.delete_snapshot_facts();
--> statement-breakpoint
COMMENT ON FUNCTION fastmoss.delete_snapshot_facts() IS 'Deletes the entries and top lives of deleted snapshots (the cascade of the fact tables'' NOT ENFORCED keys).';
--> statement-breakpoint
COMMENT ON TRIGGER ranking_snapshots_delete_facts ON fastmoss.ranking_snapshots IS 'Deleting snapshots deletes their entries and top lives, once per statement.';
