CREATE INDEX "ranking_entries_snapshot_idx" ON "fastmoss"."ranking_entries" USING btree ("snapshot_id");--> statement-breakpoint
-- Postgres 18 prices a probe `snapshot_id = $1 AND period_start = $2` on the primary key
-- (snapshot_id, rank, period_start) as a skip scan over the ranks, ~100x this index's price, in
-- every month it cannot prune at plan time; a period's queries then looked cheap to split over
-- parallel workers scanning every snapshot (BENCHMARKS.md, "At 10x"). With this index, and no
-- parallel scans of the small snapshots table, they plan serial.
ALTER TABLE "fastmoss"."ranking_snapshots" SET (parallel_workers = 0);--> statement-breakpoint
COMMENT ON INDEX "fastmoss"."ranking_entries_snapshot_idx" IS 'A ranking''s entries by snapshot alone: what the analysts'' period queries probe per snapshot. The primary key (snapshot_id, rank, period_start) answers the same rows, but the planner prices that probe ~100x higher in every month it cannot prune at plan time, which made those queries pick parallel plans over every snapshot (BENCHMARKS.md, At 10x). One btree entry per entry row.';
