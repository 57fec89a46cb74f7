import { UTCDate } from '@date-fns/utc';
import { addDays } from 'date-fns/addDays';
import { format } from 'date-fns/format';
import { getISODay } from 'date-fns/getISODay';
import { startOfMonth } from 'date-fns/startOfMonth';
import { subDays } from 'date-fns/subDays';
import type { Selection } from '../config.ts';
import type { Region } from '../domain/ranking.ts';
import { type IsoDate, periodContaining } from '../plan/periods.ts';

/** What the demo loads: small enough for under a minute, wide enough for every question. */
export const DEMO_REGIONS: Region[] = ['US', 'GB', 'ID'];

export const DEMO_SELECTION: Selection = {
  regions: DEMO_REGIONS,
  productCategoryIds: [null, 14, 25],
  creatorCategoryIds: [null],
  orderFields: ['gmv', 'units_sold'],
  periodTypes: ['day', 'week', 'month'],
};

export interface DemoWeek {
  /** Monday. */
  from: IsoDate;
  /** Sunday. */
  to: IsoDate;
  /** ISO week value, e.g. `2026-43`. */
  week: string;
  /** The month holding the whole week, e.g. `2026-10`; it has ended. */
  month: string;
}

/**
 * The last ISO week lying wholly inside a month that has ended, so its seven days, the week and
 * the month are all complete periods: a backfill of [from, to] loads all three period types.
 */
export function demoWeek(now: Date): DemoWeek {
  const lastDayOfLastMonth = subDays(startOfMonth(new UTCDate(now.getTime())), 1);
  // getISODay: Monday 1 .. Sunday 7; a month has at least 28 days, so Monday is in it too.
  const sunday = subDays(lastDayOfLastMonth, getISODay(lastDayOfLastMonth) % 7);
  const monday = addDays(sunday, -6);
  return {
    from: format(monday, 'yyyy-MM-dd'),
    to: format(sunday, 'yyyy-MM-dd'),
    week: periodContaining('week', monday),
    month: periodContaining('month', monday),
  };
}
