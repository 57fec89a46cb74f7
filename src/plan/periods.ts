import { UTCDate } from '@date-fns/utc';
import { addDays } from 'date-fns/addDays';
import { addMonths } from 'date-fns/addMonths';
import { addWeeks } from 'date-fns/addWeeks';
import { endOfISOWeek } from 'date-fns/endOfISOWeek';
import { endOfMonth } from 'date-fns/endOfMonth';
import { format } from 'date-fns/format';
import { getISOWeek } from 'date-fns/getISOWeek';
import { getISOWeeksInYear } from 'date-fns/getISOWeeksInYear';
import { getISOWeekYear } from 'date-fns/getISOWeekYear';
import { setISOWeek } from 'date-fns/setISOWeek';
import { startOfISOWeek } from 'date-fns/startOfISOWeek';
import { startOfISOWeekYear } from 'date-fns/startOfISOWeekYear';
import type { PeriodType } from '../domain/ranking.ts';

/**
 * The first day FastMoss can have a ranking for: TikTok Shop's first market (Indonesia) opened
 * in April 2021, and every later market opened after it, so no live-commerce sales (hence no
 * ranking) exist before. A backfill from earlier would only plan empty rankings and spend calls.
 */
export const EARLIEST_RANKING_DAY = '2021-04-01';

/** A calendar date as `YYYY-MM-DD`. Periods are UTC calendar days; no time of day is involved. */
export type IsoDate = string;

export interface PeriodBounds {
  /** First day of the period. */
  start: IsoDate;
  /** Last day of the period, inclusive. */
  end: IsoDate;
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEK_RE = /^(\d{4})-(\d{2})$/;
const MONTH_RE = /^(\d{4})-(\d{2})$/;

function toIsoDate(date: Date): IsoDate {
  return format(date, 'yyyy-MM-dd');
}

/** Parses `YYYY-MM-DD` strictly (no rollover: 2026-02-30 is rejected). Undefined when invalid. */
export function parseIsoDate(text: string): UTCDate | undefined {
  const match = DAY_RE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Not `new UTCDate(year, ...)`: the Date constructor reads years 0..99 as 1900..1999.
  const date = new UTCDate(0);
  date.setFullYear(year, month - 1, day);
  if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) {
    return undefined;
  }
  return date;
}

/** The first day of ISO week `week` of ISO week-year `weekYear`, or undefined if it has no such week. */
function isoWeekStart(weekYear: number, week: number): Date | undefined {
  // January 4th always lies in week 1 of its ISO week-year.
  const jan4 = new UTCDate(weekYear, 0, 4);
  if (week < 1 || week > getISOWeeksInYear(jan4)) return undefined;
  return startOfISOWeek(setISOWeek(startOfISOWeekYear(jan4), week));
}

/** First and last day of a period, or undefined if the value is not a valid period of that type. */
export function periodBounds(type: PeriodType, value: string): PeriodBounds | undefined {
  switch (type) {
    case 'day': {
      const day = parseIsoDate(value);
      return day ? { start: value, end: value } : undefined;
    }
    case 'week': {
      const match = WEEK_RE.exec(value);
      if (!match) return undefined;
      const start = isoWeekStart(Number(match[1]), Number(match[2]));
      return start ? { start: toIsoDate(start), end: toIsoDate(endOfISOWeek(start)) } : undefined;
    }
    case 'month': {
      const match = MONTH_RE.exec(value);
      if (!match) return undefined;
      const month = Number(match[2]);
      if (month < 1 || month > 12) return undefined;
      const start = new UTCDate(Number(match[1]), month - 1, 1);
      return { start: toIsoDate(start), end: toIsoDate(endOfMonth(start)) };
    }
  }
}

export function isValidPeriodValue(type: PeriodType, value: string): boolean {
  return periodBounds(type, value) !== undefined;
}

/** The period of the given type that contains `date`: `2026-04-01`, `2026-14` or `2026-04`. */
export function periodContaining(type: PeriodType, date: Date): string {
  const day = new UTCDate(date.getTime());
  switch (type) {
    case 'day':
      return toIsoDate(day);
    case 'week':
      return `${getISOWeekYear(day)}-${String(getISOWeek(day)).padStart(2, '0')}`;
    case 'month':
      return format(day, 'yyyy-MM');
  }
}

function nextPeriodStart(type: PeriodType, start: Date): Date {
  switch (type) {
    case 'day':
      return addDays(start, 1);
    case 'week':
      return addWeeks(start, 1);
    case 'month':
      return addMonths(start, 1);
  }
}

/**
 * The period values just before and just after a period of `type` with these bounds: the
 * neighbours whose snapshots a quality-flag refresh compares, found by their exact key.
 */
export function adjacentPeriodValues(
  type: PeriodType,
  bounds: PeriodBounds,
): { previous: string; next: string } {
  const start = parseIsoDate(bounds.start);
  const end = parseIsoDate(bounds.end);
  if (!start || !end) throw new RangeError(`not a period: ${bounds.start}..${bounds.end}`);
  return {
    previous: periodContaining(type, addDays(start, -1)),
    next: periodContaining(type, addDays(end, 1)),
  };
}

/** Today's date in UTC. */
export function utcToday(now: Date): IsoDate {
  return toIsoDate(new UTCDate(now.getTime()));
}

/** A period has ended once its last day is before today (UTC): upstream has the whole period. */
export function hasEnded(type: PeriodType, value: string, now: Date): boolean {
  const bounds = periodBounds(type, value);
  return bounds !== undefined && bounds.end < utcToday(now);
}

/**
 * Every period of `type` that overlaps the inclusive range [from, to] and has ended by `now`,
 * oldest first.
 */
export function endedPeriodsOverlapping(
  type: PeriodType,
  from: IsoDate,
  to: IsoDate,
  now: Date,
): string[] {
  const fromDate = parseIsoDate(from);
  const toDate = parseIsoDate(to);
  if (!fromDate || !toDate || from > to) return [];
  const values: string[] = [];
  const firstValue = periodContaining(type, fromDate);
  const firstBounds = periodBounds(type, firstValue);
  if (!firstBounds) return values;
  let start: Date | undefined = parseIsoDate(firstBounds.start);
  while (start && toIsoDate(start) <= to) {
    const value = periodContaining(type, start);
    if (!hasEnded(type, value, now)) break;
    values.push(value);
    start = nextPeriodStart(type, start);
  }
  return values;
}
