import type { ClientBase, Pool } from 'pg';
import { MAX_RANKING_ROWS, type PeriodType } from '../domain/ranking.ts';
import { pagesNeeded } from '../fastmoss/page-plan.ts';
import type { PlannedRanking } from '../plan/plan.ts';
import { keyArrays, PLANNED_INPUT, SNAPSHOT_EXISTS } from './ledger.ts';
import {
  BYTES_PER_ENTRY,
  BYTES_PER_RANKING,
  BYTES_PER_TOP_LIVE,
  DEFAULT_ENTRIES_PER_RANKING,
  DEFAULT_TOP_LIVES_PER_ENTRY,
  MIN_ENTRIES_FOR_OWN_RATIO,
  RAW_BYTES_PER_PAGE,
  RAW_BYTES_PER_ROW,
} from './row-sizes.ts';
import { relationTreeStats } from './table-sizes.ts';

/*
 * What a selection will add to the warehouse: rows and bytes, an estimate made before any API
 * call. Rows per ranking come from what the warehouse already holds (the average entry_count of
 * loaded snapshots of the same series, else of the same region and period type), else from the
 * measured defaults; bytes from the measured per-row sizes in row-sizes.ts.
 */

/** Where a ranking's expected entry count came from. */
export type EntriesBasis = 'series' | 'regionPeriod' | 'default';

/** Not-yet-loaded rankings sharing a period type and an expected entry count. */
export interface RankingGroup {
  periodType: PeriodType;
  rankings: number;
  /** Entries one such ranking is expected to hold; null when the warehouse knows none like it. */
  averageEntries: number | null;
  basis: EntriesBasis;
}

export interface GrowthEstimate {
  /** Always true: these are expectations, not counts. */
  estimate: true;
  /** Rankings that add rows: those not loaded yet. */
  rankings: number;
  /** Loaded rankings a --force reload replaces in place: no net rows (dead rows until vacuum). */
  replaced: number;
  snapshots: number;
  entries: number;
  topLives: number;
  rawPages: number;
  bytes: { entries: number; topLives: number; rawPages: number; rankings: number; total: number };
  /** Top lives expected per entry, and whether the warehouse's own ratio or the default gave it. */
  topLivesPerEntry: { value: number; basis: 'warehouse' | 'default' };
  /** How many of `rankings` had their entry count from each source. */
  entriesBasis: Record<EntriesBasis, number>;
}

/** The arithmetic of the estimate, apart from the reads, so it is tested on its own. */
export function estimateGrowth(
  groups: RankingGroup[],
  options: {
    pageSize: number;
    replaced: number;
    topLivesPerEntry: GrowthEstimate['topLivesPerEntry'];
  },
): GrowthEstimate {
  let rankings = 0;
  let entries = 0;
  let rawPages = 0;
  const entriesBasis: Record<EntriesBasis, number> = { series: 0, regionPeriod: 0, default: 0 };
  for (const group of groups) {
    const each = Math.min(
      MAX_RANKING_ROWS,
      group.averageEntries ?? DEFAULT_ENTRIES_PER_RANKING[group.periodType],
    );
    rankings += group.rankings;
    entries += group.rankings * each;
    // An empty ranking still archives its one page.
    rawPages += group.rankings * pagesNeeded(Math.round(each), options.pageSize);
    entriesBasis[group.averageEntries === null ? 'default' : group.basis] += group.rankings;
  }
  entries = Math.round(entries);
  const topLives = Math.round(entries * options.topLivesPerEntry.value);
  const bytes = {
    entries: entries * BYTES_PER_ENTRY,
    topLives: topLives * BYTES_PER_TOP_LIVE,
    rawPages: entries * RAW_BYTES_PER_ROW + rawPages * RAW_BYTES_PER_PAGE,
    rankings: rankings * BYTES_PER_RANKING,
    total: 0,
  };
  bytes.total = bytes.entries + bytes.topLives + bytes.rawPages + bytes.rankings;
  return {
    estimate: true,
    rankings,
    replaced: options.replaced,
    snapshots: rankings,
    entries,
    topLives,
    rawPages,
    bytes,
    topLivesPerEntry: options.topLivesPerEntry,
    entriesBasis,
  };
}

/** The warehouse's own top lives per entry (planner row estimates), once it holds enough. */
async function topLivesPerEntry(
  db: Pool | ClientBase,
): Promise<GrowthEstimate['topLivesPerEntry']> {
  const [entries, topLives] = await Promise.all([
    relationTreeStats(db, 'fastmoss.ranking_entries'),
    relationTreeStats(db, 'fastmoss.ranking_top_lives'),
  ]);
  if (entries === null || topLives === null || entries.rows < MIN_ENTRIES_FOR_OWN_RATIO) {
    return { value: DEFAULT_TOP_LIVES_PER_ENTRY, basis: 'default' };
  }
  return { value: Math.round((topLives.rows / entries.rows) * 100) / 100, basis: 'warehouse' };
}

/**
 * Reads what the estimate needs: which planned rankings are loaded already, and the average
 * entry count of loaded snapshots like the rest. Reads only; one pass over the snapshots of the
 * selection's regions and period types.
 */
export async function readGrowthEstimate(
  db: Pool | ClientBase,
  planned: PlannedRanking[],
  options: { pageSize: number; force: boolean; warehouse: boolean },
): Promise<GrowthEstimate> {
  if (!options.warehouse || planned.length === 0) {
    const byPeriod = new Map<PeriodType, number>();
    for (const ranking of planned) {
      byPeriod.set(ranking.key.periodType, (byPeriod.get(ranking.key.periodType) ?? 0) + 1);
    }
    return estimateGrowth(
      [...byPeriod].map(([periodType, rankings]) => ({
        periodType,
        rankings,
        averageEntries: null,
        basis: 'default',
      })),
      {
        pageSize: options.pageSize,
        replaced: 0,
        topLivesPerEntry: { value: DEFAULT_TOP_LIVES_PER_ENTRY, basis: 'default' },
      },
    );
  }
  const result = await db.query<{
    period_type: PeriodType;
    loaded: boolean;
    average_entries: string | null;
    basis: EntriesBasis;
    rankings: string;
  }>(
    `WITH input AS (${PLANNED_INPUT}),
     marked AS (SELECT i.*, ${SNAPSHOT_EXISTS} AS loaded FROM input i),
     scope AS (SELECT DISTINCT region, period_type FROM marked WHERE NOT loaded),
     known AS (
       SELECT s.region, s.product_category_id, s.creator_category_id, s.period_type,
              sum(s.entry_count) AS entries, count(*) AS snapshots
       FROM fastmoss.ranking_snapshots s JOIN scope USING (region, period_type)
       GROUP BY 1, 2, 3, 4),
     by_region AS (
       SELECT region, period_type, sum(entries)::numeric / sum(snapshots) AS average_entries
       FROM known GROUP BY 1, 2)
     SELECT m.period_type, m.loaded,
            CASE WHEN m.loaded THEN NULL
                 ELSE coalesce(k.entries::numeric / k.snapshots, r.average_entries) END AS average_entries,
            CASE WHEN k.snapshots IS NOT NULL THEN 'series' ELSE 'regionPeriod' END AS basis,
            count(*) AS rankings
     FROM marked m
     LEFT JOIN known k
       ON NOT m.loaded AND k.region = m.region AND k.period_type = m.period_type
      AND k.product_category_id IS NOT DISTINCT FROM m.product_category_id
      AND k.creator_category_id IS NOT DISTINCT FROM m.creator_category_id
     LEFT JOIN by_region r
       ON NOT m.loaded AND r.region = m.region AND r.period_type = m.period_type
     GROUP BY 1, 2, 3, 4`,
    keyArrays(planned),
  );
  let loaded = 0;
  const groups: RankingGroup[] = [];
  for (const row of result.rows) {
    if (row.loaded) {
      loaded += Number(row.rankings);
      continue;
    }
    groups.push({
      periodType: row.period_type,
      rankings: Number(row.rankings),
      averageEntries: row.average_entries === null ? null : Number(row.average_entries),
      basis: row.basis,
    });
  }
  const estimate = estimateGrowth(groups, {
    pageSize: options.pageSize,
    replaced: options.force ? loaded : 0,
    topLivesPerEntry: await topLivesPerEntry(db),
  });
  return estimate;
}
