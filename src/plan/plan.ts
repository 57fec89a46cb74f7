import type { Selection } from '../config.ts';
import type { RankingKey } from '../domain/ranking.ts';
import { endedPeriodsOverlapping, type IsoDate, periodBounds } from './periods.ts';

/** A ranking key with its period's first and last day, ready for the ledger. */
export interface PlannedRanking {
  key: RankingKey;
  periodStart: IsoDate;
  periodEnd: IsoDate;
}

/** Explicit periods to load, e.g. a scheduled cycle's `day` periods. */
export interface PeriodSelection {
  periodType: RankingKey['periodType'];
  periodValues: string[];
}

/** region x product category x creator category x period x order field, in a stable order. */
export function planForPeriods(
  selection: Omit<Selection, 'periodTypes'>,
  periods: PeriodSelection[],
): PlannedRanking[] {
  const planned: PlannedRanking[] = [];
  for (const { periodType, periodValues } of periods) {
    for (const periodValue of periodValues) {
      const bounds = periodBounds(periodType, periodValue);
      if (!bounds) throw new Error(`invalid ${periodType} period '${periodValue}'`);
      for (const region of selection.regions) {
        for (const productCategoryId of selection.productCategoryIds) {
          for (const creatorCategoryId of selection.creatorCategoryIds) {
            for (const orderField of selection.orderFields) {
              planned.push({
                key: {
                  region,
                  productCategoryId,
                  creatorCategoryId,
                  periodType,
                  periodValue,
                  orderField,
                },
                periodStart: bounds.start,
                periodEnd: bounds.end,
              });
            }
          }
        }
      }
    }
  }
  return planned;
}

/** Every ranking of the selection whose period overlaps [from, to] and has ended by `now`. */
export function planBackfill(
  selection: Selection,
  from: IsoDate,
  to: IsoDate,
  now: Date,
): PlannedRanking[] {
  return planForPeriods(
    selection,
    selection.periodTypes.map((periodType) => ({
      periodType,
      periodValues: endedPeriodsOverlapping(periodType, from, to, now),
    })),
  );
}
