/*
 * What one row of the warehouse costs on disk, measured on a real load, for the growth estimate
 * of `backfill --dry-run`. Bytes are pg_total_relation_size (heap, every index, TOAST) after
 * VACUUM ANALYZE and CHECKPOINT, taken as the difference between two loads, so the fixed pages
 * of a small table do not count; the facts measured in their monthly partition, on the
 * partitioned schema (migration 0013, period_start in the facts' keys):
 *
 *   load 1: 390 rankings (15 regions, 2026-10-01..10, day/week/month, both order fields)
 *   load 2: +720 rankings (2026-10-11..31), 1,110 in all: 383,682 entries, 494,165 top lives,
 *           4,102 raw pages; against the bundled simulator (pages of 100 rows), loaded by the
 *           batched writer into the embedded Postgres 18.4 (TOAST compression pglz; the
 *           embedded build has no lz4), 2026-12-01. BENCHMARKS.md, "Disk per row", has the table.
 *           (On the schema before partitioning: entry 179, top live 127, ranking 683.)
 *
 * The figures hold for this schema; a migration that adds an index or a column changes them.
 */

/** ranking_entries: heap 111 B + 2 indexes 75 B a row. */
export const BYTES_PER_ENTRY = 185;

/** ranking_top_lives: heap 81 B + 2 indexes 59 B a row. */
export const BYTES_PER_TOP_LIVE = 140;

/**
 * raw_pages, the part that grows with rows: a page's body (the response text, TOAST-compressed
 * with pglz to about 26% of its 63 kB) per row it holds. A page of 100 rows: ~18.6 kB.
 */
export const RAW_BYTES_PER_ROW = 183;

/** raw_pages, the part every page costs whatever its rows: heap row and its 4 indexes. */
export const RAW_BYTES_PER_PAGE = 362;

/** ranking_snapshots (319 B with its 4 indexes) plus its etl_jobs row (330 B with 4): a ranking. */
export const BYTES_PER_RANKING = 649;

/** Top lives per entry in the measured load, used while the warehouse holds too few of its own. */
export const DEFAULT_TOP_LIVES_PER_ENTRY = 1.29;

/**
 * Entries per ranking in the measured load, by period type, used for a ranking whose region and
 * period type have no loaded snapshot yet. Whole-market weeks and months list the full 500;
 * days of the simulated market fewer. Category rankings list fewer still, so for them these
 * are generous.
 */
export const DEFAULT_ENTRIES_PER_RANKING = { day: 317, week: 493, month: 500 } as const;

/** Entries needed in the warehouse before its own top-lives-per-entry ratio replaces the default. */
export const MIN_ENTRIES_FOR_OWN_RATIO = 10_000;
