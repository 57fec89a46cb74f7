import { ORDER_FIELDS, type RankingKey, REGIONS } from '../../src/domain/ranking.ts';
import { pagesNeeded } from '../../src/fastmoss/page-plan.ts';
import { periodBounds } from '../../src/plan/periods.ts';
import { type PlannedRanking, planForPeriods } from '../../src/plan/plan.ts';
import { rankingTotal } from '../../src/simulator/data.ts';

/** `count` consecutive days from `first`, as ISO dates. */
export function days(first: string, count: number): string[] {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: count }, (_, index) =>
    new Date(start + index * 86_400_000).toISOString().slice(0, 10),
  );
}

export function planned(key: RankingKey): PlannedRanking {
  const bounds = periodBounds(key.periodType, key.periodValue);
  if (!bounds) throw new Error(`not a ${key.periodType}: ${key.periodValue}`);
  return { key, periodStart: bounds.start, periodEnd: bounds.end };
}

/**
 * `count` rankings that the simulator serves in full (total >= 500, so 500 rows in 5 pages):
 * whole-market day rankings, both order fields, walking days of 2025 across all regions. The
 * simulator's total depends on region and day only, so both order fields qualify together.
 */
export function fullRankings(count: number): PlannedRanking[] {
  const chosen: PlannedRanking[] = [];
  for (const day of days('2025-01-01', 365)) {
    for (const region of REGIONS) {
      for (const orderField of ORDER_FIELDS) {
        const key: RankingKey = {
          region,
          productCategoryId: null,
          creatorCategoryId: null,
          periodType: 'day',
          periodValue: day,
          orderField,
        };
        if (rankingTotal(key) < 500) continue;
        chosen.push(planned(key));
        if (chosen.length === count) return chosen;
      }
    }
  }
  throw new Error(`the simulator has fewer than ${count} full day rankings in 2025`);
}

/** The fewest calls a ranking can cost: one per 100 served rows, and one for an empty ranking. */
export function minimumCalls(rankings: PlannedRanking[]): number {
  return rankings.reduce((sum, ranking) => sum + pagesNeeded(rankingTotal(ranking.key)), 0);
}

/** A backfill across day, week and month, whole market and category filters: totals 0 to >500. */
export function variedRankings(): PlannedRanking[] {
  return [
    ...planForPeriods(
      {
        regions: ['US', 'GB', 'ID', 'BR', 'JP'],
        productCategoryIds: [null, 14],
        creatorCategoryIds: [null, 4],
        orderFields: [...ORDER_FIELDS],
      },
      [
        { periodType: 'day', periodValues: days('2025-03-01', 7) },
        { periodType: 'week', periodValues: ['2025-10', '2025-11'] },
        { periodType: 'month', periodValues: ['2025-02'] },
      ],
    ),
  ];
}
